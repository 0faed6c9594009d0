/*
 * ProbeCoverage.c: columns by protocol from the probes' @provides.
 */
#include "config.h"
#include "bpf/ProbeCoverage.h"

#include <stdlib.h>
#include <string.h>

#include "bpf/StrSet.h"
#include "core/XUtils.h"

enum { COVERAGE_TCP = 1, COVERAGE_UDP = 2, COVERAGE_BOTH = 3 };

static const char* const ProbeCoverage_protoNames[] = { "TCP", "UDP" };

/* Does the probe provide key for protocol bit proto? */
static bool ProbeCoverage_provides(const Probe* p, const char* key, int proto) {
   int scope = COVERAGE_BOTH;
   for (int i = 0; i < p->meta.nProvides; i++) {
      const char* item = p->meta.provides[i];
      if (strcmp(item, "tcp:") == 0)
         scope = COVERAGE_TCP;
      else if (strcmp(item, "udp:") == 0)
         scope = COVERAGE_UDP;
      else if ((scope & proto) && strcmp(item, key) == 0)
         return true;
   }
   return false;
}

static bool ProbeCoverage_running(const Probe* p) {
   return p->status == PROBE_OK;
}

/* A probe that should be running and is not (turned off does not count). */
static bool ProbeCoverage_failed(const Probe* p) {
   return p->status != PROBE_OK && p->status != PROBE_DISABLED;
}

/* Does a running probe provide key for proto? */
static bool ProbeCoverage_covered(const ProbeSet* set, const char* key, int proto) {
   for (int i = 0; i < set->count; i++) {
      if (ProbeCoverage_running(set->probes[i]) && ProbeCoverage_provides(set->probes[i], key, proto))
         return true;
   }
   return false;
}

/* The missing keys of one protocol: a ", "-separated list, each once. */
typedef struct ProbeCoverageKeys_ {
   Buf list;
   StrSet seen;
} ProbeCoverageKeys;

static void ProbeCoverage_addOnce(ProbeCoverageKeys* keys, const char* key) {
   if (StrSet_add(&keys->seen, key))
      Buf_printf(&keys->list, "%s%s", keys->list.len ? ", " : "", key);
}

/* The keys of a failed probe that no running probe provides for proto:
 * "connections" alone when the rows themselves are missing. */
static bool ProbeCoverage_lost(const ProbeSet* set, const Probe* p, int proto, bool noRows, ProbeCoverageKeys* keys) {
   if (noRows) {
      if (!ProbeCoverage_provides(p, "rows", proto))
         return false;
      ProbeCoverage_addOnce(keys, "connections");
      return true;
   }
   bool any = false;
   for (int k = 0; k < p->meta.nProvides; k++) {
      const char* key = p->meta.provides[k];
      if (strchr(key, ':') || strcmp(key, "rows") == 0 || !ProbeCoverage_provides(p, key, proto) ||
          ProbeCoverage_covered(set, key, proto))
         continue;
      ProbeCoverage_addOnce(keys, key);
      any = true;
   }
   return any;
}

/* One protocol's missing columns and the failed probes that have them. */
static void ProbeCoverage_proto(const ProbeSet* set, int proto, Buf* out) {
   ProbeCoverageKeys keys;
   Buf probes;
   Buf_init(&keys.list);
   StrSet_init(&keys.seen);
   Buf_init(&probes);
   bool noRows = !ProbeCoverage_covered(set, "rows", proto);
   for (int i = 0; i < set->count; i++) {
      const Probe* p = set->probes[i];
      bool any = ProbeCoverage_failed(p) && ProbeCoverage_lost(set, p, proto, noRows, &keys);
      if (any)
         Buf_printf(&probes, "%s%s: %s", probes.len ? ", " : "", p->name, Probe_statusName(p->status));
   }
   if (keys.list.len)
      Buf_printf(out, "%s%s %s (%s)", out->len ? "; " : "", ProbeCoverage_protoNames[proto - 1],
                 Buf_cstr(&keys.list), Buf_cstr(&probes));
   Buf_done(&keys.list);
   StrSet_done(&keys.seen);
   Buf_done(&probes);
}

char* ProbeCoverage_missing(const ProbeSet* set) {
   Buf out;
   Buf_init(&out);
   ProbeCoverage_proto(set, COVERAGE_TCP, &out);
   ProbeCoverage_proto(set, COVERAGE_UDP, &out);
   if (!out.len)
      return NULL;
   return Buf_cstr(&out);
}

int ProbeCoverage_check(const ProbeSet* set, char** why) {
   for (int proto = COVERAGE_TCP; proto <= COVERAGE_UDP; proto++) {
      if (ProbeCoverage_covered(set, "rows", proto) &&
          (ProbeCoverage_covered(set, "tx_bytes", proto) || ProbeCoverage_covered(set, "rx_bytes", proto)))
         return 0;
   }
   char* missing = ProbeCoverage_missing(set);
   *why = xAsprintf("no running probe counts the bytes of TCP or UDP rows%s%s; see 'tcptop --list-probes'",
                    missing ? "; without data: " : "", missing ? missing : "");
   free(missing);
   return -1;
}
