/*
 * FlowTracker.c: the flow hash (open addressing, backward-shift deletion),
 * sequence tracking, RTT legs, state from the flags.
 */
#include "config.h"
#include "pcap/FlowTracker.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/OpenHash.h"
#include "core/XUtils.h"

#define SEQ_LT(a, b) ((int32_t)((a) - (b)) < 0)
#define SEQ_GEQ(a, b) ((int32_t)((a) - (b)) >= 0)
#define FLOW_MAX_JUMP (1u << 30)   /* larger sequence jumps are not progress */

static uint64_t FlowTuple_hash(const FlowTuple* t) {
   uint64_t h = 0x9E3779B97F4A7C15ull ^ ((uint64_t)t->family << 8 | t->proto);
   const uint8_t* p = (const uint8_t*)t;
   for (size_t i = 0; i + 8 <= sizeof(*t); i += 8) {
      uint64_t w;
      memcpy(&w, p + i, 8);
      h = (h ^ w) * 0xFF51AFD7ED558CCDull;
      h ^= h >> 32;
   }
   h *= 0xC4CEB9FE1A85EC53ull;
   return h ^ (h >> 29);
}

/* The canonical tuple of a packet; *fromA: the sender is side a. */
static void FlowTuple_of(const Packet* p, FlowTuple* t, bool* fromA) {
   memset(t, 0, sizeof(*t));
   t->family = p->family;
   t->proto = p->proto;
   int c = memcmp(p->saddr, p->daddr, 16);
   *fromA = c < 0 || (c == 0 && p->sport <= p->dport);
   memcpy(t->a, *fromA ? p->saddr : p->daddr, 16);
   memcpy(t->b, *fromA ? p->daddr : p->saddr, 16);
   t->pa = *fromA ? p->sport : p->dport;
   t->pb = *fromA ? p->dport : p->sport;
}

void FlowTracker_init(FlowTracker* this) {
   memset(this, 0, sizeof(*this));
   this->cap = 1024;
   this->slots = xCalloc(this->cap, sizeof(Flow*));
}

void FlowTracker_done(FlowTracker* this) {
   for (size_t i = 0; i < this->cap; i++)
      free(this->slots[i]);
   for (Flow* f = this->retired; f;) {
      Flow* next = f->nextRetired;
      free(f);
      f = next;
   }
   free(this->slots);
   memset(this, 0, sizeof(*this));
}

static size_t FlowTracker_slot(const FlowTracker* this, const FlowTuple* t, size_t hash) {
   size_t mask = this->cap - 1;
   size_t i = hash & mask;
   while (this->slots[i] && (this->slots[i]->hash != hash || memcmp(&this->slots[i]->tuple, t, sizeof(*t)) != 0))
      i = (i + 1) & mask;
   return i;
}

static void FlowTracker_grow(FlowTracker* this) {
   Flow** old = this->slots;
   size_t oldCap = this->cap;
   this->cap *= 2;
   this->slots = xCalloc(this->cap, sizeof(Flow*));
   for (size_t i = 0; i < oldCap; i++) {
      if (old[i])
         this->slots[FlowTracker_slot(this, &old[i]->tuple, old[i]->hash)] = old[i];
   }
   free(old);
}

static bool FlowTracker_used(const void* table, size_t i) {
   return ((const FlowTracker*)table)->slots[i] != NULL;
}

static uint64_t FlowTracker_hashAt(const void* table, size_t i) {
   return ((const FlowTracker*)table)->slots[i]->hash;
}

static void FlowTracker_move(void* table, size_t to, size_t from) {
   FlowTracker* this = table;
   this->slots[to] = this->slots[from];
   this->slots[from] = NULL;
}

/* Takes the flow at slot i out of the hash; later members close the gap. */
static void FlowTracker_unlink(FlowTracker* this, size_t i) {
   this->slots[i] = NULL;
   this->count--;
   OpenHashSlots s = { this, this->cap, FlowTracker_used, FlowTracker_hashAt, FlowTracker_move };
   OpenHash_closeGap(&s, i);
}

