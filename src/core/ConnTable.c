/*
 * ConnTable.c: linear probing with backward-shift deletion (no tombstones,
 * so lookups stay short under churn).
 */
#include "config.h"
#include "core/ConnTable.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/OpenHash.h"
#include "core/XUtils.h"

static const char* const Conn_tcpStates[] = {
   "?", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2", "TIME_WAIT",
   "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING", "NEW_SYN_RECV",
};

const char* Conn_stateName(int state) {
   switch (state) {
   case CONN_UDP_ACTIVE: return "ACTIVE";
   case CONN_UDP_IDLE: return "IDLE";
   case CONN_CLOSED: return "CLOSED";
   default:
      return state > 0 && state < (int)ARRAY_SIZE(Conn_tcpStates) ? Conn_tcpStates[state] : "?";
   }
}

void Conn_setMetrics(Conn* c, const uint64_t* values) {
   if (!c->metrics) {
      size_t i = 0;
      while (i < CONN_METRICS && values[i] == 0)
         i++;
      if (i == CONN_METRICS)
         return;   /* all 0: read the same as none */
      c->metrics = xMalloc(CONN_METRICS * sizeof(uint64_t));
   }
   memcpy(c->metrics, values, CONN_METRICS * sizeof(uint64_t));
}

const uint8_t Conn_noAddr6[32];

void Conn_copy(Conn* to, const Conn* from) {
   *to = *from;
   if (from->metrics) {
      to->metrics = xMalloc(CONN_METRICS * sizeof(uint64_t));
      memcpy(to->metrics, from->metrics, CONN_METRICS * sizeof(uint64_t));
   }
   if (from->family == AF_INET6 && from->addr6) {
      to->addr6 = xMalloc(32);
      memcpy(to->addr6, from->addr6, 32);
   }
}

void Conn_freeCopy(Conn* c) {
   free(c->metrics);
   c->metrics = NULL;
   if (c->family == AF_INET6) {
      free(c->addr6);
      c->addr6 = NULL;
   }
}

void Conn_setAddrs(Conn* c, int family, const uint8_t laddr[16], const uint8_t raddr[16]) {
   uint8_t both[32];   /* laddr and raddr may be the row's own (Conn_laddr), freed or overwritten below */
   size_t n = family == AF_INET6 ? 16 : 4;
   memcpy(both, laddr, n);
   memcpy(both + 16, raddr, n);
   if (family == AF_INET6) {
      if (c->family != AF_INET6 || !c->addr6)
         c->addr6 = xMalloc(32);
      memcpy(c->addr6, both, 32);
   } else {
      if (c->family == AF_INET6)
         free(c->addr6);
      memcpy(c->laddr4, both, 4);
      memcpy(c->raddr4, both + 16, 4);
   }
   c->family = (uint8_t)family;
}

void Conn_setStartTime(Conn* c, double wall) {
   double t = wall > 0 ? wall + 0.05 : 0;   /* to the nearest tenth */
   c->startSec = t < 4294967295.0 ? (uint32_t)t : UINT32_MAX;
   c->startTenths = (uint8_t)((t - c->startSec) * 10);
   if (c->startTenths > 9)
      c->startTenths = 9;
}

void Conn_setKey(Conn* c, const ConnKey* key) {
   c->cookie = key->cookie;
   c->start = key->start;
   c->proto = key->proto;
   if (key->proto == IPPROTO_UDP) {   /* the peer is part of the key */
      c->rport = key->rport;
      Conn_setAddrs(c, key->family, Conn_noAddr6, key->raddr);
   }
}

ConnKey Conn_key(const Conn* c) {
   if (c->proto == IPPROTO_UDP)
      return ConnKey_udp(c->cookie, c->start, c->family, Conn_raddr(c), c->rport);
   ConnKey k = ConnKey_tcp(c->cookie, c->start);
   k.proto = c->proto;
   return k;
}

/*
 * Rows are carved out of blocks, not malloc'ed one by one: glibc's 8-byte
 * header on each would be 3 MB of 400,000 rows. A removed row goes on the
 * spare list (the next one's index + 1 over its cookie) for the next row
 * made.
 */
static uint32_t ConnTable_newRow(ConnTable* this) {
   uint32_t index;
   if (this->spare) {
      index = this->spare - 1;
      memcpy(&this->spare, ConnTable_at(this, index), sizeof(uint32_t));
   } else {
      if (!this->nBlocks || this->blockUsed == CONNTABLE_BLOCK) {
         this->blocks = xRealloc(this->blocks, (this->nBlocks + 1) * sizeof(Conn*));
         this->blocks[this->nBlocks++] = xMalloc(CONNTABLE_BLOCK * sizeof(Conn));
         this->blockUsed = 0;
      }
      index = (uint32_t)((this->nBlocks - 1) * CONNTABLE_BLOCK + this->blockUsed++);
   }
   memset(ConnTable_at(this, index), 0, sizeof(Conn));
   return index;
}

