/*
 * ListProbes.c: name, origin, status, hooks, description; details indented.
 */
#include "config.h"
#include "bpf/ListProbes.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bpf/ProbeCoverage.h"
#include "bpf/ProbeMetrics.h"
#include "core/XUtils.h"

static void ListProbes_hooks(const Probe* p, char* out, size_t size) {
   out[0] = '\0';
   for (int i = 0; i < p->meta.nHooks; i++) {
      if (i)
         strncat(out, ",", size - strlen(out) - 1);
      strncat(out, p->meta.hooks[i], size - strlen(out) - 1);
   }
   if (!out[0])
      strncat(out, "-", size - 1);
}

static void ListProbes_details(FILE* out, const char* text) {
   for (const char* line = text; line && *line;) {
      const char* nl = strchr(line, '\n');
      int len = nl ? (int)(nl - line) : (int)strlen(line);
      fprintf(out, "    %.*s\n", len, line);
      line = nl ? nl + 1 : NULL;
   }
}

/* "a, b" and "a,b" are the same list. */
static bool ListProbes_sameList(const char* a, const char* b) {
   for (;; a++, b++) {
      while (*a == ' ')
         a++;
      while (*b == ' ')
         b++;
      if (*a != *b)
         return false;
      if (!*a)
         return true;
   }
}

/* Metrics (columns) and the hooks attached, indented under the probe. */
static void ListProbes_extras(FILE* out, const Probe* p) {
   if (Probe_failed(p) || p->status == PROBE_DISABLED)
      return;
   char* metrics = ProbeMetrics_describe(p);
   if (metrics)
      fprintf(out, "    columns: %s\n", metrics);
   free(metrics);
   char hooks[512];
   ListProbes_hooks(p, hooks, sizeof(hooks));
   bool declared = p->attached && ListProbes_sameList(p->attached, hooks);
   if (p->status == PROBE_OK && p->attached && !declared)   /* a variant, or hooks not declared */
      fprintf(out, "    attached: %s\n", p->attached);
   if (p->variant)
      fprintf(out, "    variant skipped: %s\n", p->variant);
}

static void ListProbes_settings(FILE* out, const Probe* p) {
   fprintf(out, "settings:%s\n", p->nSettings ? "" : " (none)");
   for (int i = 0; i < p->nSettings; i++) {
      const ProbeSetting* s = &p->settings[i];
      fprintf(out, "  %s.%s = %lld (default %lld, %s%d-bit)%s%s\n", p->name, s->name, s->value, s->defaultValue,
              s->isSigned ? "signed " : "", s->size * 8, s->help ? ": " : "", s->help ? s->help : "");
   }
}

int ListProbes_check(FILE* out, const Probe* p, bool loadChecked) {
   bool good = p->status == PROBE_OK || (!loadChecked && p->status == PROBE_COMPILED);
   fprintf(out, "%s: %s%s\n", p->path, good ? "good: " : "", Probe_statusName(p->status));
   if (p->message && !good)
      ListProbes_details(out, p->message);
   if (Probe_failed(p))
      return 1;
   if (p->attached)
      fprintf(out, "attached: %s (detached again)\n", p->attached);
   if (p->variant)
      fprintf(out, "variant skipped: %s\n", p->variant);
   fprintf(out, "columns:%s\n", p->nMetrics ? "" : " (none)");
   for (int i = 0; i < p->nMetrics; i++) {
      const ProbeMetric* m = &p->metrics[i];
      fprintf(out, "  %s: title %s, unit %s, %s\n", m->key, m->title, m->unit[0] ? m->unit : "-",
              ProbeMetric_aggName(m->agg));
   }
   ListProbes_settings(out, p);
   if (!loadChecked)
      fprintf(out, "note: only compiled; loading into the kernel needs root: sudo tcptop --check-probe %s\n", p->path);
   return good ? 0 : 1;
}

char* ListProbes_measure(BpfBackend* backend, int seconds, char** err) {
   if (BpfBackend_enableStats(backend, err) < 0)
      return NULL;
   Backend* b = BpfBackend_base(backend);
   struct timespec t0, t1;
   clock_gettime(CLOCK_MONOTONIC, &t0);
   free(Backend_health(b, (double)t0.tv_sec + (double)t0.tv_nsec / 1e9));
   struct timespec wait = { .tv_sec = seconds };
   while (nanosleep(&wait, &wait) < 0 && errno == EINTR)
      ;
   clock_gettime(CLOCK_MONOTONIC, &t1);
   char* lines = Backend_health(b, (double)t1.tv_sec + (double)t1.tv_nsec / 1e9);
   return lines ? lines : xStrdup("");
}

void ListProbes_print(FILE* out, const ProbeSet* set, bool loadChecked) {
   int nameW = 4, hookW = 5;
   char hooks[512];
   for (int i = 0; i < set->count; i++) {
      const Probe* p = set->probes[i];
      ListProbes_hooks(p, hooks, sizeof(hooks));
      nameW = (int)strlen(p->name) > nameW ? (int)strlen(p->name) : nameW;
      hookW = (int)strlen(hooks) > hookW ? (int)strlen(hooks) : hookW;
   }
   fprintf(out, "%-*s  %-8s  %-17s  %-*s  %s\n", nameW, "NAME", "ORIGIN", "STATUS", hookW, "HOOKS", "DESCRIPTION");
   for (int i = 0; i < set->count; i++) {
      const Probe* p = set->probes[i];
      ListProbes_hooks(p, hooks, sizeof(hooks));
      fprintf(out, "%-*s  %-8s  %-17s  %-*s  %s\n", nameW, p->name, Probe_originName(p->origin),
              Probe_statusName(p->status), hookW, hooks, p->meta.description ? p->meta.description : "-");
      if (p->message && (Probe_failed(p) || p->status == PROBE_PENDING))
         ListProbes_details(out, p->message);
      ListProbes_extras(out, p);
   }
   if (set->count == 0)
      fprintf(out, "(no probes found)\n");
   char* missing = loadChecked ? ProbeCoverage_missing(set) : NULL;
   if (missing)
      fprintf(out, "without data on this kernel: %s\n", missing);
   free(missing);
   if (!loadChecked)
      fprintf(out, "note: only compiled; loading into the kernel and attaching need root: sudo tcptop --list-probes\n");
}
