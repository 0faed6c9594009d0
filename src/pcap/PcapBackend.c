/*
 * PcapBackend.c: the capture behind core/Backend.h: sampling the flow
 * tracker into the table.
 */
#include "config.h"
#include "pcap/PcapBackend.h"

#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "core/XUtils.h"
#include "pcap/Attribution.h"

#define PCAPBACKEND_OWNER_TRIES 2
#define PCAPBACKEND_OWNER_BATCH 4096

#ifdef __APPLE__
#define PCAPBACKEND_DEFAULT_IFACE "pktap"   /* every interface, with PKTAP headers */
#else
#define PCAPBACKEND_DEFAULT_IFACE "any"
#endif

typedef struct PcapBackend_ {
   Backend base;
   Capture* capture;    /* NULL until start for a file */
   FILE* file;          /* -r FILE, opened, read from start on */
   char* path;
   double speed;
} PcapBackend;

/* Live flows without a process yet: each is looked up twice at most. */
static void PcapBackend_owners(Capture* capture) {
   FlowTracker* t = &capture->flows;
   Flow** flows = xMalloc(PCAPBACKEND_OWNER_BATCH * sizeof(Flow*));
   OwnerQuery* q = xCalloc(PCAPBACKEND_OWNER_BATCH, sizeof(OwnerQuery));
   size_t n = 0;
   for (size_t i = 0; i < t->cap && n < PCAPBACKEND_OWNER_BATCH; i++) {
      Flow* f = t->slots[i];
      if (!f || f->hasOwner || f->closed || f->ownerTries >= PCAPBACKEND_OWNER_TRIES)
         continue;
      f->ownerTries++;
      flows[n] = f;
      q[n].family = f->tuple.family;
      q[n].proto = f->tuple.proto;
      Flow_endpoints(f, q[n].laddr, &q[n].lport, q[n].raddr, &q[n].rport);
      n++;
   }
   Attribution_find(q, n);
   for (size_t i = 0; i < n; i++) {
      if (!q[i].found)
         continue;
      flows[i]->hasOwner = true;
      flows[i]->pid = q[i].pid;
      flows[i]->uid = q[i].uid;
      memcpy(flows[i]->comm, q[i].comm, sizeof(flows[i]->comm));
      flows[i]->cgroupId = q[i].cgroupId;
   }
   free(q);
   free(flows);
}

void PcapBackend_sample(Capture* capture, ConnTable* table, double monoNow, double wallNow) {
   if (!capture->offline)
      PcapBackend_owners(capture);
   FlowTracker_sync(&capture->flows, table, monoNow, capture->offline ? capture->clock : wallNow);
}

const char* PcapBackend_version(void) {
   return pcap_lib_version();
}

static Capture* PcapBackend_capture(Backend* b) {
   return ((PcapBackend*)b)->capture;
}

static void PcapBackend_seedOp(Backend* b, ConnTable* table, double monoNow, double wallNow) {
   (void)b, (void)table, (void)monoNow, (void)wallNow;   /* packets only: nothing before the capture */
}

/* Before start (a file not read yet) the capture is NULL: every operation
 * but start and free then has nothing to do. */
static int PcapBackend_pollOp(Backend* b, ConnTable* table, int timeoutMs, double monoNow, double wallNow,
                              char** err) {
   (void)table, (void)monoNow, (void)wallNow;
   Capture* c = PcapBackend_capture(b);
   return c ? Capture_poll(c, timeoutMs, err) : 0;
}

static int PcapBackend_sampleOp(Backend* b, ConnTable* table, double monoNow, double wallNow, char** err) {
   (void)err;
   if (PcapBackend_capture(b))
      PcapBackend_sample(PcapBackend_capture(b), table, monoNow, wallNow);
   return 0;
}

static int PcapBackend_eventFd(Backend* b) {
   Capture* c = PcapBackend_capture(b);
   return c ? Capture_fd(c) : -1;
}

static void PcapBackend_forget(Backend* b, const Conn* conn) {
   if (PcapBackend_capture(b))
      FlowTracker_forget(&PcapBackend_capture(b)->flows, conn);
}

