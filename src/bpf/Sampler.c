/*
 * Sampler.c: kernel records (struct tcptop_conn) into table rows.
 */
#include "config.h"
#include "bpf/Sampler.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/types.h>

#include "core/XUtils.h"
#include "linux/ProcOwners.h"
#include "linux/SockDiag.h"
#include "../probes/tcptop.h"

#define SAMPLER_CHUNK 4096
/* More new lines than this in a sample: their records in one batch read of
 * tcp_conns, not one lookup each (at start: every seeded connection). */
#define SAMPLER_FRESH_BATCH 512

/* Sampler.slotState */
enum { SAMPLER_SLOT_KNOWN = 0, SAMPLER_SLOT_WANTED = 1, SAMPLER_SLOT_FREEING = 2 };

_Static_assert(CONN_METRICS == TCPTOP_MAX_METRICS, "a row holds every metric slot of a record");

/* The largest key and value Sampler_readMap reads. */
#define SAMPLER_KEY_MAX sizeof(struct tcptop_flow_key)
#define SAMPLER_VALUE_MAX (sizeof(struct tcptop_conn) > sizeof(struct tcptop_metrics) ? \
                           sizeof(struct tcptop_conn) : sizeof(struct tcptop_metrics))

static double Sampler_wallOf(const Sampler* this, uint64_t ns) {
   return this->wallNow - (this->monoNow - (double)ns / 1e9);
}

/* A UDP flow's counters, from its slot of udp_counts as last read. */
static void Sampler_udpCounters(const Sampler* this, Conn* c, uint32_t slot) {
   if (slot >= this->udpUsed)
      return;   /* made after the counters were read: next sample */
   const struct tcptop_udp_counts* n = &this->udpCounts[slot];
   c->txBytes = n->tx.bytes;
   c->txPackets = n->tx.packets;
   c->rxBytes = n->rx.bytes;
   c->rxPackets = n->rx.packets;
}

/*
 * A UDP flow's slot, its record just deleted, back to the probes: a new
 * generation (a cache entry that still names the slot for the old flow is
 * no longer believed), zeroed counters, then onto udp_free.
 */
static void Sampler_freeSlot(Sampler* this, uint32_t slot) {
   struct tcptop_udp_counts n;
   if (slot >= this->udpSlots || bpf_map_lookup_elem(this->udpCountsFd, &slot, &n) != 0)
      return;
   uint32_t gen = n.tx.gen + 1;
   n.tx.bytes = n.tx.packets = n.rx.bytes = n.rx.packets = 0;
   n.tx.gen = n.rx.gen = gen;
   if (bpf_map_update_elem(this->udpCountsFd, &slot, &n, BPF_ANY) == 0)
      bpf_map_update_elem(this->udpFreeFd, NULL, &slot, BPF_ANY);
}

/* The counters of every slot used so far (udp_next of them), in batches. */
static int Sampler_readCounts(Sampler* this) {
   __u32 zero = 0;
   __u64 next = 0;
   if (bpf_map_lookup_elem(this->udpNextFd, &zero, &next) != 0)
      return -errno;
   uint32_t used = next < this->udpSlots ? (uint32_t)next : this->udpSlots;
   if (used > this->udpCap) {
      this->udpCap = used > 2 * this->udpCap ? used : 2 * this->udpCap;
      this->udpCap = this->udpCap < this->udpSlots ? this->udpCap : this->udpSlots;
      this->udpCounts = xRealloc(this->udpCounts, this->udpCap * sizeof(struct tcptop_udp_counts));
   }
   __u32 done = 0, at = 0;
   while (done < used) {
      __u32 count = used - done < this->chunk ? used - done : this->chunk;
      int err = bpf_map_lookup_batch(this->udpCountsFd, done ? &at : NULL, &at, this->keys,
                                     this->udpCounts + done, &count, NULL);
      if (err < 0 && err != -ENOENT)
         return err;
      done += count;
      if (err == -ENOENT || count == 0)
         break;
   }
   this->udpUsed = done;
   return 0;
}

/* Copies a kernel record into a row. */
static void Sampler_apply(Sampler* this, Conn* c, const struct tcptop_conn* r, bool created) {
   ConnTable_touch(this->table, c);   /* before the counters change: the rates' start */
   if (created) {
      Conn_setAddrs(c, r->family, r->laddr, r->raddr);
      c->lport = r->lport;
      c->rport = r->rport;
      Conn_setStartTime(c, Sampler_wallOf(this, r->start_ns));
      c->seeded = r->flags & TCPTOP_F_SEEDED;
      c->passive = r->flags & TCPTOP_F_PASSIVE;
      c->state = c->proto == IPPROTO_UDP ? CONN_UDP_ACTIVE : r->state;
   }
   if (c->proto == IPPROTO_UDP) {
      Sampler_udpCounters(this, c, r->slot);
   } else {
      c->txBytes = r->tx_bytes;
      c->rxBytes = r->rx_bytes;
      c->txPackets = r->tx_packets;
      c->rxPackets = r->rx_packets;
      c->rttUs = r->srtt_us;
      c->retrans = r->retrans;
   }
   if (r->pid) {
      c->pid = r->pid;
      c->uid = r->uid;
      memcpy(c->comm, r->comm, sizeof(c->comm));
      c->comm[sizeof(c->comm) - 1] = '\0';
      c->hasOwner = true;
      c->cgroupId = r->cgroup_id;
   }
   if (r->netns)
      c->netns = r->netns;
   if (c->proto == IPPROTO_TCP && c->state != CONN_CLOSED && r->state)
      c->state = r->state;
}

