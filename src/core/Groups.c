/*
 * Groups.c: rows folded into group rows, kept across samples.
 */
#include "config.h"
#include "core/Groups.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/XUtils.h"

const char* const Groups_keyNames[] = { "none", "process", "command", "remote", "port", "cgroup", "netns", NULL };

/* A group's identity: the key's fields of a member, zero elsewhere. */
typedef struct GroupId_ {
   uint64_t cgroupId;
   uint32_t pid, netns;
   uint8_t raddr[16];
   char comm[CONN_COMM_LEN];
   uint16_t port;
   uint8_t family, known;
   uint32_t pad;
} GroupId;

struct Group_ {
   Conn row;            /* what is shown: the key's fields, the sums */
   GroupId id;
   uint64_t hash;
   /* the closed members' totals, folded in once (Groups.folded) */
   uint64_t doneTx, doneRx, doneTxPackets, doneRxPackets;
   uint32_t doneConns, doneRetrans, doneRttMin, doneRttMax;
   double lastRow;      /* monotonic time it last had a row */
};

static void Groups_id(GroupKey key, const Conn* c, GroupId* id) {
   memset(id, 0, sizeof(*id));
   switch (key) {
   case GROUP_PROCESS:
   case GROUP_COMMAND:   /* the process: its PID and command; the command alone */
      id->pid = c->hasOwner && key == GROUP_PROCESS ? c->pid : 0;
      if (c->hasOwner)
         memcpy(id->comm, c->comm, sizeof(id->comm));
      id->known = c->hasOwner;
      break;
   case GROUP_REMOTE:
      id->family = (uint8_t)c->family;
      memcpy(id->raddr, Conn_raddr(c), c->family == AF_INET6 ? 16 : 4);
      id->known = 1;
      break;
   case GROUP_PORT:
      id->port = Conn_servicePort(c);
      id->known = 1;
      break;
   case GROUP_CGROUP:
      id->cgroupId = c->cgroupId;
      id->known = c->cgroupId != 0;
      break;
   case GROUP_NETNS:
      id->netns = c->netns;
      id->known = c->netns != 0;
      break;
   default:
      break;
   }
}

static uint64_t Groups_hash(const GroupId* id) {
   const uint8_t* p = (const uint8_t*)id;
   uint64_t h = 1469598103934665603ull;   /* FNV-1a */
   for (size_t i = 0; i < sizeof(*id); i++)
      h = (h ^ p[i]) * 1099511628211ull;
   return h ^ (h >> 29);
}

bool Groups_member(GroupKey key, const Conn* g, const Conn* c) {
   GroupId a, b;
   Groups_id(key, g, &a);
   Groups_id(key, c, &b);
   return memcmp(&a, &b, sizeof(a)) == 0;
}

void Groups_init(Groups* this, GroupKey key) {
   *this = (Groups){ .key = key, .folded = -1 };
}

static void Groups_free(Group* g) {
   Conn_freeCopy(&g->row);   /* an IPv6 remote's addresses */
   free(g);
}

static void Groups_clear(Groups* this) {
   for (size_t i = 0; i < this->cap; i++) {
      if (this->slots[i])
         Groups_free(this->slots[i]);
   }
   free(this->slots);
   free(this->rows);
   this->slots = NULL;
   this->rows = NULL;
   this->cap = this->count = this->nRows = 0;
}

void Groups_done(Groups* this) {
   Groups_clear(this);
}

void Groups_setKey(Groups* this, GroupKey key) {
   Groups_clear(this);
   this->key = key;
   this->folded = -1;   /* closed rows still shown are folded into the new groups */
}

static void Groups_insert(Group** slots, size_t cap, Group* g) {
   size_t i = g->hash & (cap - 1);
   while (slots[i])
      i = (i + 1) & (cap - 1);
   slots[i] = g;
}

static void Groups_grow(Groups* this) {
   size_t cap = this->cap ? this->cap * 2 : 64;
   Group** slots = xCalloc(cap, sizeof(Group*));
   for (size_t i = 0; i < this->cap; i++) {
      if (this->slots[i])
         Groups_insert(slots, cap, this->slots[i]);
   }
   free(this->slots);
   this->slots = slots;
   this->cap = cap;
}

/* The row of a new group: the member's key fields. */
static void Groups_makeRow(Groups* this, Group* g, const Conn* c) {
   Conn* r = &g->row;
   r->cookie = g->hash;
   r->start = ++this->made;
   r->proto = IPPROTO_TCP;
   r->hasOwner = g->id.known && (this->key == GROUP_PROCESS || this->key == GROUP_COMMAND);
   r->pid = g->id.pid;
   r->uid = c->uid;
   memcpy(r->comm, g->id.comm, sizeof(r->comm));
   Conn_setAddrs(r, c->family, Conn_noAddr6, g->id.raddr);
   r->lport = r->rport = g->id.port;
   r->passive = true;   /* Groups_servicePort: lport */
   r->cgroupId = g->id.cgroupId;
   r->netns = g->id.netns;
   r->startSec = c->startSec;
   r->startTenths = c->startTenths;
   r->state = CONN_ESTABLISHED;
   r->isGroup = true;
}

/* A group's row before its members: the closed members' totals. */
static void Groups_start(Group* g) {
   Conn* r = &g->row;
   r->txBytes = g->doneTx;
   r->rxBytes = g->doneRx;
   r->txPackets = g->doneTxPackets;
   r->rxPackets = g->doneRxPackets;
   r->groupConns = g->doneConns;
   r->retrans = g->doneRetrans;
   r->rttMinUs = g->doneRttMin;
   r->rttUs = g->doneRttMax;
   r->txRate = r->rxRate = r->txPacketRate = r->rxPacketRate = 0;
}