/* Out of the hash: freed when its last state is in the table, else kept
 * for the next sync. */
static void FlowTracker_retire(FlowTracker* this, size_t i) {
   Flow* f = this->slots[i];
   FlowTracker_unlink(this, i);
   if (f->reported) {
      free(f);
   } else {
      f->nextRetired = this->retired;
      this->retired = f;
   }
}

static bool FlowTracker_loopback(int family, const uint8_t* a) {
   static const uint8_t one[16] = { [15] = 1 };
   return family == AF_INET ? a[0] == 127 : memcmp(a, one, 16) == 0;
}

/* Whether the packet's sender is the local side of a new flow. */
static bool FlowTracker_senderIsLocal(const FlowTracker* this, const Packet* p) {
   bool bothLocal = FlowTracker_loopback(p->family, p->saddr) && FlowTracker_loopback(p->family, p->daddr);
   if (this->isLocal) {
      bool s = this->isLocal(this->isLocalCtx, p->family, p->saddr);
      bool d = this->isLocal(this->isLocalCtx, p->family, p->daddr);
      if (s != d)
         return s;
      bothLocal = bothLocal || s;   /* the direction says nothing then */
   }
   if (!bothLocal && (p->direction == PACKET_DIR_OUT || p->direction == PACKET_DIR_IN))
      return p->direction == PACKET_DIR_OUT;
   if (p->proto == IPPROTO_TCP && (p->flags & PACKET_SYN))
      return !(p->flags & PACKET_ACK);   /* a SYN/ACK's receiver is the client */
   return p->sport != p->dport ? p->sport > p->dport : true;
}

static Flow* FlowTracker_create(FlowTracker* this, const FlowTuple* t, size_t hash, const Packet* p, bool fromA,
                                double ts) {
   if ((this->count + 1) * 4 > this->cap * 3)
      FlowTracker_grow(this);
   Flow* f = xCalloc(1, sizeof(Flow));
   f->tuple = *t;
   f->hash = hash;
   f->cookie = FlowTuple_hash(t) | 1;
   f->start = (uint64_t)(ts * 1e9);
   f->startTime = ts;
   f->localIsA = FlowTracker_senderIsLocal(this, p) == fromA;
   f->finFirst = -1;
   f->state = p->proto == IPPROTO_TCP ? CONN_ESTABLISHED : CONN_UDP_ACTIVE;
   this->slots[FlowTracker_slot(this, t, hash)] = f;
   this->count++;
   return f;
}

static void FlowSide_sample(FlowSide* s, double seconds) {
   double us = seconds * 1e6;
   if (us <= 0)
      us = 1;
   s->legUs = s->legUs == 0 ? us : s->legUs + (us - s->legUs) / 8;
}

/* Sequence-space progress of the sender's data; retransmits counted. */
static void Flow_tcpData(Flow* f, FlowSide* me, const Packet* p, double ts) {
   bool syn = p->flags & PACKET_SYN;
   uint32_t dataStart = p->seq + (syn ? 1 : 0);
   if (syn) {
      if (me->syn && p->seq == me->isn)
         f->retrans++;   /* the SYN again */
      if (!me->syn) {
         me->syn = true;
         me->isn = p->seq;
         me->next = dataStart;
         me->seqKnown = true;
      }
   }
   if (!me->seqKnown) {
      me->next = dataStart;   /* joined mid-stream: count from here */
      me->seqKnown = true;
   }
   uint32_t end = dataStart + p->payload;
   if (me->fin && SEQ_LT(me->finSeq, end))
      end = me->finSeq;   /* segments after the FIN carry no data */
   bool ahead = SEQ_LT(me->next, end) && end - me->next < FLOW_MAX_JUMP && !(p->flags & PACKET_RST);
   if (ahead) {
      /* a segment past data the capture missed still proves it was sent */
      if (p->payload > 0 && SEQ_LT(dataStart, me->next))
         f->retrans++;   /* partly sent before */
      me->bytes += (uint32_t)(end - me->next);
      me->next = end;
      if (p->payload > 0 && !me->probing) {
         me->probing = true;
         me->probeEnd = end;
         me->probeAt = ts;
      }
   } else if (p->payload > 0) {
      f->retrans++;
      if (me->probing && SEQ_LT(dataStart, me->probeEnd))
         me->probing = false;   /* Karn: the sample would be ambiguous */
   }
   if (p->flags & PACKET_FIN) {
      if (me->fin && end == me->finSeq && p->payload == 0)
         f->retrans++;
      me->fin = true;
      me->finSeq = end;
      if (f->finFirst < 0)
         f->finFirst = (int)(me - f->side);
   }
}

