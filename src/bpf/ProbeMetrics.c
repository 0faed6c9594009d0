/*
 * ProbeMetrics.c: metric slots across probes, and their columns.
 */
#include "config.h"
#include "bpf/ProbeMetrics.h"

#include <stdlib.h>
#include <string.h>

#include "core/Column.h"
#include "core/XUtils.h"

typedef struct ProbeMetrics_Slot_ {
   const char* key;
   ProbeMetricAgg agg;
   const char* probe;
} ProbeMetrics_Slot;

static bool ProbeMetrics_inUse(const Probe* p) {
   return p->status == PROBE_COMPILED || p->status == PROBE_LOADED || p->status == PROBE_OK;
}

/* The slot of m, taking a free one; -1 with *why when there is none. */
static int ProbeMetrics_slot(ProbeMetrics_Slot* slots, int* used, const Probe* p, const ProbeMetric* m, char** why) {
   if (Column_isBuiltin(m->key)) {
      *why = xAsprintf("metric %s: a built-in column has that key; rename it", m->key);
      return -1;
   }
   for (int i = 0; i < *used; i++) {
      if (strcmp(slots[i].key, m->key) != 0)
         continue;
      if (slots[i].agg == m->agg)
         return i;
      *why = xAsprintf("metric %s: probe %s declares it with %s, this one with %s; rename one", m->key,
                       slots[i].probe, ProbeMetric_aggName(slots[i].agg), ProbeMetric_aggName(m->agg));
      return -1;
   }
   if (*used == CONN_METRICS) {
      *why = xAsprintf("metric %s: the probes declare more than %d metrics in all", m->key, CONN_METRICS);
      return -1;
   }
   slots[*used] = (ProbeMetrics_Slot){ m->key, m->agg, p->name };
   return (*used)++;
}

void ProbeMetrics_assign(ProbeSet* set) {
   ProbeMetrics_Slot slots[CONN_METRICS];
   int used = 0;
   for (int i = 0; i < set->count; i++) {
      Probe* p = set->probes[i];
      if (!ProbeMetrics_inUse(p))
         continue;
      int taken = used;
      for (int j = 0; j < p->nMetrics; j++) {
         char* why = NULL;
         p->metrics[j].slot = ProbeMetrics_slot(slots, &used, p, &p->metrics[j], &why);
         if (why) {
            used = taken;   /* this probe's new slots are not kept: it will not load */
            Probe_setStatus(p, PROBE_LOAD_ERROR, why);
            free(why);
            break;
         }
      }
   }
}

void ProbeMetrics_columns(const ProbeSet* set) {
   Column_clearMetrics();
   for (int i = 0; i < set->count; i++) {
      const Probe* p = set->probes[i];
      if (p->status != PROBE_OK && p->status != PROBE_LOADED)
         continue;
      for (int j = 0; j < p->nMetrics; j++) {
         const ProbeMetric* m = &p->metrics[j];
         if (Column_find(m->key) < 0)
            Column_addMetric(m->key, m->title, m->unit, ProbeMetric_aggName(m->agg), m->slot, p->name);
      }
   }
}

char* ProbeMetrics_describe(const Probe* probe) {
   if (!probe->nMetrics)
      return NULL;
   Buf b;
   Buf_init(&b);
   for (int i = 0; i < probe->nMetrics; i++) {
      const ProbeMetric* m = &probe->metrics[i];
      Buf_printf(&b, "%s%s (%s, %s, %s)", i ? ", " : "", m->key, m->title, m->unit[0] ? m->unit : "-",
                 ProbeMetric_aggName(m->agg));
   }
   return Buf_cstr(&b);
}
