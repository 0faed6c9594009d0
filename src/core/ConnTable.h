/*
 * ConnTable.h: every connection and flow by key (open addressing), plus the
 * totals the summary shows.
 */
#ifndef TCPTOP_CONNTABLE_H
#define TCPTOP_CONNTABLE_H

#include <stddef.h>

#include "core/Conn.h"

typedef struct ConnTable_ {
   Conn** slots;
   size_t* hashes;       /* hashes[i]: the hash of slots[i]'s key, so a probe
                          * touches a row only when the hash matches */
   size_t cap;           /* power of two */
   size_t count;
   uint64_t lost;        /* events the backend knows it missed */
   uint64_t vanished;    /* connections that disappeared without a close event */
} ConnTable;

void ConnTable_init(ConnTable* this);
void ConnTable_done(ConnTable* this);

Conn* ConnTable_find(const ConnTable* this, const ConnKey* key);
/* The row for key, created (zeroed, key set) when absent; *created says which. */
Conn* ConnTable_get(ConnTable* this, const ConnKey* key, bool* created);
void ConnTable_remove(ConnTable* this, const ConnKey* key);

/* Iteration: for (size_t i = 0; i < t->cap; i++) if (t->slots[i]) ... ;
 * ConnTable_remove must not be called while iterating. */

/* The rows as an array (not owned), for sorting and output. */
Conn** ConnTable_rows(const ConnTable* this, size_t* n);

/*
 * Prefetches for the passes over every row: with 400,000 rows of 376 bytes
 * spread over the heap, most of a sample's time was spent waiting for the
 * first touch of each row (perf: 98% of raw_proto's samples on its first
 * load) and of its slot in the table. A pass asks a few rows ahead.
 */
#define CONNTABLE_AHEAD 8

/* The slot a lookup of key will read first (stage 0). */
void ConnTable_prefetchSlot(const ConnTable* this, const ConnKey* key);
/* The row in that slot, once the slot is in the cache (stage 1). */
void ConnTable_prefetchRow(const ConnTable* this, const ConnKey* key);

static inline void Conn_prefetch(const Conn* c) {
   __builtin_prefetch(c);
   __builtin_prefetch((const char*)c + 64);
   __builtin_prefetch((const char*)c + 128);
}

ConnKey ConnKey_tcp(uint64_t cookie, uint64_t start);
ConnKey ConnKey_udp(uint64_t cookie, uint64_t start, int family, const uint8_t raddr[16], uint16_t rport);
/* The table's hash of a key, for other maps by ConnKey. */
size_t ConnKey_hash(const ConnKey* k);

#endif