/* Data the other side acknowledged was sent, seen or not (FIN excluded). */
static void Flow_ackedProgress(FlowSide* peer, uint32_t ack) {
   uint32_t dataAcked = peer->fin && SEQ_GEQ(ack, peer->finSeq + 1) ? peer->finSeq : ack;
   if (peer->seqKnown && SEQ_LT(peer->next, dataAcked) && dataAcked - peer->next < FLOW_MAX_JUMP) {
      peer->bytes += (uint32_t)(dataAcked - peer->next);
      peer->next = dataAcked;
   }
}

/* What this segment acknowledges of the other side, and the RTT legs it
 * completes; a FIN or RST is no sample (teardown waits on the application). */
static void Flow_tcpAck(FlowSide* me, FlowSide* peer, const Packet* p, double ts) {
   bool sample = !(p->flags & (PACKET_FIN | PACKET_RST));
   if (p->flags & PACKET_ACK) {
      if (peer->syn && SEQ_GEQ(p->ack, peer->isn + 1))
         peer->synAcked = true;
      if (peer->fin && SEQ_GEQ(p->ack, peer->finSeq + 1))
         peer->finAcked = true;
      if (!(p->flags & PACKET_RST))
         Flow_ackedProgress(peer, p->ack);
      if (peer->probing && SEQ_GEQ(p->ack, peer->probeEnd)) {
         if (sample)
            FlowSide_sample(me, ts - peer->probeAt);
         peer->probing = false;
      }
      if (p->hasTimestamp && peer->tsPending && p->tsecr == peer->tsval) {
         if (sample)
            FlowSide_sample(me, ts - peer->tsvalAt);
         peer->tsPending = false;
      }
   }
   if (p->hasTimestamp && (!me->tsPending || me->tsval != p->tsval) && p->tsval != me->tsval) {
      me->tsval = p->tsval;
      me->tsvalAt = ts;
      me->tsPending = true;
   }
}

/* The handshake's legs: SYN → SYN/ACK is the server's, SYN/ACK → ACK the client's. */
static void Flow_handshake(Flow* f, FlowSide* me, FlowSide* peer, const Packet* p, double ts) {
   uint8_t fl = p->flags & (PACKET_SYN | PACKET_ACK);
   if (fl == PACKET_SYN && f->synAt == 0) {
      f->synAt = ts;
   } else if (fl == (PACKET_SYN | PACKET_ACK) && f->synAckAt == 0 && f->synAt > 0) {
      f->synAckAt = ts;
      if (me->legUs == 0)
         FlowSide_sample(me, ts - f->synAt);
   } else if (fl == PACKET_ACK && f->synAckAt > 0 && me->legUs == 0 && peer->syn && SEQ_GEQ(p->ack, peer->isn + 1)) {
      FlowSide_sample(me, ts - f->synAckAt);
   }
}

