/*
 * Sampler.h: the eBPF side of the connection table. TCP connections'
 * counters are read from tcp_counts, mmapped: only the lines marked dirty
 * since the last sample, so an unchanged connection costs one cache line
 * read; a record of tcp_conns (who the connection is) only for a new line
 * or a changed owner. UDP flows' records are read from udp_flows (batch
 * lookups, a few system calls per sample whatever the number of flows),
 * their counters from udp_counts (its used slots, also in batches). A closed
 * TCP connection's record and line stay, final, until read, then tcptop
 * deletes the record and frees the slot a sample later; the "events" ring
 * buffer brings closed UDP sockets; connections older than tcptop are
 * seeded from sock_diag.
 */
#ifndef TCPTOP_SAMPLER_H
#define TCPTOP_SAMPLER_H

#include <stdint.h>

#include "core/ConnTable.h"
#include "bpf/Loader.h"

struct ring_buffer;
struct tcptop_udp_counts;
struct tcptop_tcp_line;

/* A growing list of slots. */
typedef struct SlotList_ {
   uint32_t* items;
   size_t count, cap;
} SlotList;

typedef struct Sampler_ {
   int tcpFd, udpFd, ownersFd, statsFd, metricsFd, udpCountsFd, udpFreeFd, udpNextFd;
   int tcpCountsFd, tcpFreeFd;
   /* TCP connections' lines (tcp_counts) and tcp_next, mmapped: slots
    * [0, *tcpNext) in use, of tcpSlots */
   struct tcptop_tcp_line* tcpLines;
   uint64_t* tcpNext;
   size_t tcpLinesLen, tcpNextLen;
   uint32_t tcpSlots;
   bool mapWarned;      /* a failed mmap of more lines said */
   /* per used slot: its row (0: not known, or closed) and its state
    * (SAMPLER_SLOT_*), grown with the slots used */
   uint32_t* slotRows;   /* by tcp_counts slot: its row's index (ConnTable_at) + 1, 0 none */
   uint8_t* slotState;
   uint32_t slotCap;
   SlotList fresh;      /* dirty lines of rows not known yet: their records to read */
   SlotList freeing;    /* final lines read this sample: freed at the next */
   SlotList toFree;     /* those of the last sample */
   /* UDP flows' counters by slot, read each sample: slots [0, udpUsed) */
   struct tcptop_udp_counts* udpCounts;
   uint32_t udpUsed, udpCap, udpSlots;
   uint32_t tcpCapacity, udpCapacity;   /* tcp_conns, udp_flows max_entries */
   struct ring_buffer* rb;
   /* set around each poll/sample, for the ring buffer callback */
   ConnTable* table;
   double monoNow, wallNow;
   const uint64_t* listening;  /* while seeding: (netns << 16 | port) listened on, sorted */
   size_t nListening;
   /* UDP sockets closed since the last sample (sorted at use) */
   uint64_t* released;
   size_t nReleased, capReleased;
   /* TCP records read final (TCPTOP_F_FINAL) this sample, to delete */
   uint64_t* finals;
   size_t nFinals, capFinals;
   /* batch buffers */
   void* keys;
   void* values;
   uint32_t chunk;
   int ncpus;
} Sampler;

/* 0, or -1 with *err: why the loaded probes cannot feed a table.
 * Sampler_done either way. */
int Sampler_init(Sampler* this, Loader* loader, char** err);
void Sampler_done(Sampler* this);

/* Rows for the connections older than tcptop (sock_diag); when it cannot,
 * says so once (a warning) and goes on. */
void Sampler_seed(Sampler* this, ConnTable* table, double monoNow, double wallNow);
/* Waits up to timeoutMs for events (opens, closes) and applies them.
 * 0, or -1 with *err. */
int Sampler_poll(Sampler* this, ConnTable* table, int timeoutMs, double monoNow, double wallNow, char** err);
/* Reads every record into the table. 0, or -1 with *err. */
int Sampler_sample(Sampler* this, ConnTable* table, double monoNow, double wallNow, char** err);
void Sampler_forget(Sampler* this, const Conn* c);
/* Whether bpf() reads its maps as tcptop runs now: one real read of
 * udp_next. False only when the kernel refuses it (EPERM: before Linux 6.5,
 * any bpf() command needs CAP_BPF while kernel.unprivileged_bpf_disabled
 * is set). */
bool Sampler_readsUnprivileged(Sampler* this);
uint64_t Sampler_lost(Sampler* this);
/* Each of the probes' counters (enum tcptop_stat), all CPUs summed. */
void Sampler_stats(Sampler* this, uint64_t* out, int count);

#endif
