/*
 * linux/BpfPlatform.c: the eBPF backend: kernel types, compile, load, attach.
 */
#include "config.h"
#include "linux/BpfPlatform.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "Cache.h"
#include "ProbeMetrics.h"
#include "XUtils.h"
#include "linux/Compiler.h"
#include "linux/KernelTypes.h"
#include "linux/Loader.h"
#include "linux/ProbeSettings.h"
#include "linux/Sampler.h"

struct BpfPlatform_ {
   Cache cache;
   KernelTypes kernel;
   Loader loader;
   bool loaderUsed;
   Sampler sampler;
   bool samplerUsed;
   int statsFd;         /* BPF_STATS_RUN_TIME on while open; -1 off */
   unsigned avoidHooks; /* Settings.avoidHooks */
   const ProbeSet* set; /* the set compiled, then loaded */
};

BpfPlatform* BpfPlatform_compile(const Settings* settings, const Paths* paths, ProbeSet* set, char** err) {
   BpfPlatform* this = xCalloc(1, sizeof(*this));
   this->set = set;
   this->statsFd = -1;
   this->avoidHooks = settings->avoidHooks;
   char* cacheDir = settings->noCache ? NULL : settings->cacheDir ? xStrdup(settings->cacheDir) : Paths_defaultCacheDir();
   Cache_open(&this->cache, cacheDir);
   free(cacheDir);
   if (this->cache.problem)
      XUtils_error("%s", this->cache.problem);
   KernelTypes_find(&this->kernel, NULL, NULL, &this->cache);
   CompilerConfig cfg = {
      .modulePath = paths->compilerModule, .includeDir = paths->includeDir,
      .cache = &this->cache, .kernel = &this->kernel,
   };
   if (Compiler_compileAll(&cfg, set, err) < 0) {
      BpfPlatform_free(this);
      return NULL;
   }
   return this;
}

void BpfPlatform_load(BpfPlatform* this, ProbeSet* set, bool attach) {
   if (!this->loaderUsed) {
      Loader_init(&this->loader, &this->cache, this->avoidHooks);
      this->loaderUsed = true;
   }
   for (int i = 0; i < set->count; i++)
      BpfPlatform_probeSettings(set->probes[i]);   /* the metrics come with the settings */
   ProbeMetrics_assign(set);
   this->set = set;
   Loader_loadAll(&this->loader, set, attach);
   ProbeMetrics_columns(set);
}

void BpfPlatform_probeSettings(Probe* probe) {
   if (probe->settingsRead || probe->status != PROBE_COMPILED)
      return;
   probe->settingsRead = true;
   char* why = ProbeSettings_read(probe);
   if (why) {
      Probe_setStatus(probe, PROBE_LOAD_ERROR, why);
      free(why);
   }
}

void BpfPlatform_free(BpfPlatform* this) {
   if (!this)
      return;
   if (this->samplerUsed)
      Sampler_done(&this->sampler);
   if (this->statsFd >= 0)
      close(this->statsFd);   /* the kernel stops counting run times */
   if (this->loaderUsed)
      Loader_done(&this->loader);
   KernelTypes_done(&this->kernel);
   Cache_close(&this->cache);
   free(this);
}

char* BpfPlatform_enableStats(BpfPlatform* this) {
   if (this->statsFd >= 0)
      return NULL;
   int fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
   if (fd < 0)
      return xAsprintf("cannot turn on the kernel's BPF run-time statistics: %s", strerror(errno));
   this->statsFd = fd;
   return NULL;
}

const ProbeSet* BpfPlatform_probes(const BpfPlatform* this) {
   return this->set;
}

bool BpfPlatform_statsEnabled(const BpfPlatform* this) {
   return this->statsFd >= 0;
}

bool BpfPlatform_probeRunStats(const BpfPlatform* this, const Probe* probe, uint64_t* count, uint64_t* ns) {
   *count = *ns = 0;
   return this->loaderUsed && Loader_runStats(&this->loader, probe, count, ns);
}

char* BpfPlatform_readyProblem(BpfPlatform* this) {
   char* why = Sampler_init(&this->sampler, &this->loader);
   this->samplerUsed = true;
   return why;
}

void BpfPlatform_seed(BpfPlatform* this, ConnTable* table, double monoNow, double wallNow) {
   Sampler_seed(&this->sampler, table, monoNow, wallNow);
}

int BpfPlatform_poll(BpfPlatform* this, ConnTable* table, int timeoutMs, double monoNow, double wallNow) {
   return Sampler_poll(&this->sampler, table, timeoutMs, monoNow, wallNow);
}

int BpfPlatform_sample(BpfPlatform* this, ConnTable* table, double monoNow, double wallNow) {
   return Sampler_sample(&this->sampler, table, monoNow, wallNow);
}

void BpfPlatform_forget(BpfPlatform* this, const Conn* conn) {
   Sampler_forget(&this->sampler, conn);
}

uint64_t BpfPlatform_lost(BpfPlatform* this) {
   return Sampler_lost(&this->sampler);
}

int BpfPlatform_eventFd(BpfPlatform* this) {
   return this->samplerUsed && this->sampler.rb ? ring_buffer__epoll_fd(this->sampler.rb) : -1;
}

void BpfPlatform_probeCounts(BpfPlatform* this, int* attached, int* failed) {
   *attached = *failed = 0;
   for (int i = 0; i < this->set->count; i++) {
      ProbeStatus st = this->set->probes[i]->status;
      if (st == PROBE_OK)
         (*attached)++;
      else if (st != PROBE_DISABLED)
         (*failed)++;   /* turned off in the config is not a failure */
   }
}

const char* BpfPlatform_versions(void) {
   static char buf[128];
   snprintf(buf, sizeof(buf), "eBPF backend: LLVM/clang %s, libbpf %d.%d", TCPTOP_LLVM_VERSION,
            (int)libbpf_major_version(), (int)libbpf_minor_version());
   return buf;
}
