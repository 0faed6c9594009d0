/*
 * BpfCommands.c: the probe set found, checked against the config, compiled
 * and loaded, for monitoring or for the commands that only show probes.
 */
#include "config.h"
#include "bpf/BpfCommands.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpf/BpfBackend.h"
#include "bpf/ListProbes.h"
#include "bpf/ProbeConfig.h"
#include "bpf/ProbeCoverage.h"
#include "bpf/ProbeDiscovery.h"
#include "config/Config.h"
#include "core/Monitor.h"
#include "core/Privilege.h"
#include "core/XUtils.h"

/*
 * --columns and --sort checked before anything is compiled, except that a
 * key the built-in columns lack may be a probe's metric, known only once the
 * probes are loaded: when a probe declares metrics, Monitor_init checks again
 * then. 0, or -1 with *err.
 */
static int BpfCommands_checkColumns(const Settings* settings, BpfBackend* b, char** err) {
   ColumnList columns;
   SortOrder sort;
   if (Monitor_checkSettings(settings, &columns, &sort, err) == 0)
      return 0;
   ProbeSet* set = BpfBackend_probes(b);
   char* discoveryErr = NULL;
   if (ProbeDiscovery_run(settings, BpfBackend_paths(b), set, &discoveryErr) < 0) {
      free(discoveryErr);
      ProbeSet_done(set);   /* reported again, in order, by the discovery that follows */
      ProbeSet_init(set);
   }
   for (int i = 0; i < set->count; i++) {
      const Buf* src = &set->probes[i]->source;
      if (src->data && strstr(src->data, "TCPTOP_METRIC(")) {
         free(*err);
         *err = NULL;
         return 0;
      }
   }
   return -1;
}

/* The probes found (unless the column check found them) and the config's
 * [probes] on/off lines applied. 0, or -1 with *err. */
static int BpfCommands_find(const Settings* settings, BpfBackend* b, char** err) {
   ProbeSet* set = BpfBackend_probes(b);
   if (!set->count && ProbeDiscovery_run(settings, BpfBackend_paths(b), set, err) < 0)
      return -1;
   return ProbeConfig_select(settings, set, err);
}

/*
 * Compiles, applies the config's probe settings, and loads when `load`.
 * 0; or -1 with *err and *rc: 1 when nothing can compile, 2 for a bad
 * [probes] setting.
 */
static int BpfCommands_setup(const Settings* settings, BpfBackend* b, bool load, bool attach, int* rc,
                             char** err) {
   *rc = 1;
   if (BpfBackend_compile(b, err) < 0)
      return -1;
   /* every compiled probe's settings and metrics, for listings and slots */
   if (ProbeConfig_settings(settings, BpfBackend_probes(b), true, err) < 0) {
      *rc = 2;
      return -1;
   }
   if (load)
      BpfBackend_load(b, attach);
   *rc = 0;
   return 0;
}

static int BpfCommands_listProbes(const Settings* settings, BpfBackend* b) {
   bool privileged = Privilege_canLoad();
   char* health = NULL;
   if (privileged && settings->probeStats) {
      char* err = NULL;
      health = ListProbes_measure(b, LISTPROBES_MEASURE_SECONDS, &err);
      if (!health) {
         health = xAsprintf("%s\n", err);   /* the listing goes on: the reason in place of the lines */
         free(err);
      }
   }
   ListProbes_print(stdout, BpfBackend_probes(b), privileged);
   if (health)
      printf("\nProbe health over %d s:\n%s", LISTPROBES_MEASURE_SECONDS, health);
   free(health);
   return 0;
}

/* --check-probe FILE: that probe alone (the others found are disabled, so
 * the config's [probes] still applies to it). */
