/*
 * Platform.c: one Platform over either backend: the eBPF probes (when
 * built) or a packet capture.
 */
#include "config.h"
#include "Platform.h"

#include <stdio.h>
#include <stdlib.h>

#include "XUtils.h"
#include "pcap/Capture.h"
#include "pcap/PcapBackend.h"
#ifdef HAVE_BPF
#include "linux/BpfPlatform.h"
#endif

#ifdef __APPLE__
#define PLATFORM_DEFAULT_IFACE "pktap"   /* every interface, with PKTAP headers */
#else
#define PLATFORM_DEFAULT_IFACE "any"
#endif

struct Platform_ {
#ifdef HAVE_BPF
   BpfPlatform* bpf;
#endif
   Capture* capture;
};

Platform* Platform_openCapture(const Settings* settings, char** err) {
   Capture* c;
   if (settings->readFile) {
      double speed = Capture_parseSpeed(settings->replaySpeed ? settings->replaySpeed : settings->batch ? "max" : "1");
      c = Capture_openFile(settings->readFile, speed < 0 ? 0 : speed, err);
   } else {
      c = Capture_openLive(settings->iface ? settings->iface : PLATFORM_DEFAULT_IFACE, err);
   }
   if (!c)
      return NULL;
   Platform* this = xCalloc(1, sizeof(*this));
   this->capture = c;
   return this;
}

Platform* Platform_compile(const Settings* settings, const Paths* paths, ProbeSet* set, char** err) {
#ifdef HAVE_BPF
   BpfPlatform* bpf = BpfPlatform_compile(settings, paths, set, err);
   if (!bpf)
      return NULL;
   Platform* this = xCalloc(1, sizeof(*this));
   this->bpf = bpf;
   return this;
#else
   (void)settings, (void)paths, (void)set;
   *err = xStrdup("this tcptop was built without the eBPF backend (configure --disable-bpf): "
                  "use -r FILE or --backend pcap");
   return NULL;
#endif
}

#ifdef HAVE_BPF
#define PLATFORM_BPF(call) do { if (this->bpf) { call; } } while (0)
#else
#define PLATFORM_BPF(call) do { } while (0)
#endif

void Platform_load(Platform* this, ProbeSet* set, bool attach) {
   PLATFORM_BPF(BpfPlatform_load(this->bpf, set, attach));
}

void Platform_probeSettings(Probe* probe) {
#ifdef HAVE_BPF
   BpfPlatform_probeSettings(probe);
#else
   (void)probe;
#endif
}

void Platform_free(Platform* this) {
   if (!this)
      return;
   PLATFORM_BPF(BpfPlatform_free(this->bpf));
   Capture_free(this->capture);
   free(this);
}

char* Platform_readyProblem(Platform* this) {
   PLATFORM_BPF(return BpfPlatform_readyProblem(this->bpf));
   return NULL;
}

void Platform_seed(Platform* this, ConnTable* table, double monoNow, double wallNow) {
   PLATFORM_BPF(BpfPlatform_seed(this->bpf, table, monoNow, wallNow));
}

int Platform_poll(Platform* this, ConnTable* table, int timeoutMs, double monoNow, double wallNow) {
   PLATFORM_BPF(return BpfPlatform_poll(this->bpf, table, timeoutMs, monoNow, wallNow));
   return Capture_poll(this->capture, timeoutMs);
}

int Platform_sample(Platform* this, ConnTable* table, double monoNow, double wallNow) {
   PLATFORM_BPF(return BpfPlatform_sample(this->bpf, table, monoNow, wallNow));
   PcapBackend_sample(this->capture, table, monoNow, wallNow);
   return 0;
}

void Platform_forget(Platform* this, const Conn* conn) {
   PLATFORM_BPF(BpfPlatform_forget(this->bpf, conn); return);
   FlowTracker_forget(&this->capture->flows, conn);
}

uint64_t Platform_lost(Platform* this) {
   PLATFORM_BPF(return BpfPlatform_lost(this->bpf));
   return Capture_dropped(this->capture);
}

char* Platform_enableStats(Platform* this) {
   PLATFORM_BPF(return BpfPlatform_enableStats(this->bpf));
   return xStrdup("the kernel's BPF statistics are for the eBPF backend's probes; this run captures packets");
}

const ProbeSet* Platform_probes(const Platform* this) {
   PLATFORM_BPF(return BpfPlatform_probes(this->bpf));
   return NULL;
}

bool Platform_statsEnabled(const Platform* this) {
   PLATFORM_BPF(return BpfPlatform_statsEnabled(this->bpf));
   return false;
}

bool Platform_probeRunStats(const Platform* this, const Probe* probe, uint64_t* count, uint64_t* ns) {
   PLATFORM_BPF(return BpfPlatform_probeRunStats(this->bpf, probe, count, ns));
   (void)probe;
   *count = *ns = 0;
   return false;
}

int Platform_eventFd(Platform* this) {
   PLATFORM_BPF(return BpfPlatform_eventFd(this->bpf));
   return Capture_fd(this->capture);
}

void Platform_probeCounts(Platform* this, int* attached, int* failed) {
   *attached = *failed = 0;
   PLATFORM_BPF(BpfPlatform_probeCounts(this->bpf, attached, failed));
}

bool Platform_captureTime(Platform* this, double* mono, double* wall) {
   if (!this->capture || !this->capture->offline)
      return false;
   *mono = *wall = this->capture->clock;
   return true;
}

bool Platform_ended(Platform* this) {
   return this->capture && this->capture->offline && this->capture->ended;
}

bool Platform_isCapture(const Platform* this) {
   return this->capture != NULL;
}

uint64_t Platform_malformed(Platform* this) {
   return this->capture ? this->capture->malformed : 0;
}

const char* Platform_endProblem(Platform* this) {
   return this->capture ? this->capture->problem : NULL;
}

const char* Platform_versions(void) {
   static char buf[256];
#ifdef HAVE_BPF
   snprintf(buf, sizeof(buf), "%s\npcap backend: %s", BpfPlatform_versions(), PcapBackend_version());
#else
   snprintf(buf, sizeof(buf), "eBPF backend: not built (--disable-bpf)\npcap backend: %s", PcapBackend_version());
#endif
   return buf;
}
