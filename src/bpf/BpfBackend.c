/*
 * BpfBackend.c: the eBPF backend: kernel types, compile, load, attach, and
 * the Backend operations over the sampler.
 */
#include "config.h"
#include "bpf/BpfBackend.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpf/Cache.h"
#include "bpf/Compiler.h"
#include "bpf/KernelTypes.h"
#include "bpf/Loader.h"
#include "bpf/ProbeCoverage.h"
#include "bpf/ProbeHealth.h"
#include "bpf/ProbeMetrics.h"
#include "bpf/ProbeSettings.h"
#include "bpf/Sampler.h"
#include "core/XUtils.h"
#include "../probes/tcptop.h"

struct BpfBackend_ {
   Backend base;
   const Settings* settings;
   Paths paths;
   ProbeSet set;
   Cache cache;
   bool cacheUsed;
   KernelTypes kernel;
   Loader loader;
   bool loaderUsed;
   Sampler sampler;
   bool samplerUsed;
   ProbeHealth health;
   int statsFd;         /* BPF_STATS_RUN_TIME on while open; -1 off */
};

static const BackendOps BpfBackend_ops;

BpfBackend* BpfBackend_new(const Settings* settings, bool privileged) {
   BpfBackend* this = xCalloc(1, sizeof(*this));
   this->base.ops = &BpfBackend_ops;
   this->settings = settings;
   this->statsFd = -1;
   Paths_init(&this->paths);
   ProbeSet_init(&this->set);
   if (privileged)
      this->set.trustedUid = 0;   /* what it finds goes into the kernel: root's files only */
   ProbeHealth_init(&this->health);
   return this;
}

ProbeSet* BpfBackend_probes(BpfBackend* this) {
   return &this->set;
}

const Paths* BpfBackend_paths(const BpfBackend* this) {
   return &this->paths;
}

Backend* BpfBackend_base(BpfBackend* this) {
   return &this->base;
}

int BpfBackend_compile(BpfBackend* this, char** err) {
   const Settings* s = this->settings;
   char* cacheDir = s->noCache ? NULL : s->cacheDir ? xStrdup(s->cacheDir) : Paths_defaultCacheDir();
   Cache_open(&this->cache, cacheDir);
   this->cacheUsed = true;
   free(cacheDir);
   if (this->cache.problem)
      XUtils_error("%s", this->cache.problem);   /* a warning: compiling goes on without it */
   KernelTypes_find(&this->kernel, NULL, NULL, &this->cache);
   CompilerConfig cfg = {
      .modulePath = this->paths.compilerModule, .includeDir = this->paths.includeDir,
      .cache = &this->cache, .kernel = &this->kernel,
   };
   return Compiler_compileAll(&cfg, &this->set, err);
}

void BpfBackend_load(BpfBackend* this, bool attach) {
   if (!this->loaderUsed) {
      ProbeLimits limits = { (uint32_t)this->settings->maxTcp, (uint32_t)this->settings->maxUdp };
      Loader_init(&this->loader, &this->cache, this->settings->avoidHooks, &limits);
      this->loaderUsed = true;
   }
   for (int i = 0; i < this->set.count; i++)
      ProbeSettings_fill(this->set.probes[i]);   /* the metrics come with the settings */
   ProbeMetrics_assign(&this->set);
   Loader_loadAll(&this->loader, &this->set, attach);
   ProbeMetrics_columns(&this->set);
}

int BpfBackend_ready(BpfBackend* this, char** err) {
   this->samplerUsed = true;
   return Sampler_init(&this->sampler, &this->loader, err);
}

int BpfBackend_enableStats(BpfBackend* this, char** err) {
   if (this->statsFd >= 0)
      return 0;
   int fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
   if (fd < 0) {
      *err = xAsprintf("cannot turn on the kernel's BPF run-time statistics: %s", strerror(errno));
      return -1;
   }
   this->statsFd = fd;
   return 0;
}

void BpfBackend_free(BpfBackend* this) {
   if (!this)
      return;
   if (this->samplerUsed)
      Sampler_done(&this->sampler);
   if (this->statsFd >= 0)
      close(this->statsFd);   /* the kernel stops counting run times */
   if (this->loaderUsed)
      Loader_done(&this->loader);
   KernelTypes_done(&this->kernel);
   if (this->cacheUsed)
      Cache_close(&this->cache);
   ProbeHealth_done(&this->health);
   ProbeSet_done(&this->set);
   Paths_done(&this->paths);
   free(this);
}

const char* BpfBackend_version(void) {
   static char buf[128];
   snprintf(buf, sizeof(buf), "eBPF backend: LLVM/clang %s, libbpf %d.%d", TCPTOP_LLVM_VERSION,
            (int)libbpf_major_version(), (int)libbpf_minor_version());
   return buf;
}

/* ---- the Backend operations ------------------------------------------- */

static void BpfBackend_seed(Backend* b, ConnTable* table, double monoNow, double wallNow) {
   Sampler_seed(&((BpfBackend*)b)->sampler, table, monoNow, wallNow);
}

