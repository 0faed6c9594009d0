/*
 * Backend.h: the seam between the sampling loop (core/Monitor) and where the
 * numbers come from. A backend is a folder (src/bpf/: eBPF probes;
 * src/pcap/: packet capture) that fills one BackendOps table; the loop and
 * the views call nothing else of it. A third backend is a new folder, one
 * table and one line in main().
 *
 * Errors follow docs/ARCHITECTURE.md: 0 or -1 with *err set to one
 * malloc'd line, which the caller prints once.
 */
#ifndef TCPTOP_BACKEND_H
#define TCPTOP_BACKEND_H

#include <stdbool.h>
#include <stdint.h>

#include "core/ConnTable.h"

typedef struct Backend_ Backend;

/* What the summary and the screen's title say about the backend. */
typedef struct BackendStatus_ {
   uint64_t lost;        /* events or packets that could not be delivered, since start */
   uint64_t malformed;   /* packets that could not be parsed, since start */
   int probesOk;         /* eBPF probes attached */
   int probesFailed;     /* and those that failed (not the ones turned off) */
   bool capture;         /* packets, not probes: the summary shows malformed */
   /* TCP connections and UDP flows not tracked because the backend's table
    * was full (part of lost), and that table's capacity, since start */
   uint64_t tcpUntracked, udpUntracked;
   uint32_t tcpCapacity, udpCapacity;
} BackendStatus;

/* One probe as the metrics endpoint shows it (the health lines as data). */
typedef struct BackendProbe_ {
   const char* name;     /* the backend's own, valid until it is freed */
   const char* status;   /* "ok", "failed to load", ... */
   bool ok;              /* attached and running */
   bool hasRuns;         /* runs is counted (kernel BPF statistics on: --probe-stats) */
   uint64_t runs;        /* its programs' runs since the load */
} BackendProbe;

/*
 * What a backend may still need once tcptop has given up root (core/Sandbox.h,
 * docs/SECURITY.md): each a privilege the OS glue maps to capabilities.
 */
typedef enum BackendNeed_ {
   BACKEND_NEED_BPF_MAPS = 1u << 0,      /* bpf() on its maps' descriptors (CAP_BPF where the kernel asks) */
   BACKEND_NEED_OTHERS_FDS = 1u << 1,    /* other users' /proc/PID/fd, for the process of a socket */
} BackendNeed;

typedef struct BackendOps_ {
   const char* name;     /* "bpf", "pcap" */
   /* Adds the connections that existed before tcptop started. */
   void (*seed)(Backend* b, ConnTable* table, double monoNow, double wallNow);
   /* Waits up to timeoutMs for events (opens, closes, packets) and folds
    * them into the table; a signal ends the wait. 0, or -1 with *err. */
   int (*poll)(Backend* b, ConnTable* table, int timeoutMs, double monoNow, double wallNow, char** err);
   /* Reads every connection's counters into the table. 0, or -1 with *err. */
   int (*sample)(Backend* b, ConnTable* table, double monoNow, double wallNow, char** err);
   /* A descriptor that polls readable when events wait, or -1. */
   int (*eventFd)(Backend* b);
   /* Drops the backend's record of a flow tcptop has expired. */
   void (*forget)(Backend* b, const Conn* conn);
   void (*status)(Backend* b, BackendStatus* out);
   /* A replay runs on the capture's clock: true with both times set to the
    * capture time reached; false: the system clocks. */
   bool (*clock)(Backend* b, double* mono, double* wall);
   /* A replay has no more packets: the last sample is final. */
   bool (*ended)(Backend* b);
   /* One line per probe (status, hooks, rates since the last call), or NULL
    * when the backend has no probes. Malloc'd. */
   char* (*health)(Backend* b, double monoNow);
   /* Up to max probes into out (not the ones turned off); their number, 0
    * for a backend without probes. */
   int (*probes)(Backend* b, BackendProbe* out, int max);
   /* The columns no running source fills ("rtt, retrans"), or NULL. Malloc'd. */
   char* (*missing)(Backend* b);
   /* A problem to say once at the end (a capture file cut short), or NULL. */
   const char* (*endProblem)(Backend* b);
   /* What it may still need after start-up (BackendNeed bits); 0: nothing. */
   unsigned (*needs)(Backend* b);
   /* Tries one need for real, without the privilege that grants it (a map
    * read, a listing of another user's /proc/PID/fd): true when it works, so
    * the privilege can go. */
   bool (*worksUnprivileged)(Backend* b, BackendNeed need);
   /* Begins reading once privileges are given up: what comes from outside
    * (a capture file's header and packets) is parsed only after the drop.
    * 0, or -1 with *err. */
   int (*start)(Backend* b, char** err);
   void (*free)(Backend* b);
} BackendOps;

/* The first member of each backend's own struct. */
struct Backend_ {
   const BackendOps* ops;
};

static inline void Backend_seed(Backend* b, ConnTable* t, double mono, double wall) {
   b->ops->seed(b, t, mono, wall);
}
static inline int Backend_poll(Backend* b, ConnTable* t, int timeoutMs, double mono, double wall, char** err) {
   return b->ops->poll(b, t, timeoutMs, mono, wall, err);
}
static inline int Backend_sample(Backend* b, ConnTable* t, double mono, double wall, char** err) {
   return b->ops->sample(b, t, mono, wall, err);
}
static inline int Backend_eventFd(Backend* b) {
   return b->ops->eventFd(b);
}
static inline void Backend_forget(Backend* b, const Conn* conn) {
   b->ops->forget(b, conn);
}
static inline void Backend_status(Backend* b, BackendStatus* out) {
   b->ops->status(b, out);
}
static inline bool Backend_clock(Backend* b, double* mono, double* wall) {
   return b->ops->clock(b, mono, wall);
}
static inline bool Backend_ended(Backend* b) {
   return b->ops->ended(b);
}
static inline char* Backend_health(Backend* b, double monoNow) {
   return b->ops->health(b, monoNow);
}
static inline int Backend_probes(Backend* b, BackendProbe* out, int max) {
   return b->ops->probes(b, out, max);
}
static inline char* Backend_missing(Backend* b) {
   return b->ops->missing(b);
}
static inline const char* Backend_endProblem(Backend* b) {
   return b->ops->endProblem(b);
}
static inline unsigned Backend_needs(Backend* b) {
   return b->ops->needs(b);
}
static inline bool Backend_worksUnprivileged(Backend* b, BackendNeed need) {
   return b->ops->worksUnprivileged(b, need);
}
static inline int Backend_start(Backend* b, char** err) {
   return b->ops->start(b, err);
}
static inline void Backend_free(Backend* b) {
   if (b)
      b->ops->free(b);
}

#endif
