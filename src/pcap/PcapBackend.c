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
   Capture* capture;
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

static int PcapBackend_pollOp(Backend* b, ConnTable* table, int timeoutMs, double monoNow, double wallNow,
                              char** err) {
   (void)table, (void)monoNow, (void)wallNow;
   return Capture_poll(PcapBackend_capture(b), timeoutMs, err);
}

static int PcapBackend_sampleOp(Backend* b, ConnTable* table, double monoNow, double wallNow, char** err) {
   (void)err;
   PcapBackend_sample(PcapBackend_capture(b), table, monoNow, wallNow);
   return 0;
}

static int PcapBackend_eventFd(Backend* b) {
   return Capture_fd(PcapBackend_capture(b));
}

static void PcapBackend_forget(Backend* b, const Conn* conn) {
   FlowTracker_forget(&PcapBackend_capture(b)->flows, conn);
}

static void PcapBackend_status(Backend* b, BackendStatus* out) {
   Capture* c = PcapBackend_capture(b);
   *out = (BackendStatus){ .lost = Capture_dropped(c), .malformed = c->malformed, .capture = true };
}

static bool PcapBackend_clock(Backend* b, double* mono, double* wall) {
   Capture* c = PcapBackend_capture(b);
   if (!c->offline)
      return false;
   *mono = *wall = c->clock;
   return true;
}

static bool PcapBackend_ended(Backend* b) {
   Capture* c = PcapBackend_capture(b);
   return c->offline && c->ended;
}

static char* PcapBackend_health(Backend* b, double monoNow) {
   (void)b, (void)monoNow;
   return NULL;
}

static char* PcapBackend_missing(Backend* b) {
   (void)b;
   return NULL;   /* what packets cannot tell is empty in every row, said in the man page */
}

static const char* PcapBackend_endProblem(Backend* b) {
   return PcapBackend_capture(b)->problem;
}

static void PcapBackend_free(Backend* b) {
   Capture_free(PcapBackend_capture(b));
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
   .missing = PcapBackend_missing,
   .endProblem = PcapBackend_endProblem,
   .free = PcapBackend_free,
};

Backend* PcapBackend_open(const Settings* settings, char** err) {
   Capture* c;
   if (settings->readFile) {
      const char* pace = settings->replaySpeed ? settings->replaySpeed : settings->batch ? "max" : "1";
      double speed = Capture_parseSpeed(pace);
      c = Capture_openFile(settings->readFile, speed < 0 ? 0 : speed, err);
   } else {
      c = Capture_openLive(settings->iface ? settings->iface : PCAPBACKEND_DEFAULT_IFACE, err);
   }
   if (!c)
      return NULL;
   PcapBackend* this = xCalloc(1, sizeof(*this));
   this->base.ops = &PcapBackend_ops;
   this->capture = c;
   return &this->base;
}