/* The local side's state, from what both sides sent and had acknowledged. */
static int Flow_tcpState(const Flow* f) {
   const FlowSide* l = &f->side[0];
   const FlowSide* r = &f->side[1];
   if (l->fin && r->fin) {
      if (f->finFirst == 1)
         return CONN_LAST_ACK;
      return l->finAcked ? CONN_TIME_WAIT : CONN_CLOSING;
   }
   if (l->fin)
      return l->finAcked ? CONN_FIN_WAIT2 : CONN_FIN_WAIT1;
   if (r->fin)
      return CONN_CLOSE_WAIT;
   if (l->syn && !r->syn)
      return CONN_SYN_SENT;
   if (r->syn && !l->syn)
      return CONN_SYN_RECV;
   if (l->syn && r->syn && !(l->synAcked && r->synAcked))
      return CONN_SYN_RECV;
   return CONN_ESTABLISHED;
}

static void Flow_tcp(Flow* f, int sender, const Packet* p, double ts) {
   FlowSide* me = &f->side[sender];
   FlowSide* peer = &f->side[1 - sender];
   Flow_handshake(f, me, peer, p, ts);
   Flow_tcpData(f, me, p, ts);
   Flow_tcpAck(me, peer, p, ts);
   if (f->closed)
      return;
   int before = f->state;
   f->state = Flow_tcpState(f);
   if (p->flags & PACKET_RST) {
      f->closed = true;
      f->closedFrom = before;
   } else if (f->side[0].fin && f->side[1].fin && f->side[0].finAcked && f->side[1].finAcked) {
      f->closed = true;
      f->closedFrom = f->finFirst == 0 ? CONN_TIME_WAIT : CONN_LAST_ACK;
   }
}

/* A SYN starts a new connection on this tuple unless it repeats the
 * flow's own SYN (same sender, same initial sequence number). */
static bool Flow_reusedBy(const Flow* f, bool fromA, const Packet* p) {
   const FlowSide* sender = &f->side[fromA == f->localIsA ? 0 : 1];
   return f->closed || !sender->syn || sender->isn != p->seq;
}

void FlowTracker_packet(FlowTracker* this, const Packet* p, double ts) {
   FlowTuple t;
   bool fromA;
   FlowTuple_of(p, &t, &fromA);
   size_t hash = (size_t)FlowTuple_hash(&t);
   size_t i = FlowTracker_slot(this, &t, hash);
   Flow* f = this->slots[i];
   bool newSyn = p->proto == IPPROTO_TCP && (p->flags & (PACKET_SYN | PACKET_ACK)) == PACKET_SYN;
   if (f && newSyn && Flow_reusedBy(f, fromA, p)) {
      if (!f->closed) {   /* its end was not captured */
         f->closed = true;
         f->closedFrom = f->state;
      }
      FlowTracker_retire(this, i);   /* the tuple reused: a new connection */
      f = NULL;
   }
   if (!f)
      f = FlowTracker_create(this, &t, hash, p, fromA, ts);
   int sender = fromA == f->localIsA ? 0 : 1;
   FlowSide* s = &f->side[sender];
   s->packets++;
   f->lastSeen = ts;
   if (p->hasProcess && !f->hasOwner) {
      f->hasOwner = true;
      f->pid = (uint32_t)p->pid;
      f->uid = CONN_UID_UNKNOWN;   /* PKTAP names the process, not its user */
      memcpy(f->comm, p->comm, sizeof(f->comm) - 1);
   }
   if (p->proto == IPPROTO_UDP)
      s->bytes += p->payload;
   else
      Flow_tcp(f, sender, p, ts);
}

void Flow_endpoints(const Flow* f, uint8_t laddr[16], uint16_t* lport, uint8_t raddr[16], uint16_t* rport) {
   const FlowTuple* t = &f->tuple;
   memcpy(laddr, f->localIsA ? t->a : t->b, 16);
   memcpy(raddr, f->localIsA ? t->b : t->a, 16);
   *lport = f->localIsA ? t->pa : t->pb;
   *rport = f->localIsA ? t->pb : t->pa;
}

static ConnKey Flow_key(const Flow* f) {
   if (f->tuple.proto == IPPROTO_TCP)
      return ConnKey_tcp(f->cookie, f->start);
   uint8_t laddr[16], raddr[16];
   uint16_t lport, rport;
   Flow_endpoints(f, laddr, &lport, raddr, &rport);
   return ConnKey_udp(f->cookie, f->start, f->tuple.family, raddr, rport);
}