/* The link goes over the cookie; proto 0 marks it not live (Conn_live). */
static void ConnTable_freeRow(ConnTable* this, uint32_t index) {
   Conn* c = ConnTable_at(this, index);
   Conn_freeCopy(c);
   c->proto = 0;
   memcpy(c, &this->spare, sizeof(uint32_t));
   this->spare = index + 1;
}

Conn* ConnTable_block(const ConnTable* this, size_t b, size_t* n) {
   if (b >= this->nBlocks) {
      *n = 0;
      return NULL;
   }
   *n = b + 1 == this->nBlocks ? this->blockUsed : CONNTABLE_BLOCK;
   return this->blocks[b];
}

ConnKey ConnKey_tcp(uint64_t cookie, uint64_t start) {
   ConnKey k;
   memset(&k, 0, sizeof(k));
   k.cookie = cookie;
   k.start = start;
   k.proto = IPPROTO_TCP;
   return k;
}

ConnKey ConnKey_udp(uint64_t cookie, uint64_t start, int family, const uint8_t raddr[16], uint16_t rport) {
   ConnKey k;
   memset(&k, 0, sizeof(k));
   k.cookie = cookie;
   k.start = start;
   k.proto = IPPROTO_UDP;
   k.family = (uint8_t)family;
   memcpy(k.raddr, raddr, family == AF_INET6 ? 16 : 4);   /* AF_INET: the rest 0, as a row's */
   k.rport = rport;
   return k;
}

size_t ConnKey_hash(const ConnKey* k) {
   uint64_t h = (k->cookie ^ (k->start * 0x2545F4914F6CDD1Dull)) * 0x9E3779B97F4A7C15ull;
   const uint64_t* w = (const uint64_t*)(const void*)k->raddr;
   uint64_t a, b;
   memcpy(&a, w, 8);
   memcpy(&b, (const uint8_t*)w + 8, 8);
   h ^= (a + 0x632BE59BD9B4E019ull) * 0xFF51AFD7ED558CCDull;
   h ^= (b ^ ((uint64_t)k->rport << 16 | k->proto << 8 | k->family)) * 0xC4CEB9FE1A85EC53ull;
   return (size_t)(h ^ (h >> 29));
}

bool Conn_hasKey(const Conn* c, const ConnKey* k) {
   if (c->cookie != k->cookie || c->start != k->start || c->proto != k->proto)
      return false;
   if (k->proto != IPPROTO_UDP)
      return true;
   return c->family == k->family && c->rport == k->rport &&
          memcmp(Conn_raddr(c), k->raddr, k->family == AF_INET6 ? 16 : 4) == 0;
}

void ConnTable_init(ConnTable* this) {
   memset(this, 0, sizeof(*this));
   this->cap = 256;
   this->slots = xCalloc(this->cap, sizeof(uint32_t));
   this->hashes = xCalloc(this->cap, sizeof(uint32_t));
   this->epoch = 1;
}

void ConnTable_done(ConnTable* this) {
   for (size_t i = 0; i < this->cap; i++) {
      if (this->slots[i])
         Conn_freeCopy(ConnTable_slotRow(this, i));
   }
   for (size_t b = 0; b < this->nBlocks; b++)
      free(this->blocks[b]);
   free(this->blocks);
   free(this->slots);
   free(this->hashes);
   free(this->touched);
   memset(this, 0, sizeof(*this));
}

static size_t ConnTable_slotHashed(const ConnTable* this, const ConnKey* key, size_t hash) {
   size_t mask = this->cap - 1;
   size_t i = hash & mask;
   while (this->slots[i] && (this->hashes[i] != (uint32_t)hash || !Conn_hasKey(ConnTable_slotRow(this, i), key)))
      i = (i + 1) & mask;
   return i;
}

static size_t ConnTable_slot(const ConnTable* this, const ConnKey* key) {
   return ConnTable_slotHashed(this, key, ConnKey_hash(key));
}

Conn* ConnTable_find(const ConnTable* this, const ConnKey* key) {
   return ConnTable_slotRow(this, ConnTable_slot(this, key));
}

/* The first free slot from a hash (a key known absent). */
static size_t ConnTable_emptySlot(const ConnTable* this, size_t hash) {
   size_t mask = this->cap - 1;
   size_t i = hash & mask;
   while (this->slots[i])
      i = (i + 1) & mask;
   return i;
}

static void ConnTable_grow(ConnTable* this) {
   uint32_t* old = this->slots;
   uint32_t* oldHashes = this->hashes;
   size_t oldCap = this->cap;
   this->cap *= 2;
   this->slots = xCalloc(this->cap, sizeof(uint32_t));
   this->hashes = xCalloc(this->cap, sizeof(uint32_t));
   for (size_t i = 0; i < oldCap; i++) {
      if (old[i]) {
         size_t j = ConnTable_emptySlot(this, oldHashes[i]);
         this->slots[j] = old[i];
         this->hashes[j] = oldHashes[i];
      }
   }
   free(old);
   free(oldHashes);
}