/* A row's close: its record (or event) is final. */
static void Sampler_close(Sampler* this, Conn* c, int tcpState) {
   if (c->state == CONN_CLOSED)
      return;
   ConnTable_touch(this->table, c);
   c->lastTcpState = tcpState;
   c->state = CONN_CLOSED;
   c->closedAt = this->monoNow;
}

static void SlotList_push(SlotList* l, uint32_t v) {
   if (l->count == l->cap) {
      l->cap = l->cap ? 2 * l->cap : 256;
      l->items = xRealloc(l->items, l->cap * sizeof(uint32_t));
   }
   l->items[l->count++] = v;
}

static int Sampler_onEvent(void* ctx, void* data, size_t len) {
   Sampler* this = ctx;
   const struct tcptop_event* e = data;
   if (len < sizeof(*e))
      return 0;
   if (e->type == TCPTOP_EV_UDP_RELEASE) {
      if (this->nReleased == this->capReleased) {
         this->capReleased = this->capReleased ? this->capReleased * 2 : 256;
         this->released = xRealloc(this->released, this->capReleased * sizeof(uint64_t));
      }
      this->released[this->nReleased++] = e->cookie;
      return 0;
   }
   if (e->type != TCPTOP_EV_TCP_OPEN && e->type != TCPTOP_EV_TCP_CLOSE)
      return 0;
   ConnKey key = ConnKey_tcp(e->cookie, e->conn.start_ns);
   bool created;
   uint32_t index;
   Conn* c = ConnTable_getIndexed(this->table, &key, &created, &index);
   if (c->state == CONN_CLOSED)
      return 0;   /* its final line was read first */
   Sampler_apply(this, c, &e->conn, created);
   if (e->type == TCPTOP_EV_TCP_CLOSE) {
      Conn_setMetrics(c, (const uint64_t*)e->metrics);   /* final values */
      Sampler_close(this, c, e->conn.state);
      if (e->conn.slot < this->slotCap && this->slotRows[e->conn.slot] == index + 1)
         this->slotRows[e->conn.slot] = 0;   /* a closed row may be removed: never pointed at */
   }
   return 0;
}

/* The first size bytes of a map's values, shared with the kernel
 * (BPF_F_MMAPABLE); NULL with *err. */
