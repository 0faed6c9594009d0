/*
 * linux/BpfPlatform.c: the eBPF backend: kernel types, compile, load, attach.
 */
#include "config.h"
#include "linux/BpfPlatform.h"

#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "Cache.h"
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
};

BpfPlatform* BpfPlatform_compile(const Settings* settings, const Paths* paths, ProbeSet* set, char** err) {
   BpfPlatform* this = xCalloc(1, sizeof(*this));
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
      Loader_init(&this->loader);
      this->loaderUsed = true;
   }
   Loader_loadAll(&this->loader, set, attach);
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
   if (this->loaderUsed)
      Loader_done(&this->loader);
   KernelTypes_done(&this->kernel);
   Cache_close(&this->cache);
   free(this);
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

const char* BpfPlatform_versions(void) {
   static char buf[128];
   snprintf(buf, sizeof(buf), "eBPF backend: LLVM/clang %s, libbpf %d.%d", TCPTOP_LLVM_VERSION,
            (int)libbpf_major_version(), (int)libbpf_minor_version());
   return buf;
}