static void PcapBackend_status(Backend* b, BackendStatus* out) {
   Capture* c = PcapBackend_capture(b);
   *out = (BackendStatus){ .lost = c ? Capture_dropped(c) : 0, .malformed = c ? c->malformed : 0, .capture = true };
}

static bool PcapBackend_clock(Backend* b, double* mono, double* wall) {
   PcapBackend* this = (PcapBackend*)b;
   if (this->capture && !this->capture->offline)
      return false;
   *mono = *wall = this->capture ? this->capture->clock : 0;   /* a file not read yet: at 0 */
   return true;
}

static bool PcapBackend_ended(Backend* b) {
   Capture* c = PcapBackend_capture(b);
   return c && c->offline && c->ended;
}

static char* PcapBackend_health(Backend* b, double monoNow) {
   (void)b, (void)monoNow;
   return NULL;
}

static int PcapBackend_probes(Backend* b, BackendProbe* out, int max) {
   (void)b, (void)out, (void)max;
   return 0;   /* packets, no probes */
}

static char* PcapBackend_missing(Backend* b) {
   (void)b;
   return NULL;   /* what packets cannot tell is empty in every row, said in the man page */
}

static const char* PcapBackend_endProblem(Backend* b) {
   Capture* c = PcapBackend_capture(b);
   return c ? c->problem : NULL;
}

/* A live capture finds the process of each flow in /proc/PID/fd. */
static unsigned PcapBackend_needs(Backend* b) {
   PcapBackend* this = (PcapBackend*)b;
   return this->capture && !this->capture->offline ? BACKEND_NEED_OTHERS_FDS : 0;
}

static bool PcapBackend_worksUnprivileged(Backend* b, BackendNeed need) {
   (void)b;
   return need != BACKEND_NEED_OTHERS_FDS || Attribution_worksUnprivileged();
}

/* A file: its header and first packet, read only now (after the drop). */
static int PcapBackend_start(Backend* b, char** err) {
   PcapBackend* this = (PcapBackend*)b;
   if (!this->file)
      return 0;
   this->capture = Capture_openStream(this->file, this->path, this->speed, err);   /* closes it on failure */
   this->file = NULL;
   return this->capture ? 0 : -1;
}

static void PcapBackend_free(Backend* b) {
   PcapBackend* this = (PcapBackend*)b;
   Capture_free(this->capture);
   if (this->file)
      fclose(this->file);
   free(this->path);
   free(b);
}

static const BackendOps PcapBackend_ops = {
   .name = "pcap",
   .seed = PcapBackend_seedOp,
   .poll = PcapBackend_pollOp,
   .sample = PcapBackend_sampleOp,
   .eventFd = PcapBackend_eventFd,
   .forget = PcapBackend_forget,
   .status = PcapBackend_status,
   .clock = PcapBackend_clock,
   .ended = PcapBackend_ended,
   .health = PcapBackend_health,
   .probes = PcapBackend_probes,
   .missing = PcapBackend_missing,
   .endProblem = PcapBackend_endProblem,
   .needs = PcapBackend_needs,
   .worksUnprivileged = PcapBackend_worksUnprivileged,
   .start = PcapBackend_start,
   .free = PcapBackend_free,
};

Backend* PcapBackend_open(const Settings* settings, char** err) {
   PcapBackend* this = xCalloc(1, sizeof(*this));
   this->base.ops = &PcapBackend_ops;
   if (settings->readFile) {
      const char* pace = settings->replaySpeed ? settings->replaySpeed : settings->batch ? "max" : "1";
      double speed = Capture_parseSpeed(pace);
      this->speed = speed < 0 ? 0 : speed;
      this->path = xStrdup(settings->readFile);
      this->file = Capture_openFileStream(settings->readFile, err);   /* read from start on */
   } else {
      this->capture = Capture_openLive(settings->iface ? settings->iface : PCAPBACKEND_DEFAULT_IFACE, err);
   }
   if (!this->file && !this->capture) {
      PcapBackend_free(&this->base);
      return NULL;
   }
   return &this->base;
}