static int BpfBackend_poll(Backend* b, ConnTable* table, int timeoutMs, double monoNow, double wallNow,
                           char** err) {
   return Sampler_poll(&((BpfBackend*)b)->sampler, table, timeoutMs, monoNow, wallNow, err);
}

static int BpfBackend_sample(Backend* b, ConnTable* table, double monoNow, double wallNow, char** err) {
   return Sampler_sample(&((BpfBackend*)b)->sampler, table, monoNow, wallNow, err);
}

static int BpfBackend_eventFd(Backend* b) {
   BpfBackend* this = (BpfBackend*)b;
   return this->samplerUsed && this->sampler.rb ? ring_buffer__epoll_fd(this->sampler.rb) : -1;
}

static void BpfBackend_forget(Backend* b, const Conn* conn) {
   Sampler_forget(&((BpfBackend*)b)->sampler, conn);
}

static void BpfBackend_status(Backend* b, BackendStatus* out) {
   BpfBackend* this = (BpfBackend*)b;
   *out = (BackendStatus){ 0 };
   if (this->samplerUsed) {
      uint64_t stats[TCPTOP_STAT_COUNT];
      Sampler_stats(&this->sampler, stats, TCPTOP_STAT_COUNT);
      for (int i = 0; i < TCPTOP_STAT_COUNT; i++)
         out->lost += stats[i];
      out->lost += Loader_missedRuns(&this->loader);   /* runs the kernel skipped */
      out->tcpUntracked = stats[TCPTOP_STAT_TCP_MAP_FULL];
      out->udpUntracked = stats[TCPTOP_STAT_UDP_MAP_FULL];
      out->tcpCapacity = this->sampler.tcpCapacity;
      out->udpCapacity = this->sampler.udpCapacity;
   }
   for (int i = 0; i < this->set.count; i++) {
      ProbeStatus st = this->set.probes[i]->status;
      if (st == PROBE_OK)
         out->probesOk++;
      else if (st != PROBE_DISABLED)
         out->probesFailed++;   /* turned off in the config is not a failure */
   }
}

static bool BpfBackend_clock(Backend* b, double* mono, double* wall) {
   (void)b, (void)mono, (void)wall;
   return false;   /* live: the system clocks */
}

static bool BpfBackend_ended(Backend* b) {
   (void)b;
   return false;
}

static char* BpfBackend_health(Backend* b, double monoNow) {
   BpfBackend* this = (BpfBackend*)b;
   return ProbeHealth_lines(&this->health, &this->set, this->loaderUsed ? &this->loader : NULL,
                            this->statsFd >= 0, monoNow);
}

static int BpfBackend_probeStates(Backend* b, BackendProbe* out, int max) {
   BpfBackend* this = (BpfBackend*)b;
   int n = 0;
   for (int i = 0; i < this->set.count && n < max; i++) {
      const Probe* p = this->set.probes[i];
      if (p->status == PROBE_DISABLED)
         continue;
      uint64_t count = 0, ns = 0;
      bool runs = this->statsFd >= 0 && this->loaderUsed && Loader_runStats(&this->loader, p, &count, &ns);
      out[n++] = (BackendProbe){ .name = p->name, .status = Probe_statusName(p->status), .ok = p->status == PROBE_OK,
                                 .hasRuns = runs, .runs = count };
   }
   return n;
}

static char* BpfBackend_missing(Backend* b) {
   return ProbeCoverage_missing(&((BpfBackend*)b)->set);
}

static const char* BpfBackend_endProblem(Backend* b) {
   (void)b;
   return NULL;
}

static unsigned BpfBackend_needs(Backend* b) {
   (void)b;
   return BACKEND_NEED_BPF_MAPS;   /* each sample reads the maps; loading is done */
}

static bool BpfBackend_worksUnprivileged(Backend* b, BackendNeed need) {
   BpfBackend* this = (BpfBackend*)b;
   return need != BACKEND_NEED_BPF_MAPS || !this->samplerUsed || Sampler_readsUnprivileged(&this->sampler);
}

static int BpfBackend_start(Backend* b, char** err) {
   (void)b, (void)err;
   return 0;   /* the probes run since they were attached */
}

static void BpfBackend_freeOp(Backend* b) {
   BpfBackend_free((BpfBackend*)b);
}

static const BackendOps BpfBackend_ops = {
   .name = "bpf",
   .seed = BpfBackend_seed,
   .poll = BpfBackend_poll,
   .sample = BpfBackend_sample,
   .eventFd = BpfBackend_eventFd,
   .forget = BpfBackend_forget,
   .status = BpfBackend_status,
   .clock = BpfBackend_clock,
   .ended = BpfBackend_ended,
   .health = BpfBackend_health,
   .probes = BpfBackend_probeStates,
   .missing = BpfBackend_missing,
   .endProblem = BpfBackend_endProblem,
   .needs = BpfBackend_needs,
   .worksUnprivileged = BpfBackend_worksUnprivileged,
   .start = BpfBackend_start,
   .free = BpfBackend_freeOp,
};