static int BpfCommands_checkProbe(const Settings* settings, BpfBackend* b) {
   char* err = NULL;
   ProbeSet* set = BpfBackend_probes(b);
   Probe* probe = ProbeSet_addFile(set, settings->checkProbe, &err);
   if (!probe) {
      XUtils_error("%s", err);
      free(err);
      return 1;
   }
   for (int i = 0; i < set->count; i++) {
      if (set->probes[i] != probe && !Probe_failed(set->probes[i]))
         Probe_setStatus(set->probes[i], PROBE_DISABLED, "not checked");
   }
   bool privileged = Privilege_canLoad();
   int rc;
   if (BpfCommands_setup(settings, b, privileged, privileged, &rc, &err) < 0) {
      XUtils_error("%s", err);
      free(err);
      return rc;
   }
   return ListProbes_check(stdout, probe, privileged);
}

static int BpfCommands_dispatch(const Settings* settings, BpfBackend* b) {
   if (settings->checkProbe)
      return BpfCommands_checkProbe(settings, b);
   bool privileged = Privilege_canLoad();
   bool load = settings->listProbes && privileged;
   int rc;
   char* err = NULL;
   if (BpfCommands_setup(settings, b, load, load, &rc, &err) < 0) {
      XUtils_error("%s", err);
      free(err);
      return rc;
   }
   if (settings->listProbes)
      return BpfCommands_listProbes(settings, b);
   Config_dump(stdout, settings);
   ProbeConfig_dump(stdout, settings, BpfBackend_probes(b));
   return 0;
}

int BpfCommands_run(const Settings* settings) {
   BpfBackend* b = BpfBackend_new(settings, Privilege_canLoad());
   char* err = NULL;
   int rc;
   if (BpfCommands_checkColumns(settings, b, &err) < 0 || BpfCommands_find(settings, b, &err) < 0) {
      XUtils_error("%s", err);
      free(err);
      rc = 2;
   } else {
      rc = BpfCommands_dispatch(settings, b);
   }
   BpfBackend_free(b);
   return rc;
}

/* Probes that did not attach, one line each; how many did. */
static int BpfCommands_attached(const ProbeSet* set) {
   int attached = 0;
   for (int i = 0; i < set->count; i++) {
      const Probe* p = set->probes[i];
      if (p->status == PROBE_OK)
         attached++;
      else if (p->status != PROBE_DISABLED)
         XUtils_error("probe %s skipped: %s: %s", p->name, Probe_statusName(p->status),
                      p->message ? p->message : "");
   }
   return attached;
}

/* Loaded and attached: can the probes feed the table? 0, or -1 with *why
 * (eBPF cannot monitor here), or -1 with *rc after an error line. */
static int BpfCommands_ready(const Settings* settings, BpfBackend* b, int* rc, char** why) {
   if (BpfCommands_attached(BpfBackend_probes(b)) == 0) {
      *why = xStrdup("no probe could be attached: see 'tcptop --list-probes'");
      return -1;
   }
   if (ProbeCoverage_check(BpfBackend_probes(b), why) < 0 || BpfBackend_ready(b, why) < 0)
      return -1;
   char* err = NULL;
   if (settings->probeStats && BpfBackend_enableStats(b, &err) < 0) {
      XUtils_error("--probe-stats: %s", err);   /* asked for: not a reason to capture instead */
      free(err);
      *rc = 1;
      return -1;
   }
   return 0;
}

Backend* BpfCommands_open(const Settings* settings, int* rc, char** why) {
   BpfBackend* b = BpfBackend_new(settings, Privilege_canLoad());
   char* err = NULL;
   *rc = 2;
   *why = NULL;
   if (BpfCommands_checkColumns(settings, b, &err) < 0) {
      /* said below */
   } else if (BpfCommands_find(settings, b, &err) == 0) {
      if (BpfCommands_setup(settings, b, true, true, rc, &err) == 0 && BpfCommands_ready(settings, b, rc, why) == 0)
         return BpfBackend_base(b);
      if (*rc == 1 && err) {   /* nothing could compile: eBPF cannot monitor here */
         *why = err;
         err = NULL;
      }
   }
   if (*why)
      *rc = 1;
   if (err)
      XUtils_error("%s", err);
   free(err);
   BpfBackend_free(b);
   return NULL;
}
