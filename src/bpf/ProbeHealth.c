/*
 * ProbeHealth.c: probe status lines with run rates and costs.
 */
#include "config.h"
#include "bpf/ProbeHealth.h"

#include <stdlib.h>
#include <string.h>

#include "bpf/ProbeCoverage.h"
#include "core/XUtils.h"

void ProbeHealth_init(ProbeHealth* this) {
   memset(this, 0, sizeof(*this));
}

void ProbeHealth_done(ProbeHealth* this) {
   free(this->count);
   free(this->ns);
   ProbeHealth_init(this);
}

/* ", 1523 events/s, 61 ns/event" over the interval since the last call. */
static void ProbeHealth_rates(ProbeHealth* this, Buf* b, int i, uint64_t count, uint64_t ns, double elapsed) {
   uint64_t dc = count - this->count[i], dn = ns - this->ns[i];
   if (elapsed <= 0)
      Buf_printf(b, ", %llu events, %.0f ns/event", (unsigned long long)count, count ? (double)ns / (double)count : 0.0);
   else
      Buf_printf(b, ", %.0f events/s, %.0f ns/event", (double)dc / elapsed, dc ? (double)dn / (double)dc : 0.0);
   this->count[i] = count;
   this->ns[i] = ns;
}

static void ProbeHealth_line(ProbeHealth* this, Buf* b, const Probe* p, int i, const Loader* loader,
                             bool statsOn, double elapsed) {
   Buf_printf(b, "probe %s: %s", p->name, Probe_statusName(p->status));
   if (p->status == PROBE_OK && p->attached)
      Buf_printf(b, ", %s", p->attached);
   uint64_t count = 0, ns = 0;
   if (loader && Loader_runStats(loader, p, &count, &ns)) {
      if (statsOn)
         ProbeHealth_rates(this, b, i, count, ns, elapsed);
      else
         Buf_appendStr(b, ", - events/s, - ns/event (--probe-stats)");
   } else if (p->message && Probe_failed(p)) {
      const char* nl = strchr(p->message, '\n');
      Buf_printf(b, ": %.*s", nl ? (int)(nl - p->message) : (int)strlen(p->message), p->message);
   }
   if (p->variant && p->status == PROBE_OK)
      Buf_printf(b, " (variant skipped: %s)", p->variant);
   Buf_appendStr(b, "\n");
}

char* ProbeHealth_lines(ProbeHealth* this, const ProbeSet* set, const Loader* loader, bool statsOn, double monoNow) {
   if (this->n != set->count) {
      free(this->count);
      free(this->ns);
      this->n = set->count;
      this->count = xCalloc((size_t)this->n + 1, sizeof(uint64_t));
      this->ns = xCalloc((size_t)this->n + 1, sizeof(uint64_t));
      this->when = 0;
   }
   double elapsed = this->when > 0 ? monoNow - this->when : 0;
   this->when = monoNow;
   Buf b;
   Buf_init(&b);
   for (int i = 0; i < set->count; i++) {
      if (set->probes[i]->status != PROBE_DISABLED)
         ProbeHealth_line(this, &b, set->probes[i], i, loader, statsOn, elapsed);
   }
   char* missing = ProbeCoverage_missing(set);
   if (missing)
      Buf_printf(&b, "without data on this kernel: %s\n", missing);
   free(missing);
   return Buf_cstr(&b);
}