static uint32_t Flow_rttUs(const Flow* f) {
   double us = f->side[0].legUs + f->side[1].legUs;
   return us > 0 && us < 4e9 ? (uint32_t)(us + 0.5) : 0;
}

static void Flow_fillRow(const Flow* f, Conn* c, bool created, double monoNow) {
   if (created) {
      uint8_t laddr[16], raddr[16];
      Flow_endpoints(f, laddr, &c->lport, raddr, &c->rport);
      Conn_setAddrs(c, f->tuple.family, laddr, raddr);
      Conn_setStartTime(c, f->startTime);
      c->state = f->state;
   }
   c->txBytes = f->side[0].bytes;
   c->rxBytes = f->side[1].bytes;
   c->txPackets = f->side[0].packets;
   c->rxPackets = f->side[1].packets;
   c->rttUs = Flow_rttUs(f);
   c->retrans = f->retrans;
   if (f->hasOwner && !c->hasOwner) {
      c->hasOwner = true;
      c->pid = f->pid;
      c->uid = f->uid;
      memcpy(c->comm, f->comm, sizeof(c->comm));
      c->comm[sizeof(c->comm) - 1] = '\0';
      c->cgroupId = f->cgroupId;   /* network namespace: left unknown */
   }
   if (f->tuple.proto != IPPROTO_TCP)
      return;
   if (f->closed) {
      c->lastTcpState = f->closedFrom;
      c->state = CONN_CLOSED;
      c->closedAt = monoNow;
   } else {
      c->state = f->state;
   }
}

/* Writes a flow's row; false when its row is final (closed, or expired). */
static bool FlowTracker_write(Flow* f, ConnTable* table, double monoNow) {
   if (f->reported)
      return false;
   ConnKey key = Flow_key(f);
   bool created;
   Conn* c = ConnTable_get(table, &key, &created);
   if (c->state == CONN_CLOSED && !created) {
      f->reported = true;
      return false;
   }
   ConnTable_touch(table, c);   /* before the counters change: the rates' start */
   Flow_fillRow(f, c, created, monoNow);
   if (f->closed)
      f->reported = true;
   return true;
}

void FlowTracker_sync(FlowTracker* this, ConnTable* table, double monoNow, double ts) {
   for (Flow* f = this->retired; f;) {
      Flow* next = f->nextRetired;
      FlowTracker_write(f, table, monoNow);
      free(f);
      f = next;
   }
   this->retired = NULL;
   for (size_t i = 0; i < this->cap; i++) {
      Flow* f = this->slots[i];
      if (f)
         FlowTracker_write(f, table, monoNow);
   }
   /* closed flows past their TIME_WAIT go (the backward shift may move a
    * later flow into slot i: look at it again) */
   for (size_t i = 0; i < this->cap;) {
      Flow* f = this->slots[i];
      if (f && f->closed && f->reported && ts - f->lastSeen > FLOWTRACKER_CLOSED_KEEP)
         FlowTracker_retire(this, i);
      else
         i++;
   }
}

void FlowTracker_forget(FlowTracker* this, const Conn* c) {
   FlowTuple t;
   bool fromA;
   Packet p;
   memset(&p, 0, sizeof(p));
   p.family = (uint8_t)c->family;
   p.proto = c->proto;
   memcpy(p.saddr, Conn_laddr(c), c->family == AF_INET6 ? 16 : 4);
   memcpy(p.daddr, Conn_raddr(c), c->family == AF_INET6 ? 16 : 4);
   p.sport = c->lport;
   p.dport = c->rport;
   FlowTuple_of(&p, &t, &fromA);
   size_t i = FlowTracker_slot(this, &t, (size_t)FlowTuple_hash(&t));
   Flow* f = this->slots[i];
   if (f && f->start == c->start) {
      f->reported = true;
      FlowTracker_retire(this, i);
   }
}
