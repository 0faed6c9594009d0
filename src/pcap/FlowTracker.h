/*
 * FlowTracker.h: TCP connections and UDP flows rebuilt from packets, as a
 * passive observer sees them, then written into the connection table each
 * sample (the pcap backend's counterpart of the eBPF maps).
 *
 * - Identity: the 5-tuple; ConnKey.cookie is a hash of it and ConnKey.start
 *   the first packet's time (ns), so a tuple reused (a SYN after a close,
 *   or with a new initial sequence number when the close was not captured)
 *   or a UDP flow seen again after it expired is a new row.
 * - Local side: live, the host's side when exactly one address is the
 *   host's; else (unless both are, or both are loopback addresses) the side the link layer says is
 *   this host (Linux cooked captures, PKTAP); else the sender of a SYN (the
 *   client); else the side with the higher port (the lower port is the
 *   server; equal ports: the sender of the first packet).
 * - Bytes: TCP payload as sequence-space progress of each direction (what
 *   the application sent: a retransmission adds nothing, a gap the capture
 *   missed is counted); UDP payload. Packets: every segment or datagram.
 * - Retransmits: segments (either direction) whose data, SYN or FIN was seen
 *   before.
 * - RTT: the sum of the two legs observer→side→observer, from the handshake
 *   (SYN→SYN/ACK, SYN/ACK→ACK), then data/ACK pairs and TCP timestamps
 *   echoes (Karn: no sample across a retransmission), smoothed 1/8 as TCP.
 * - State: from the flags, as the local side would have it.
 */
#ifndef TCPTOP_FLOWTRACKER_H
#define TCPTOP_FLOWTRACKER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/ConnTable.h"
#include "pcap/Packet.h"

/* A closed TCP flow absorbs late segments (TIME_WAIT) this long, capture time. */
#define FLOWTRACKER_CLOSED_KEEP 60.0

typedef struct FlowSide_ {           /* what one side sent */
   uint64_t bytes, packets;
   uint32_t isn, next;               /* TCP: first and after-the-highest sequence numbers */
   uint32_t finSeq;
   bool seqKnown, syn, fin;
   bool synAcked, finAcked;          /* the other side acknowledged them */
   bool probing;                     /* a data/ACK RTT sample is pending */
   uint32_t probeEnd;
   double probeAt;
   bool tsPending;                   /* a TSval waiting for its echo */
   uint32_t tsval;
   double tsvalAt;
   double legUs;                     /* observer → this side → observer, smoothed; 0 unknown */
} FlowSide;

typedef struct FlowTuple_ {          /* canonical: (a, pa) <= (b, pb) */
   uint8_t a[16], b[16];
   uint16_t pa, pb;
   uint8_t family, proto;
   uint16_t pad;
} FlowTuple;

typedef struct Flow_ {
   FlowTuple tuple;
   bool localIsA;                    /* side 0 (local) is tuple.a */
   uint64_t cookie, start;
   size_t hash;
   double startTime, lastSeen;       /* packet times, seconds since the epoch */
   FlowSide side[2];                 /* [0] local (tx), [1] remote (rx) */
   int state, closedFrom;
   int finFirst;                     /* the side that sent the first FIN; -1 none */
   bool closed, reported;
   uint32_t retrans;
   double synAt, synAckAt;
   bool hasOwner;
   uint32_t pid, uid;
   char comm[16];
   uint64_t cgroupId;                /* the owner's cgroup v2, 0 unknown */
   int ownerTries;
   struct Flow_* nextRetired;
} Flow;

/* Live capture: whether an address is one of the host's. */
typedef bool (*FlowTracker_isLocal)(void* ctx, int family, const uint8_t* addr);

typedef struct FlowTracker_ {
   Flow** slots;
   size_t cap, count;
   Flow* retired;                    /* out of the hash, to be written once more */
   FlowTracker_isLocal isLocal;
   void* isLocalCtx;
} FlowTracker;

void FlowTracker_init(FlowTracker* this);
void FlowTracker_done(FlowTracker* this);

/* Folds one parsed packet in, at time ts (seconds since the epoch). */
void FlowTracker_packet(FlowTracker* this, const Packet* p, double ts);

/* Writes every flow into the table (closed ones once) and drops closed
 * flows idle longer than FLOWTRACKER_CLOSED_KEEP at capture time `ts`. */
void FlowTracker_sync(FlowTracker* this, ConnTable* table, double monoNow, double ts);

/* Forgets the flow behind an expired row (UDP idle timeout). */
void FlowTracker_forget(FlowTracker* this, const Conn* c);

/* A flow's addresses as the row shows them (local first). */
void Flow_endpoints(const Flow* f, uint8_t laddr[16], uint16_t* lport, uint8_t raddr[16], uint16_t* rport);

#endif
