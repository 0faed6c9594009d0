/*
 * RateHistory.c: linear probing with backward-shift deletion, as
 * ConnTable's; an entry holds its key, its hash and its two sparklines.
 */
#include "config.h"
#include "ui/RateHistory.h"

#include <stdlib.h>
#include <string.h>

#include "core/OpenHash.h"
#include "core/XUtils.h"

struct RateHistoryEntry_ {
   ConnKey key;
   size_t hash;
   uint32_t seen;        /* the record (RateHistory.sample) that last saw it */
   uint32_t drawn;       /* the record when the list last drew it (or made it) */
   ConnHistory history;
};

void RateHistory_init(RateHistory* this) {
   memset(this, 0, sizeof(*this));
}

void RateHistory_done(RateHistory* this) {
   for (size_t i = 0; i < this->cap; i++)
      free(this->slots[i]);
   free(this->slots);
   RateHistory_init(this);
}

static size_t RateHistory_slot(const RateHistory* this, const ConnKey* key, size_t hash) {
   size_t mask = this->cap - 1;
   size_t i = hash & mask;
   while (this->slots[i] && (this->slots[i]->hash != hash || memcmp(&this->slots[i]->key, key, sizeof(*key)) != 0))
      i = (i + 1) & mask;
   return i;
}

const ConnHistory* RateHistory_find(const RateHistory* this, const ConnKey* key) {
   if (!this->cap)
      return NULL;
   const RateHistoryEntry* e = this->slots[RateHistory_slot(this, key, ConnKey_hash(key))];
   return e ? &e->history : NULL;
}

/* Room for one more at a load of at most 3/4. */
static void RateHistory_reserve(RateHistory* this) {
   if ((this->count + 1) * 4 <= this->cap * 3)
      return;
   RateHistoryEntry** old = this->slots;
   size_t oldCap = this->cap;
   this->cap = oldCap ? oldCap * 2 : 64;
   this->slots = xCalloc(this->cap, sizeof(RateHistoryEntry*));
   for (size_t i = 0; i < oldCap; i++) {
      if (old[i])
         this->slots[RateHistory_slot(this, &old[i]->key, old[i]->hash)] = old[i];
   }
   free(old);
}

/* The entry of c, created on its first traffic (or at once: always);
 * NULL before. */
static RateHistoryEntry* RateHistory_entry(RateHistory* this, const Conn* c, bool always) {
   ConnKey key = Conn_key(c);
   size_t hash = ConnKey_hash(&key);
   RateHistoryEntry* e = this->cap ? this->slots[RateHistory_slot(this, &key, hash)] : NULL;
   if (e || (!always && c->txRate <= 0 && c->rxRate <= 0))
      return e;
   RateHistory_reserve(this);
   e = xCalloc(1, sizeof(RateHistoryEntry));
   e->key = key;
   e->hash = hash;
   e->drawn = this->sample;
   this->slots[RateHistory_slot(this, &key, hash)] = e;
   this->count++;
   return e;
}

static void RateHistory_push(RateHistory* this, RateHistoryEntry* e, const Conn* c) {
   e->seen = this->sample;
   Sparkline_push(&e->history.tx, c->txRate);
   Sparkline_push(&e->history.rx, c->rxRate);
}

void RateHistory_record(RateHistory* this, Conn* const* rows, size_t n) {
   this->sample++;
   for (size_t i = 0; i < n; i++) {
      RateHistoryEntry* e = RateHistory_entry(this, rows[i], false);
      if (e)
         RateHistory_push(this, e, rows[i]);
   }
}

void RateHistory_recordKnown(RateHistory* this, const ConnTable* table) {
   this->sample++;
   for (size_t i = 0; i < this->cap; i++) {
      RateHistoryEntry* e = this->slots[i];
      const Conn* c = e ? ConnTable_find(table, &e->key) : NULL;
      if (c)
         RateHistory_push(this, e, c);
   }
}

void RateHistory_watch(RateHistory* this, const Conn* c) {
   RateHistory_entry(this, c, true)->drawn = this->sample;
}

/* Gone from the table; with watchedOnly, also not drawn for a graph's width. */
static bool RateHistory_stale(const RateHistory* this, const RateHistoryEntry* e, const ConnTable* table) {
   if (this->watchedOnly && this->sample - e->drawn > SPARKLINE_LEN)
      return true;
   return e->seen != this->sample && !ConnTable_find(table, &e->key);
}

static bool RateHistory_used(const void* table, size_t i) {
   return ((const RateHistory*)table)->slots[i] != NULL;
}

static uint64_t RateHistory_hashAt(const void* table, size_t i) {
   return ((const RateHistory*)table)->slots[i]->hash;
}

static void RateHistory_move(void* table, size_t to, size_t from) {
   RateHistory* this = table;
   this->slots[to] = this->slots[from];
   this->slots[from] = NULL;
}

/* Frees the entry at slot i; later members of its run close the gap. */
static void RateHistory_removeAt(RateHistory* this, size_t i) {
   free(this->slots[i]);
   this->slots[i] = NULL;
   this->count--;
   OpenHashSlots s = { this, this->cap, RateHistory_used, RateHistory_hashAt, RateHistory_move };
   OpenHash_closeGap(&s, i);
}

/* Rows the last record saw are in the table; only the others are looked up. */
void RateHistory_prune(RateHistory* this, const ConnTable* table) {
   ConnKey* gone = NULL;
   size_t nGone = 0, capGone = 0;
   for (size_t i = 0; i < this->cap; i++) {
      const RateHistoryEntry* e = this->slots[i];
      if (!e || !RateHistory_stale(this, e, table))
         continue;
      if (nGone == capGone) {
         capGone = capGone ? capGone * 2 : 64;
         gone = xRealloc(gone, capGone * sizeof(ConnKey));
      }
      gone[nGone++] = e->key;
   }
   for (size_t k = 0; k < nGone; k++)
      RateHistory_removeAt(this, RateHistory_slot(this, &gone[k], ConnKey_hash(&gone[k])));
   free(gone);
}

void RateHistory_copy(RateHistory* this, const RateHistory* from) {
   *this = *from;
   if (!from->cap)
      return;
   this->slots = xCalloc(from->cap, sizeof(RateHistoryEntry*));
   for (size_t i = 0; i < from->cap; i++) {
      if (from->slots[i]) {
         this->slots[i] = xMalloc(sizeof(RateHistoryEntry));
         *this->slots[i] = *from->slots[i];
      }
   }
}
