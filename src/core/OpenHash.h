/*
 * OpenHash.h: the one subtle step of the open-addressing tables (linear
 * probing over a power-of-two array: ConnTable, the pcap FlowTracker, the
 * screen's RateHistory): deleting without tombstones. Each table keeps its
 * own typed slots and lends them through three callbacks.
 */
#ifndef TCPTOP_OPENHASH_H
#define TCPTOP_OPENHASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct OpenHashSlots_ {
   void* table;
   size_t cap;                                         /* a power of two */
   bool (*used)(const void* table, size_t i);
   uint64_t (*hash)(const void* table, size_t i);      /* of the member at i */
   void (*move)(void* table, size_t to, size_t from);  /* from is empty after */
} OpenHashSlots;

/*
 * Slot `hole` was just emptied: moves the later members of its run back
 * (backward-shift deletion) so that each is still found from its home slot.
 */
void OpenHash_closeGap(const OpenHashSlots* s, size_t hole);

#endif