Conn* ConnTable_get(ConnTable* this, const ConnKey* key, bool* created) {
   uint32_t index;
   return ConnTable_getIndexed(this, key, created, &index);
}

Conn* ConnTable_getIndexed(ConnTable* this, const ConnKey* key, bool* created, uint32_t* index) {
   size_t hash = ConnKey_hash(key);
   size_t i = ConnTable_slotHashed(this, key, hash);
   *created = false;
   if (this->slots[i]) {
      *index = this->slots[i] - 1;
      return ConnTable_at(this, *index);
   }
   /* at most 4/5 full: 400,000 rows in 2^19 slots, 4 MB less than at 3/4
    * (linear probing's misses are still ~13 slots, of 4-byte hashes) */
   if ((this->count + 1) * 5 > this->cap * 4) {
      ConnTable_grow(this);
      i = ConnTable_slotHashed(this, key, hash);
   }
   *index = ConnTable_newRow(this);
   Conn* c = ConnTable_at(this, *index);
   Conn_setKey(c, key);
   this->slots[i] = *index + 1;
   this->hashes[i] = (uint32_t)hash;
   this->count++;
   *created = true;
   return c;
}

static bool ConnTable_used(const void* table, size_t i) {
   return ((const ConnTable*)table)->slots[i] != 0;
}

static uint64_t ConnTable_hashAt(const void* table, size_t i) {
   return ((const ConnTable*)table)->hashes[i];
}

static void ConnTable_move(void* table, size_t to, size_t from) {
   ConnTable* this = table;
   this->slots[to] = this->slots[from];
   this->hashes[to] = this->hashes[from];
   this->slots[from] = 0;
}

/* A row removed leaves the list (rare: rows removed have lingered closed). */
static void ConnTable_untouch(ConnTable* this, const Conn* c) {
   if (c->generation != this->epoch)
      return;
   for (size_t i = this->nTouched; i-- > 0;) {
      if (this->touched[i].row == c) {
         this->touched[i] = this->touched[--this->nTouched];
         return;
      }
   }
}

void ConnTable_remove(ConnTable* this, const ConnKey* key) {
   size_t i = ConnTable_slot(this, key);
   if (!this->slots[i])
      return;
   ConnTable_untouch(this, ConnTable_slotRow(this, i));
   ConnTable_freeRow(this, this->slots[i] - 1);
   this->slots[i] = 0;
   this->count--;
   OpenHashSlots s = { this, this->cap, ConnTable_used, ConnTable_hashAt, ConnTable_move };
   OpenHash_closeGap(&s, i);
}

void ConnTable_touch(ConnTable* this, Conn* c) {
   if (c->generation == this->epoch)
      return;
   c->generation = this->epoch;
   if (this->nTouched == this->capTouched) {
      this->capTouched = this->capTouched ? 2 * this->capTouched : 1024;
      this->touched = xRealloc(this->touched, this->capTouched * sizeof(ConnTouch));
   }
   this->touched[this->nTouched++] = (ConnTouch){
      .row = c, .txBytes = c->txBytes, .rxBytes = c->rxBytes, .txPackets = c->txPackets, .rxPackets = c->rxPackets,
   };
}

void ConnTable_touchedReset(ConnTable* this) {
   if (this->capTouched > 4096 && this->nTouched < this->capTouched / 8) {
      /* after the start's seeding touched every row (40 bytes each) */
      this->capTouched = this->nTouched * 2 > 4096 ? this->nTouched * 2 : 4096;
      this->touched = xRealloc(this->touched, this->capTouched * sizeof(ConnTouch));
   }
   this->nTouched = 0;
   this->epoch++;
   if (this->epoch == 0)
      this->epoch = 1;   /* 0 is a new row's */
}

void ConnTable_prefetchSlot(const ConnTable* this, const ConnKey* key) {
   size_t i = ConnKey_hash(key) & (this->cap - 1);
   __builtin_prefetch(&this->hashes[i]);
   __builtin_prefetch(&this->slots[i]);
}

void ConnTable_prefetchRow(const ConnTable* this, const ConnKey* key) {
   const Conn* c = ConnTable_slotRow(this, ConnKey_hash(key) & (this->cap - 1));
   if (c)
      Conn_prefetch(c);
}

Conn** ConnTable_rows(const ConnTable* this, size_t* n) {
   Conn** rows = xMalloc(sizeof(Conn*) * (this->count + 1));
   size_t k = 0;
   for (size_t i = 0; i < this->cap; i++) {
      if (this->slots[i])
         rows[k++] = ConnTable_slotRow(this, i);
   }
   *n = k;
   return rows;
}
