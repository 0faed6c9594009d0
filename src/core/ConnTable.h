/*
 * ConnTable.h: every connection and flow by key (open addressing), plus the
 * totals the summary shows.
 */
#ifndef TCPTOP_CONNTABLE_H
#define TCPTOP_CONNTABLE_H

#include <stddef.h>

#include "core/Conn.h"

/* A row changed in this interval, and its counters before (for rates). */
typedef struct ConnTouch_ {
   Conn* row;
   uint64_t txBytes, rxBytes;
   uint64_t txPackets, rxPackets;
} ConnTouch;

/* Rows live in blocks of CONNTABLE_BLOCK, never moved: a row's index
 * (ConnTable_at) names it in 4 bytes, where a pointer took 8. */
#define CONNTABLE_BLOCK_BITS 12
#define CONNTABLE_BLOCK (1u << CONNTABLE_BLOCK_BITS)

typedef struct ConnTable_ {
   uint32_t* slots;      /* a row's index + 1; 0: empty */
   uint32_t* hashes;     /* hashes[i]: the low 32 bits of the hash of slots[i]'s
                          * key (all a slot index of a table below 2^32 slots
                          * uses), so a probe touches a row only when they match */
   size_t cap;           /* power of two */
   size_t count;
   Conn** blocks;        /* where rows live, CONNTABLE_BLOCK each, oldest first */
   size_t nBlocks;
   size_t blockUsed;     /* rows handed out of the newest block */
   uint32_t spare;       /* removed rows, for the next ones: an index + 1, 0 none */
   uint64_t lost;        /* events the backend knows it missed */
   uint64_t vanished;    /* connections that disappeared without a close event */
   /* rows the backend changed since the last ConnTable_touchedReset
    * (ConnTable_touch), each once, with their counters before */
   ConnTouch* touched;
   size_t nTouched, capTouched;
   uint32_t epoch;       /* Conn.generation == epoch: in touched */
} ConnTable;

void ConnTable_init(ConnTable* this);
void ConnTable_done(ConnTable* this);

Conn* ConnTable_find(const ConnTable* this, const ConnKey* key);
/* The row for key, created (zeroed, key set) when absent; *created says which. */
Conn* ConnTable_get(ConnTable* this, const ConnKey* key, bool* created);
/* ConnTable_get, and the row's index (ConnTable_at) into *index. */
Conn* ConnTable_getIndexed(ConnTable* this, const ConnKey* key, bool* created, uint32_t* index);

/* The row of an index (from ConnTable_getIndexed): the same row while it
 * lives; after, a free row (not Conn_live) or another. */
static inline Conn* ConnTable_at(const ConnTable* this, uint32_t index) {
   return &this->blocks[index >> CONNTABLE_BLOCK_BITS][index & (CONNTABLE_BLOCK - 1)];
}

/* The row in hash slot i (< cap), or NULL: for a walk in hash order. */
static inline Conn* ConnTable_slotRow(const ConnTable* this, size_t i) {
   return this->slots[i] ? ConnTable_at(this, this->slots[i] - 1) : NULL;
}
void ConnTable_remove(ConnTable* this, const ConnKey* key);

/*
 * The rows an interval changed, with their counters before: a backend
 * calls ConnTable_touch for each row it creates or changes (counters,
 * state, owner, closed) BEFORE it changes the counters; the list holds
 * each row once (Conn.generation), with the counters of its first touch,
 * which are the last sample's. Monitor_pass takes the rates from it (a
 * row not in it did not change), then calls ConnTable_touchedReset; rows
 * the backend's poll changes between samples are in the next sample's
 * list. ConnTable_remove takes a row out of it.
 */
void ConnTable_touch(ConnTable* this, Conn* c);
void ConnTable_touchedReset(ConnTable* this);

/* Iteration: for (size_t i = 0; i < t->cap; i++) if ((c = ConnTable_slotRow(t, i))) ... ;
 * ConnTable_remove must not be called while iterating. */

/* The rows as an array (not owned), for sorting and output. */
Conn** ConnTable_rows(const ConnTable* this, size_t* n);

/*
 * The rows in memory order, block by block: a pass over every row this way
 * reads memory forwards (the hardware prefetches it) where one through the
 * slots jumps around 100 MB at 400,000 rows. Block b's rows are
 * [0, *n); the ones removed (on the spare list) are not Conn_live.
 * ConnTable_remove may be called for the row being visited.
 */
Conn* ConnTable_block(const ConnTable* this, size_t b, size_t* n);

static inline bool Conn_live(const Conn* c) {
   return c->proto != 0;
}

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

/* Every cache line of a row: 152 bytes not aligned to 64 may span four. */
static inline void Conn_prefetch(const Conn* c) {
   for (size_t off = 0; off < sizeof(Conn); off += 64)
      __builtin_prefetch((const char*)c + off);
   __builtin_prefetch((const char*)c + sizeof(Conn) - 1);
}

ConnKey ConnKey_tcp(uint64_t cookie, uint64_t start);
/* A row's key set (a zeroed row: ConnTable_get does it; tests). */
void Conn_setKey(Conn* c, const ConnKey* key);
/* Whether c is the row of key (a UDP flow's peer: c's raddr, rport, family). */
bool Conn_hasKey(const Conn* c, const ConnKey* key);
ConnKey ConnKey_udp(uint64_t cookie, uint64_t start, int family, const uint8_t raddr[16], uint16_t rport);
/* The table's hash of a key, for other maps by ConnKey. */
size_t ConnKey_hash(const ConnKey* k);

#endif