static void* Sampler_mmap(int fd, const char* name, size_t size, size_t* len, char** err) {
   long page = sysconf(_SC_PAGESIZE);
   *len = (size + (size_t)page - 1) / (size_t)page * (size_t)page;
   void* p = mmap(NULL, *len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
   if (p == MAP_FAILED) {
      *err = xAsprintf("cannot map the \"%s\" map: %s (it must be BPF_F_MMAPABLE)", name, strerror(errno));
      *len = 0;
      return NULL;
   }
   return p;
}

/* The lines of tcp_counts mapped (a prefix of the slots). */
static uint32_t Sampler_linesMapped(const Sampler* this) {
   return (uint32_t)(this->tcpLinesLen / sizeof(struct tcptop_tcp_line));
}

/*
 * Lines [0, n) of tcp_counts mapped, at least. The kernel maps all the
 * pages of a BPF array's mmap at once (16 MiB of RSS for 262,144 slots,
 * however few are used), so tcptop maps a prefix, the slots used and a
 * thirty-second more (a quarter was 5 MB of RSS at 400,000 connections),
 * and maps it again larger when the slots used pass it: a new mapping of
 * 26 MB costs about a millisecond.
 * 0, or -1 with *err (the mapping before is kept).
 */
static int Sampler_mapLines(Sampler* this, uint32_t n, char** err) {
   if (n <= Sampler_linesMapped(this))
      return 0;
   uint64_t want = (uint64_t)n + n / 32 + 1024;
   want = want < this->tcpSlots ? want : this->tcpSlots;
   size_t len;
   void* p = Sampler_mmap(this->tcpCountsFd, "tcp_counts", want * sizeof(struct tcptop_tcp_line), &len, err);
   if (!p)
      return -1;
   if (this->tcpLines)
      munmap(this->tcpLines, this->tcpLinesLen);
   this->tcpLines = p;
   this->tcpLinesLen = len;
   return 0;
}

/* Sampler_mapLines, a failure said once (a warning: the slots past the
 * mapping are read once it succeeds). */
static bool Sampler_mapLinesOrSay(Sampler* this, uint32_t n) {
   char* err = NULL;
   if (Sampler_mapLines(this, n, &err) == 0)
      return true;
   if (!this->mapWarned)
      XUtils_error("%s", err);
   this->mapWarned = true;
   free(err);
   return false;
}

static int Sampler_mapTcp(Sampler* this, Loader* loader, char** err) {
   this->tcpSlots = bpf_map__max_entries(Loader_findMap(loader, "tcp_counts"));
   if (Sampler_mapLines(this, 1, err) < 0)
      return -1;
   this->tcpNext = Sampler_mmap(bpf_map__fd(Loader_findMap(loader, "tcp_next")), "tcp_next", sizeof(uint64_t),
                                &this->tcpNextLen, err);
   return this->tcpNext ? 0 : -1;
}

int Sampler_init(Sampler* this, Loader* loader, char** err) {
   memset(this, 0, sizeof(*this));
   this->tcpFd = this->udpFd = this->ownersFd = this->statsFd = this->metricsFd = -1;
   this->udpCountsFd = this->udpFreeFd = this->udpNextFd = this->tcpCountsFd = this->tcpFreeFd = -1;
   static const struct { const char* name; size_t value; } need[] = {
      { "events", 0 }, { "tcp_conns", sizeof(struct tcptop_conn) },
      { "udp_flows", sizeof(struct tcptop_conn) }, { "udp_owners", sizeof(struct tcptop_owner) },
      { "tcptop_stats", sizeof(__u64) }, { "tcp_metrics", sizeof(struct tcptop_metrics) },
      { "udp_counts", sizeof(struct tcptop_udp_counts) }, { "udp_free", sizeof(__u32) }, { "udp_next", sizeof(__u64) },
      { "tcp_counts", sizeof(struct tcptop_tcp_line) }, { "tcp_free", sizeof(__u32) }, { "tcp_next", sizeof(__u64) },
   };
   int fds[ARRAY_SIZE(need)];
   for (size_t i = 0; i < ARRAY_SIZE(need); i++) {
      struct bpf_map* m = Loader_findMap(loader, need[i].name);
      if (!m) {
         *err = xAsprintf("no loaded probe provides the \"%s\" map: check 'tcptop --list-probes'", need[i].name);
         return -1;
      }
      if (need[i].value && bpf_map__value_size(m) != need[i].value) {
         *err = xAsprintf("the \"%s\" map has %u-byte values, tcptop reads %zu: a probe redefines it",
                          need[i].name, bpf_map__value_size(m), need[i].value);
         return -1;
      }
      fds[i] = bpf_map__fd(m);
   }
   this->rb = ring_buffer__new(fds[0], Sampler_onEvent, this, NULL);
   if (!this->rb) {
      *err = xAsprintf("cannot read the events ring buffer: %s", strerror(errno));
      return -1;
   }
   this->tcpFd = fds[1];
   this->udpFd = fds[2];
   this->ownersFd = fds[3];
   this->statsFd = fds[4];
   this->metricsFd = fds[5];
   this->udpCountsFd = fds[6];
   this->udpFreeFd = fds[7];
   this->udpNextFd = fds[8];
   this->tcpCountsFd = fds[9];
   this->tcpFreeFd = fds[10];
   if (Sampler_mapTcp(this, loader, err) < 0)
      return -1;
   this->udpSlots = bpf_map__max_entries(Loader_findMap(loader, "udp_counts"));
   this->tcpCapacity = bpf_map__max_entries(Loader_findMap(loader, "tcp_conns"));
   this->udpCapacity = bpf_map__max_entries(Loader_findMap(loader, "udp_flows"));
   this->chunk = SAMPLER_CHUNK;
   this->keys = xMalloc(this->chunk * SAMPLER_KEY_MAX);
   this->values = xMalloc(this->chunk * SAMPLER_VALUE_MAX);
   this->ncpus = libbpf_num_possible_cpus();
   return 0;
}

void Sampler_done(Sampler* this) {
   ring_buffer__free(this->rb);
   if (this->tcpLines)
      munmap(this->tcpLines, this->tcpLinesLen);
   if (this->tcpNext)
      munmap(this->tcpNext, this->tcpNextLen);
   free(this->slotRows);
   free(this->slotState);
   free(this->fresh.items);
   free(this->freeing.items);
   free(this->toFree.items);
   free(this->udpCounts);
   free(this->released);
   free(this->finals);
   free(this->keys);
   free(this->values);
   memset(this, 0, sizeof(*this));
}

int Sampler_poll(Sampler* this, ConnTable* table, int timeoutMs, double monoNow, double wallNow, char** err) {
   this->table = table;
   this->monoNow = monoNow;
   this->wallNow = wallNow;
   int n = ring_buffer__poll(this->rb, timeoutMs);
   if (n < 0 && n != -EINTR) {
      *err = xAsprintf("reading probe events failed: %s", strerror(-n));
      return -1;
   }
   return 0;
}

typedef void (*Sampler_visit)(Sampler* this, const void* key, const void* value);
/* Asks the table for the row of a record visited soon: stage 0 its slot,
 * stage 1 the row itself (ConnTable_prefetchSlot, _prefetchRow). */
typedef void (*Sampler_prefetch)(Sampler* this, const void* key, const void* value, int stage);

/* Visits a chunk, the rows of records 2 x CONNTABLE_AHEAD and
 * CONNTABLE_AHEAD ahead prefetched. */
static void Sampler_visitChunk(Sampler* this, __u32 count, size_t keySize, size_t valueSize, Sampler_visit visit,
                               Sampler_prefetch prefetch) {
   const char* keys = this->keys;
   const char* values = this->values;
   for (__u32 i = 0; i < count; i++) {
      if (prefetch && i + 2 * CONNTABLE_AHEAD < count)
         prefetch(this, keys + (i + 2 * CONNTABLE_AHEAD) * keySize, values + (i + 2 * CONNTABLE_AHEAD) * valueSize, 0);
      if (prefetch && i + CONNTABLE_AHEAD < count)
         prefetch(this, keys + (i + CONNTABLE_AHEAD) * keySize, values + (i + CONNTABLE_AHEAD) * valueSize, 1);
      visit(this, keys + i * keySize, values + i * valueSize);
   }
}

/* Every entry of a hash map, a chunk of entries per system call. */
static int Sampler_readMap(Sampler* this, int fd, size_t keySize, size_t valueSize, Sampler_visit visit,
                           Sampler_prefetch prefetch) {
   char inBatch[64], outBatch[64];
   bool first = true;
   for (;;) {
      __u32 count = this->chunk;
      int err = bpf_map_lookup_batch(fd, first ? NULL : inBatch, outBatch, this->keys, this->values, &count, NULL);
      if (err < 0 && err != -ENOENT) {
         if (err != -ENOSPC || this->chunk >= (1u << 20))
            return err;
         this->chunk *= 2;   /* one hash bucket held more than a chunk */
         this->keys = xRealloc(this->keys, this->chunk * SAMPLER_KEY_MAX);
         this->values = xRealloc(this->values, this->chunk * SAMPLER_VALUE_MAX);
         continue;
      }
      Sampler_visitChunk(this, count, keySize, valueSize, visit, prefetch);
      if (err == -ENOENT)
         return 0;
      memcpy(inBatch, outBatch, sizeof(inBatch));
      first = false;
   }
}

/* The slots used so far: tcp_next, which counts on past the last slot
 * when the probes find none left. */
static uint32_t Sampler_tcpUsed(const Sampler* this) {
   uint64_t next = __atomic_load_n(this->tcpNext, __ATOMIC_ACQUIRE);
   return next < this->tcpSlots ? (uint32_t)next : this->tcpSlots;
}

static void Sampler_growSlots(Sampler* this, uint32_t used) {
   if (used <= this->slotCap)
      return;
   /* an eighth more, not twice: 5 bytes a slot, 400,000 slots */
   uint32_t grown = this->slotCap + this->slotCap / 8 + 1024;
   uint32_t cap = used > grown ? used : grown;
   cap = cap < this->tcpSlots ? cap : this->tcpSlots;
   this->slotRows = xRealloc(this->slotRows, cap * sizeof(uint32_t));
   this->slotState = xRealloc(this->slotState, cap);
   memset(this->slotRows + this->slotCap, 0, (cap - this->slotCap) * sizeof(uint32_t));
   memset(this->slotState + this->slotCap, 0, cap - this->slotCap);
   this->slotCap = cap;
}

/* A final line read: its record goes (unless tcptop_tcp_finish_now deleted
 * it: the cookie may be a new record's by now), its slot next sample. */
static void Sampler_finalSlot(Sampler* this, uint32_t slot, const struct tcptop_tcp_line* l) {
   this->slotRows[slot] = 0;
   this->slotState[slot] = SAMPLER_SLOT_FREEING;
   SlotList_push(&this->freeing, slot);
   if (l->flags & TCPTOP_F_GONE)
      return;
   if (this->nFinals == this->capFinals) {
      this->capFinals = this->capFinals ? this->capFinals * 2 : 1024;
      this->finals = xRealloc(this->finals, this->capFinals * sizeof(uint64_t));
   }
   this->finals[this->nFinals++] = l->cookie;
}

/* A line read into its row; a final line closes it. */
static void Sampler_applyLine(Sampler* this, uint32_t slot, Conn* c, const struct tcptop_tcp_line* l) {
   ConnTable_touch(this->table, c);   /* before the counters change */
   c->txBytes = l->tx_bytes;
   c->rxBytes = l->rx_bytes;
   c->txPackets = l->tx_packets;
   c->rxPackets = l->rx_packets;
   c->rttUs = l->srtt_us;
   c->retrans = l->retrans;
   if (l->state && c->state != CONN_CLOSED)
      c->state = l->state;
   if (l->flags & TCPTOP_F_FINAL) {
      Sampler_close(this, c, l->state);
      Sampler_finalSlot(this, slot, l);
   }
}

/* The row of a new line, from its record r (read with the line's cookie):
 * made, or found (seen before another slot... never: a record has one). */
static void Sampler_adopt(Sampler* this, uint32_t slot, uint64_t cookie, const struct tcptop_conn* r) {
   struct tcptop_tcp_line l = this->tcpLines[slot];
   if (this->slotState[slot] != SAMPLER_SLOT_WANTED || r->slot != slot || l.cookie != cookie ||
       l.start_ns != r->start_ns)
      return;   /* the record of another attempt on this socket, or the line changed hands */
   this->slotState[slot] = SAMPLER_SLOT_KNOWN;
   ConnKey k = ConnKey_tcp(cookie, r->start_ns);
   bool created;
   uint32_t index;
   Conn* c = ConnTable_getIndexed(this->table, &k, &created, &index);
   if (c->state == CONN_CLOSED) {   /* closed by its event (tcptop_tcp_finish_now) */
      if (l.flags & TCPTOP_F_FINAL)
         Sampler_finalSlot(this, slot, &l);
      return;
   }
   Sampler_apply(this, c, r, created);
   this->slotRows[slot] = index + 1;
   Sampler_applyLine(this, slot, c, &l);
}

/* The records of many new lines: one batch read of tcp_conns. */
static void Sampler_visitFresh(Sampler* this, const void* key, const void* value) {
   const struct tcptop_conn* r = value;
   __u64 cookie;
   memcpy(&cookie, key, sizeof(cookie));
   if (r->slot < this->slotCap)
      Sampler_adopt(this, r->slot, cookie, r);
}

/* Rows for the new lines of this sample. A line still wanted after has no
 * record: final ones (their record deleted with their close event) are
 * freed, others are left (a record whose insert failed, or seeding's
 * recheck dropped it). */
static int Sampler_resolveFresh(Sampler* this) {
   if (this->fresh.count > SAMPLER_FRESH_BATCH) {
      int err = Sampler_readMap(this, this->tcpFd, sizeof(__u64), sizeof(struct tcptop_conn), Sampler_visitFresh, NULL);
      if (err)
         return err;
   }
   for (size_t i = 0; i < this->fresh.count; i++) {
      uint32_t slot = this->fresh.items[i];
      struct tcptop_conn r;
      uint64_t cookie = this->tcpLines[slot].cookie;
      if (this->slotState[slot] == SAMPLER_SLOT_WANTED && this->fresh.count <= SAMPLER_FRESH_BATCH &&
          bpf_map_lookup_elem(this->tcpFd, &cookie, &r) == 0)
         Sampler_adopt(this, slot, cookie, &r);
      if (this->slotState[slot] != SAMPLER_SLOT_WANTED)
         continue;
      this->slotState[slot] = SAMPLER_SLOT_KNOWN;
      struct tcptop_tcp_line l = this->tcpLines[slot];
      if (l.flags & TCPTOP_F_FINAL) {
         l.flags |= TCPTOP_F_GONE;   /* no record to delete */
         Sampler_finalSlot(this, slot, &l);
      }
   }
   this->fresh.count = 0;
   return 0;
}

/* A dirty line: into its row, or its record to read (a new line). */
static void Sampler_dirtyLine(Sampler* this, uint32_t slot, uint32_t bits) {
   if (this->slotState[slot] != SAMPLER_SLOT_KNOWN)
      return;   /* freed at the next sample, or wanted already */
   struct tcptop_tcp_line l = this->tcpLines[slot];
   Conn* c = this->slotRows[slot] ? ConnTable_at(this->table, this->slotRows[slot] - 1) : NULL;
   if (!c || c->cookie != l.cookie || c->start != l.start_ns || !Conn_live(c)) {
      this->slotRows[slot] = 0;
      if (l.cookie) {
         this->slotState[slot] = SAMPLER_SLOT_WANTED;
         SlotList_push(&this->fresh, slot);
      }
      return;
   }
   union { uint32_t any; uint8_t kind[4]; } d = { .any = bits };
   struct tcptop_conn r;
   if (d.kind[TCPTOP_DIRTY_IDENTITY] && bpf_map_lookup_elem(this->tcpFd, &l.cookie, &r) == 0 && r.slot == slot)
      Sampler_apply(this, c, &r, false);   /* owner or netns: the line's counters follow */
   Sampler_applyLine(this, slot, c, &l);
}

/*
 * The lines marked dirty since the last sample. A writer (a probe, or
 * seeding) updates the fields, then stores 1 in a byte of dirty; this
 * exchanges dirty with 0 (a full barrier), then copies the line. A write
 * the exchange did not see (its dirty store came after) sets dirty again:
 * read at the next sample, never missed; fields copied newer than the
 * dirty seen are only early. A dirty byte seen means the fields written
 * before it are too: x86's stores are seen in program order (the probes'
 * mark is a plain store there), elsewhere the probes mark with an atomic
 * with fetch, fully ordered (tcptop_tcp_dirty), and seeding with a
 * release store.
 * A line not dirty costs this one read: no system call, no row touched.
 */
static void Sampler_scanLines(Sampler* this) {
   uint32_t used = Sampler_tcpUsed(this);
   Sampler_mapLinesOrSay(this, used);
   used = used < Sampler_linesMapped(this) ? used : Sampler_linesMapped(this);
   Sampler_growSlots(this, used);
   struct tcptop_tcp_line* lines = this->tcpLines;
   for (uint32_t s = 0; s < used; s++) {
      if (__atomic_load_n(&lines[s].dirty.any, __ATOMIC_RELAXED) == 0)
         continue;
      uint32_t bits = __atomic_exchange_n(&lines[s].dirty.any, 0, __ATOMIC_SEQ_CST);
      Sampler_dirtyLine(this, s, bits);
   }
}

/* A slot back to the probes (tcp_free): nothing names it any more. */
static void Sampler_pushSlot(Sampler* this, uint32_t slot) {
   struct tcptop_tcp_line* l = &this->tcpLines[slot];
   __atomic_store_n(&l->cookie, 0, __ATOMIC_RELAXED);   /* a late writer's check fails */
   __atomic_store_n(&l->dirty.any, 0, __ATOMIC_SEQ_CST);
   bpf_map_update_elem(this->tcpFreeFd, NULL, &slot, BPF_ANY);
}

/* The slots of the final lines read a sample ago: a program that looked
 * the record up before its delete has long finished with the line. */
static void Sampler_freeSlots(Sampler* this) {
   for (size_t i = 0; i < this->toFree.count; i++) {
      uint32_t slot = this->toFree.items[i];
      this->slotState[slot] = SAMPLER_SLOT_KNOWN;
      Sampler_pushSlot(this, slot);
   }
   SlotList t = this->toFree;
   this->toFree = this->freeing;
   this->freeing = t;
   this->freeing.count = 0;
}

/* The final records read, out of tcp_conns: a batch delete, a key that is
 * gone already skipped. */
static void Sampler_deleteFinals(Sampler* this) {
   size_t done = 0;
   while (done < this->nFinals) {
      __u32 count = (__u32)(this->nFinals - done);
      int err = bpf_map_delete_batch(this->tcpFd, this->finals + done, &count, NULL);
      done += count;
      if (err < 0)
         done++;   /* the key it stopped at */
   }
   this->nFinals = 0;
}

/* A connection's probe metrics. An entry whose connection tcptop has seen
 * close, or whose record is gone, missed its delete: it goes now. */
static void Sampler_visitMetrics(Sampler* this, const void* key, const void* value) {
   const struct tcptop_metrics* m = value;
   __u64 cookie;
   memcpy(&cookie, key, sizeof(cookie));
   ConnKey k = ConnKey_tcp(cookie, m->start_ns);
   Conn* c = ConnTable_find(this->table, &k);
   bool live = c && c->state != CONN_CLOSED;
   if (live || (c && c->closedAt == this->monoNow))   /* open, or its final line read now */
      Conn_setMetrics(c, (const uint64_t*)m->v);
   if (live)
      return;
   struct tcptop_conn unused;
   if (c || bpf_map_lookup_elem(this->tcpFd, &cookie, &unused) != 0)
      bpf_map_delete_elem(this->metricsFd, &cookie);
}

static int Sampler_cmpU64(const void* a, const void* b) {
   uint64_t x = *(const uint64_t*)a, y = *(const uint64_t*)b;
   return x < y ? -1 : x > y;
}

static void Sampler_udpOwner(Sampler* this, Conn* c) {
   struct tcptop_owner o;
   if (bpf_map_lookup_elem(this->ownersFd, &c->cookie, &o) != 0)
      return;
   if (o.netns)
      c->netns = o.netns;   /* sock_io's: cgroup_skb cannot read it */
   if (o.pid && !c->hasOwner) {
      c->pid = o.pid;
      c->uid = o.uid;
      memcpy(c->comm, o.comm, sizeof(c->comm));
      c->comm[sizeof(c->comm) - 1] = '\0';
      c->hasOwner = true;
      c->cgroupId = o.cgroup_id;
   }
}

static void Sampler_visitUdp(Sampler* this, const void* key, const void* value) {
   const struct tcptop_conn* v = value;
   const struct tcptop_flow_key* fk = key;
   ConnKey k = ConnKey_udp(fk->cookie, v->start_ns, fk->family, fk->raddr, fk->rport);
   bool created;
   Conn* c = ConnTable_get(this->table, &k, &created);
   if (c->state == CONN_CLOSED)
      return;
   Sampler_apply(this, c, v, created);
   if (!c->hasOwner || !c->netns)
      Sampler_udpOwner(this, c);
   if (this->nReleased && bsearch(&fk->cookie, this->released, this->nReleased, sizeof(uint64_t), Sampler_cmpU64)) {
      c->state = CONN_CLOSED;   /* its socket is closed: these counters are final */
      c->closedAt = this->monoNow;
      if (bpf_map_delete_elem(this->udpFd, fk) == 0)
         Sampler_freeSlot(this, v->slot);
   }
}

/* The reads of one sample; 0 or -errno. */
static int Sampler_read(Sampler* this) {
   size_t nReleased = this->nReleased;   /* closes seen before this read */
   qsort(this->released, nReleased, sizeof(uint64_t), Sampler_cmpU64);
   Sampler_freeSlots(this);
   Sampler_scanLines(this);
   int err = Sampler_resolveFresh(this);
   Sampler_deleteFinals(this);
   if (!err)
      err = Sampler_readCounts(this);   /* before the records that name the slots */
   if (!err)
      err = Sampler_readMap(this, this->udpFd, sizeof(struct tcptop_flow_key), sizeof(struct tcptop_conn),
                            Sampler_visitUdp, NULL);
   if (!err)
      err = Sampler_readMap(this, this->metricsFd, sizeof(__u64), sizeof(struct tcptop_metrics), Sampler_visitMetrics,
                            NULL);
   if (err)
      return err;
   /* keep the closes that arrived during the read for the next sample */
   memmove(this->released, this->released + nReleased, (this->nReleased - nReleased) * sizeof(uint64_t));
   this->nReleased -= nReleased;
   /* events after the read: a record missing from it has its close here */
   int n = ring_buffer__consume(this->rb);
   return n < 0 ? n : 0;
}

int Sampler_sample(Sampler* this, ConnTable* table, double monoNow, double wallNow, char** err) {
   this->table = table;
   this->monoNow = monoNow;
   this->wallNow = wallNow;
   int rc = Sampler_read(this);
   if (rc < 0) {
      *err = xAsprintf("reading the connection table failed: %s", strerror(-rc));
      return -1;
   }
   return 0;
}

void Sampler_forget(Sampler* this, const Conn* c) {
   if (c->proto != IPPROTO_UDP)
      return;
   struct tcptop_flow_key k;
   memset(&k, 0, sizeof(k));
   k.cookie = c->cookie;
   memcpy(k.raddr, Conn_raddr(c), c->family == AF_INET6 ? 16 : 4);
   k.rport = c->rport;
   k.family = c->family;
   struct tcptop_conn v;
   if (bpf_map_lookup_elem(this->udpFd, &k, &v) == 0 && bpf_map_delete_elem(this->udpFd, &k) == 0)
      Sampler_freeSlot(this, v.slot);
}

bool Sampler_readsUnprivileged(Sampler* this) {
   __u32 zero = 0;
   __u64 next;
   return bpf_map_lookup_elem(this->udpNextFd, &zero, &next) == 0 || (errno != EPERM && errno != EACCES);
}

void Sampler_stats(Sampler* this, uint64_t* out, int count) {
   __u64* per = xCalloc((size_t)(this->ncpus > 0 ? this->ncpus : 1), sizeof(__u64));
   for (__u32 i = 0; i < (__u32)count; i++) {
      out[i] = 0;
      if (i < TCPTOP_STAT_COUNT && bpf_map_lookup_elem(this->statsFd, &i, per) == 0) {
         for (int c = 0; c < this->ncpus; c++)
            out[i] += per[c];
      }
   }
   free(per);
}

uint64_t Sampler_lost(Sampler* this) {
   uint64_t stats[TCPTOP_STAT_COUNT], total = 0;
   Sampler_stats(this, stats, TCPTOP_STAT_COUNT);
   for (int i = 0; i < TCPTOP_STAT_COUNT; i++)
      total += stats[i];
   return total;
}

/*
 * Application bytes so far, from tcp_info. Sent: payload put on the wire
 * (bytes_sent, which counts retransmissions again: minus bytes_retrans) plus
 * what is written but not sent yet; not bytes_acked, which counts the SYN on
 * the active side only, and the FIN. Received: bytes_received counts a FIN
 * and what the application has not read yet (the receive queue, which holds
 * the FIN until it is read).
 */
static void Sampler_seedCounters(const DiagSock* d, struct tcptop_tcp_line* v) {
   bool finReceived = d->state == CONN_CLOSE_WAIT || d->state == CONN_LAST_ACK || d->state == CONN_CLOSING;
   if (!d->hasInfo || d->state == CONN_SYN_SENT)
      return;
   int64_t tx = (int64_t)(d->bytesSent - d->bytesRetrans) + d->notsentBytes;
   int64_t rx = (int64_t)d->bytesReceived - d->rqueue - (finReceived && d->rqueue == 0);
   v->tx_bytes = tx > 0 ? (uint64_t)tx : 0;
   v->rx_bytes = rx > 0 ? (uint64_t)rx : 0;
   v->tx_packets = d->segsOut;
   v->rx_packets = d->segsIn;
   v->srtt_us = d->rttUs;
   v->retrans = d->totalRetrans;
}

/* A socket's local port in its namespace, as one number. */
static uint64_t Sampler_portKey(const DiagSock* d) {
   return (uint64_t)d->netns << 16 | d->lport;
}

static bool Sampler_listened(const Sampler* this, uint64_t key) {
   return this->nListening && bsearch(&key, this->listening, this->nListening, sizeof(uint64_t), Sampler_cmpU64);
}

/* Accepted, as far as a dump tells: its local port is listened on in its
 * namespace; with no listener either side (closed since), the lower port
 * is taken for the service (ephemeral ports are the high ones). */
static bool Sampler_seedPassive(const Sampler* this, const DiagSock* d) {
   if (Sampler_listened(this, Sampler_portKey(d)))
      return true;
   return d->lport < d->rport && !Sampler_listened(this, (uint64_t)d->netns << 16 | d->rport);
}

/* The ports listened on in each namespace, sorted (for Sampler_seedPassive);
 * none when they cannot be dumped. */
static uint64_t* Sampler_listening(SockDiag* diag, size_t* n) {
   DiagList list = { 0 };
   *n = 0;
   if (SockDiag_tcpListening(diag, &list, NULL) < 0) {
      DiagList_done(&list);
      return NULL;
   }
   uint64_t* keys = xMalloc((list.count + 1) * sizeof(uint64_t));
   for (size_t i = 0; i < list.count; i++)
      keys[(*n)++] = Sampler_portKey(&list.items[i]);
   qsort(keys, *n, sizeof(uint64_t), Sampler_cmpU64);
   DiagList_done(&list);
   return keys;
}

/* A TCP slot for a record tcptop makes, taken as the probes take theirs:
 * popped from tcp_free, else an atomic add on the mmapped tcp_next. */
static bool Sampler_takeSlot(Sampler* this, uint32_t* slot) {
   if (bpf_map_lookup_and_delete_elem(this->tcpFreeFd, NULL, slot) == 0)
      return true;
   uint64_t next = __atomic_fetch_add(this->tcpNext, 1, __ATOMIC_SEQ_CST);
   if (next >= this->tcpSlots)
      return false;
   *slot = (uint32_t)next;
   return true;
}

/* A record and its line (line: counters, state, flags), as the probes'
 * tcptop_tcp_create makes them: the line named, the record inserted, then
 * the line marked dirty. */
static void Sampler_seedRecord(Sampler* this, uint64_t cookie, struct tcptop_conn* v, const struct tcptop_tcp_line* line) {
   if (!Sampler_takeSlot(this, &v->slot))
      return;   /* the probes count what does not fit; this was here before */
   if (!Sampler_mapLinesOrSay(this, v->slot + 1)) {
      bpf_map_update_elem(this->tcpFreeFd, NULL, &v->slot, BPF_ANY);
      return;
   }
   struct tcptop_tcp_line* l = &this->tcpLines[v->slot];
   *l = *line;
   l->cookie = cookie;
   l->start_ns = v->start_ns;
   l->dirty.any = 0;
   if (bpf_map_update_elem(this->tcpFd, &cookie, v, BPF_NOEXIST) != 0) {
      Sampler_pushSlot(this, v->slot);   /* a probe made it first */
      return;
   }
   __atomic_store_n(&l->dirty.kind[TCPTOP_DIRTY_IDENTITY], 1, __ATOMIC_RELEASE);
}

static void Sampler_seedOne(Sampler* this, const DiagSock* d, const ProcOwner* o) {
   struct tcptop_conn v;
   struct tcptop_tcp_line line;
   memset(&v, 0, sizeof(v));
   memset(&line, 0, sizeof(line));
   v.start_ns = (uint64_t)(this->monoNow * 1e9);
   v.family = d->family;
   v.state = d->state;
   v.lport = d->lport;
   v.rport = d->rport;
   memcpy(v.laddr, d->laddr, 16);
   memcpy(v.raddr, d->raddr, 16);
   v.flags = TCPTOP_F_SEEDED | (Sampler_seedPassive(this, d) ? TCPTOP_F_PASSIVE : 0);
   line.flags = v.flags | (d->inode ? 0 : TCPTOP_F_RELEASED) | (d->state == CONN_CLOSE ? TCPTOP_F_CLOSED : 0);
   line.state = d->state;
   if (o && o->pid) {
      v.pid = o->pid;
      v.uid = o->uid;
      memcpy(v.comm, o->comm, sizeof(v.comm));
      v.cgroup_id = o->cgroupId;
   }
   v.netns = d->netns;
   Sampler_seedCounters(d, &line);
   Sampler_seedRecord(this, d->cookie, &v, &line);
}

static bool Sampler_seedable(const DiagSock* d) {
   return d->cookie && !(d->state == CONN_CLOSE && d->rport == 0);
}

/* Seeded records of sockets gone before they were seeded would never get a
 * close: a second dump after seeding tells which to drop. */
static void Sampler_seedRecheck(Sampler* this, SockDiag* diag, const DiagList* first) {
   DiagList again = { 0 };
   if (SockDiag_tcpAll(diag, &again, NULL) < 0) {
      DiagList_done(&again);
      return;
   }
   uint64_t* now = xMalloc((again.count + 1) * sizeof(uint64_t));
   for (size_t i = 0; i < again.count; i++)
      now[i] = again.items[i].cookie;
   qsort(now, again.count, sizeof(uint64_t), Sampler_cmpU64);
   for (size_t i = 0; i < first->count; i++) {
      const DiagSock* d = &first->items[i];
      struct tcptop_conn v;
      if (Sampler_seedable(d) && !bsearch(&d->cookie, now, again.count, sizeof(uint64_t), Sampler_cmpU64) &&
          bpf_map_lookup_elem(this->tcpFd, &d->cookie, &v) == 0 && (v.flags & TCPTOP_F_SEEDED) &&
          bpf_map_delete_elem(this->tcpFd, &d->cookie) == 0 && v.slot < this->tcpSlots)
         Sampler_pushSlot(this, v.slot);
   }
   free(now);
   DiagList_done(&again);
}

void Sampler_seed(Sampler* this, ConnTable* table, double monoNow, double wallNow) {
   (void)table;
   this->monoNow = monoNow;
   this->wallNow = wallNow;
   DiagList list = { 0 };
   SockDiag diag;
   char* err = NULL;
   if (SockDiag_init(&diag, &err) < 0 || SockDiag_tcpAll(&diag, &list, &err) < 0) {
      /* a warning: the run goes on with the connections made from now on */
      XUtils_error("connections opened before tcptop started are not shown: %s", err);
      free(err);
      SockDiag_done(&diag);
      DiagList_done(&list);
      return;
   }
   ProcOwner* owners = xCalloc(list.count + 1, sizeof(ProcOwner));
   size_t nOwners = 0;
   for (size_t i = 0; i < list.count; i++) {
      if (list.items[i].inode)
         owners[nOwners++].inode = list.items[i].inode;
   }
   ProcOwners_find(owners, nOwners);   /* sorts by inode */
   uint64_t* listening = Sampler_listening(&diag, &this->nListening);
   this->listening = listening;
   for (size_t i = 0; i < list.count; i++) {
      const DiagSock* d = &list.items[i];
      ProcOwner key = { .inode = d->inode };
      const ProcOwner* o = d->inode ? bsearch(&key, owners, nOwners, sizeof(ProcOwner), ProcOwners_cmpInode) : NULL;
      if (Sampler_seedable(d))
         Sampler_seedOne(this, d, o);
   }
   Sampler_seedRecheck(this, &diag, &list);
   SockDiag_done(&diag);
   this->listening = NULL;
   free(listening);
   free(owners);
   DiagList_done(&list);
}