static Group* Groups_get(Groups* this, const Conn* c) {
   GroupId id;
   Groups_id(this->key, c, &id);
   uint64_t h = Groups_hash(&id);
   for (size_t i = this->cap ? h & (this->cap - 1) : 0; this->cap && this->slots[i]; i = (i + 1) & (this->cap - 1)) {
      Group* g = this->slots[i];
      if (g->hash == h && memcmp(&g->id, &id, sizeof(id)) == 0)
         return g;
   }
   if (2 * (this->count + 1) > this->cap)
      Groups_grow(this);
   Group* g = xCalloc(1, sizeof(Group));
   g->id = id;
   g->hash = h;
   g->doneRttMin = UINT32_MAX;
   Groups_makeRow(this, g, c);
   Groups_start(g);
   Groups_insert(this->slots, this->cap, g);
   this->count++;
   return g;
}

static void Groups_rtt(uint32_t rtt, uint32_t* min, uint32_t* max) {
   if (!rtt)
      return;
   *min = rtt < *min ? rtt : *min;
   *max = rtt > *max ? rtt : *max;
}

/* A closed member's totals, kept once it is folded (its row may go). */
static void Groups_retire(Group* g, const Conn* c) {
   g->doneTx += c->txBytes;
   g->doneRx += c->rxBytes;
   g->doneTxPackets += c->txPackets;
   g->doneRxPackets += c->rxPackets;
   g->doneConns++;
   g->doneRetrans = c->retrans > g->doneRetrans ? c->retrans : g->doneRetrans;
   Groups_rtt(c->rttUs, &g->doneRttMin, &g->doneRttMax);
}

static void Groups_add(Groups* this, Group* g, Conn* c) {
   Conn* r = &g->row;
   if (c->state == CONN_CLOSED) {
      if (this->folded >= 0 && c->closedAt <= this->folded)
         return;   /* in doneX already */
      Groups_retire(g, c);
   }
   r->txBytes += c->txBytes;
   r->rxBytes += c->rxBytes;
   r->txPackets += c->txPackets;
   r->rxPackets += c->rxPackets;
   r->groupConns++;
   r->retrans = c->retrans > r->retrans ? c->retrans : r->retrans;
   Groups_rtt(c->rttUs, &r->rttMinUs, &r->rttUs);
   r->txRate += c->txRate;
   r->rxRate += c->rxRate;
   r->txPacketRate += c->txPacketRate;
   r->rxPacketRate += c->rxPacketRate;
}

/* Drops the groups without a row for GROUPS_LINGER, and lists the rest. */
static void Groups_collect(Groups* this, double now) {
   free(this->rows);
   this->rows = xMalloc((this->count + 1) * sizeof(Conn*));
   this->nRows = 0;
   bool dropped = false;
   for (size_t i = 0; i < this->cap; i++) {
      Group* g = this->slots[i];
      if (!g)
         continue;
      if (now - g->lastRow >= GROUPS_LINGER) {
         Groups_free(g);
         this->slots[i] = NULL;
         this->count--;
         dropped = true;
         continue;
      }
      if (g->row.rttMinUs == UINT32_MAX)
         g->row.rttMinUs = 0;
      this->rows[this->nRows++] = &g->row;
   }
   if (!dropped)
      return;
   Group** old = this->slots;   /* re-placed, so no run has a hole */
   this->slots = xCalloc(this->cap, sizeof(Group*));
   for (size_t i = 0; i < this->cap; i++) {
      if (old[i])
         Groups_insert(this->slots, this->cap, old[i]);
   }
   free(old);
}

void Groups_fold(Groups* this, Conn* const* rows, size_t n, double now) {
   for (size_t i = 0; i < this->cap; i++) {
      if (this->slots[i])
         Groups_start(this->slots[i]);
   }
   Group* last = NULL;
   GroupId lastId;
   for (size_t i = 0; i < n; i++) {
      GroupId id;
      Groups_id(this->key, rows[i], &id);
      Group* g = last && memcmp(&id, &lastId, sizeof(id)) == 0 ? last : Groups_get(this, rows[i]);
      g->lastRow = now;
      Groups_add(this, g, rows[i]);
      last = g;
      lastId = id;
   }
   Groups_collect(this, now);
   this->folded = now;
}

int Groups_keyColumns(GroupKey key, int ids[2]) {
   switch (key) {
   case GROUP_PROCESS: ids[0] = COLUMN_PID; ids[1] = COLUMN_COMM; return 2;
   case GROUP_COMMAND: ids[0] = COLUMN_COMM; return 1;
   case GROUP_REMOTE: ids[0] = COLUMN_RADDR; return 1;
   case GROUP_PORT: ids[0] = COLUMN_PORT; return 1;
   case GROUP_CGROUP: ids[0] = COLUMN_CGROUP; return 1;
   case GROUP_NETNS: ids[0] = COLUMN_NETNS; return 1;
   default: return 0;
   }
}

void Groups_columns(GroupKey key, ColumnList* out) {
   static const int summed[] = { COLUMN_CONNECTIONS, COLUMN_TX_BYTES, COLUMN_RX_BYTES, COLUMN_TX_RATE,
                                 COLUMN_RX_RATE, COLUMN_TX_PACKETS, COLUMN_RX_PACKETS, COLUMN_RETRANS,
                                 COLUMN_RTT_MIN_US, COLUMN_RTT_US };
   out->count = Groups_keyColumns(key, out->ids);
   for (size_t i = 0; i < ARRAY_SIZE(summed); i++)
      out->ids[out->count++] = summed[i];
}
