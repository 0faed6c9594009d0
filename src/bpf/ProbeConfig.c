/*
 * ProbeConfig.c: [probes] checked against the probe set.
 */
#include "config.h"
#include "bpf/ProbeConfig.h"

#include <stdlib.h>
#include <string.h>

#include "bpf/ProbeSettings.h"
#include "config/Config.h"
#include "core/XUtils.h"

int ProbeConfig_select(const Settings* settings, ProbeSet* set, char** err) {
   for (int i = 0; i < settings->nProbeOptions; i++) {
      const ProbeOption* o = &settings->probeOptions[i];
      Probe* p = ProbeSet_find(set, o->probe);
      if (!p) {
         char* names = ProbeSet_names(set);
         *err = xAsprintf("%s: unknown probe '%s' in [probes]; probes found: %s", o->where, o->probe, names);
         free(names);
         return -1;
      }
      if (!o->setting && o->value == 0) {
         char* msg = xAsprintf("disabled by the config (%s)", o->where);
         Probe_setStatus(p, PROBE_DISABLED, msg);
         free(msg);
      }
   }
   return 0;
}

/* The range of a setting's type. */
static void ProbeConfig_range(const ProbeSetting* s, long long* min, unsigned long long* max) {
   int bits = s->size * 8;
   if (s->isSigned) {
      *max = bits == 64 ? (unsigned long long)INT64_MAX : (1ULL << (bits - 1)) - 1;
      *min = -(long long)*max - 1;
   } else {
      *min = 0;
      *max = bits == 64 ? (unsigned long long)INT64_MAX : (1ULL << bits) - 1;
   }
}

static int ProbeConfig_one(const ProbeOption* o, Probe* p, char** err) {
   ProbeSetting* s = ProbeSetting_find(p, o->setting);
   if (!s) {
      char* names = Probe_settingNames(p);
      *err = xAsprintf("%s: probe %s has no setting '%s'; its settings: %s", o->where, p->name, o->setting, names);
      free(names);
      return -1;
   }
   long long min;
   unsigned long long max;
   ProbeConfig_range(s, &min, &max);
   if (o->value < min || (o->value > 0 && (unsigned long long)o->value > max)) {
      *err = xAsprintf("%s: invalid value '%lld' for %s.%s in [probes]: must be a whole number from %lld to %llu",
                       o->where, o->value, p->name, s->name, min, max);
      return -1;
   }
   s->value = o->value;
   s->configured = true;
   return 0;
}

int ProbeConfig_settings(const Settings* settings, ProbeSet* set, bool all, char** err) {
   for (int i = 0; all && i < set->count; i++)
      ProbeSettings_fill(set->probes[i]);
   for (int i = 0; i < settings->nProbeOptions; i++) {
      const ProbeOption* o = &settings->probeOptions[i];
      Probe* p = ProbeSet_find(set, o->probe);
      if (!o->setting || !p)
         continue;
      ProbeSettings_fill(p);
      if (p->status != PROBE_COMPILED)
         continue;   /* disabled, or failed: nothing to check it against */
      if (ProbeConfig_one(o, p, err) < 0)
         return -1;
   }
   return 0;
}

static void ProbeConfig_dumpProbe(FILE* out, const Settings* settings, const Probe* p) {
   bool on = true;
   for (int i = 0; i < settings->nProbeOptions; i++) {
      const ProbeOption* o = &settings->probeOptions[i];
      if (!o->setting && strcmp(o->probe, p->name) == 0)
         on = o->value != 0;
   }
   Config_writeComment(out, p->meta.description ? p->meta.description : "(no description)");
   fprintf(out, "%s = %s\n", p->name, on ? "on" : "off");
   for (int i = 0; i < p->nSettings; i++) {
      const ProbeSetting* s = &p->settings[i];
      char* help = xAsprintf("%s%s(%s %d-bit integer; the probe's default is %lld)", s->help ? s->help : "",
                             s->help ? " " : "", s->isSigned ? "signed" : "unsigned", s->size * 8, s->defaultValue);
      Config_writeComment(out, help);
      free(help);
      fprintf(out, "%s.%s = %lld\n", p->name, s->name, s->value);
   }
   /* configured settings of a probe that was not compiled: kept as given */
   for (int i = 0; i < settings->nProbeOptions; i++) {
      const ProbeOption* o = &settings->probeOptions[i];
      if (o->setting && strcmp(o->probe, p->name) == 0 && !ProbeSetting_find(p, o->setting))
         fprintf(out, "# not checked: the probe was not compiled (%s)\n%s.%s = %lld\n", Probe_statusName(p->status),
                 p->name, o->setting, o->value);
   }
}

void ProbeConfig_dump(FILE* out, const Settings* settings, const ProbeSet* set) {
   for (int i = 0; i < set->count; i++)
      ProbeConfig_dumpProbe(out, settings, set->probes[i]);
}
