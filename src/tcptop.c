/*
 * tcptop.c: entry point: parse the command line, find the probes, then list
 * them or run the monitor.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "Batch.h"
#include "CommandLine.h"
#include "Config.h"
#include "ListProbes.h"
#include "Monitor.h"
#include "Paths.h"
#include "Platform.h"
#include "Privilege.h"
#include "Probe.h"
#include "ProbeConfig.h"
#include "ProbeDiscovery.h"
#include "Screen.h"
#include "XUtils.h"

/* Compiles, applies the config's probe settings, and loads when `load`. */
static Platform* tcptop_setup(const Settings* settings, const Paths* paths, ProbeSet* set, bool load, bool attach,
                              int* rc) {
   char* err = NULL;
   Platform* platform = Platform_compile(settings, paths, set, &err);
   *rc = 1;
   /* every compiled probe's settings and metrics, for listings and slots */
   if (platform && ProbeConfig_settings(settings, set, true, &err) < 0) {
      Platform_free(platform);
      platform = NULL;
      *rc = 2;
   }
   if (!platform) {
      XUtils_error("%s", err);
      free(err);
      return NULL;
   }
   if (load)
      Platform_load(platform, set, attach);
   *rc = 0;
   return platform;
}

static int tcptop_dumpConfig(const Settings* settings, const Paths* paths, ProbeSet* set) {
   int rc;
   Platform* platform = tcptop_setup(settings, paths, set, false, false, &rc);
   if (!platform)
      return rc;
   Config_dump(stdout, settings, set);
   Platform_free(platform);
   return 0;
}

static int tcptop_listProbes(const Settings* settings, const Paths* paths, ProbeSet* set) {
   bool privileged = Privilege_canLoad();
   int rc;
   Platform* platform = tcptop_setup(settings, paths, set, privileged, privileged, &rc);
   if (!platform)
      return rc;
   char* health = NULL;
   if (privileged && settings->probeStats)
      health = ListProbes_measure(platform, LISTPROBES_MEASURE_SECONDS);
   ListProbes_print(stdout, set, privileged);
   if (health)
      printf("\nProbe health over %d s:\n%s", LISTPROBES_MEASURE_SECONDS, health);
   free(health);
   Platform_free(platform);
   return 0;
}

/* The shared sampling, shown by the batch Output or the screen. */
static int tcptop_view(const Settings* settings, Platform* platform) {
   Monitor monitor;
   int rc = Monitor_init(&monitor, settings, platform);
   if (rc)
      return rc;
   rc = settings->batch ? Batch_run(&monitor) : Screen_run(&monitor);
   return Monitor_done(&monitor, rc);
}

/* --check-probe FILE: that probe alone (the others found are disabled, so
 * the config's [probes] still applies to it). */
static int tcptop_checkProbe(const Settings* settings, const Paths* paths, ProbeSet* set) {
   char* err = NULL;
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
   Platform* platform = tcptop_setup(settings, paths, set, privileged, privileged, &rc);
   if (!platform)
      return rc;
   rc = ListProbes_check(stdout, probe, privileged);
   Platform_free(platform);
   return rc;
}

static int tcptop_monitor(const Settings* settings, const Paths* paths, ProbeSet* set) {
   int rc;
   Platform* platform = tcptop_setup(settings, paths, set, true, true, &rc);
   if (!platform)
      return rc;
   int attached = 0;
   for (int i = 0; i < set->count; i++) {
      Probe* p = set->probes[i];
      if (p->status == PROBE_OK)
         attached++;
      else if (p->status != PROBE_DISABLED)
         XUtils_error("probe %s skipped: %s: %s", p->name, Probe_statusName(p->status),
                      p->message ? p->message : "");
   }
   rc = 1;
   char* why = NULL;
   if (attached == 0)
      XUtils_error("no probe could be attached: see 'tcptop --list-probes'");
   else if ((why = Platform_readyProblem(platform)))
      XUtils_error("%s", why);
   else if (settings->probeStats && (why = Platform_enableStats(platform)))
      XUtils_error("--probe-stats: %s", why);
   else
      rc = tcptop_view(settings, platform);
   free(why);
   Platform_free(platform);
   return rc;
}

/*
 * --columns and --sort checked before anything is compiled, except that a
 * key the built-in columns lack may be a probe's metric, known only once the
 * probes are loaded: when a probe declares metrics, Monitor_run checks again
 * then. Returns 0, or the exit status after one error line.
 */
static int tcptop_checkColumns(const Settings* settings, const Paths* paths, ProbeSet* set) {
   ColumnList columns;
   SortOrder sort;
   char* bad = NULL;
   if (Monitor_checkSettings(settings, &columns, &sort, &bad) == 0)
      return 0;
   char* err = NULL;
   if (ProbeDiscovery_run(settings, paths, set, &err) < 0) {
      free(err);
      ProbeSet_done(set);   /* reported again, in order, by the caller's discovery */
   }
   for (int i = 0; i < set->count; i++) {
      const Buf* src = &set->probes[i]->source;
      if (src->data && strstr(src->data, "TCPTOP_METRIC(")) {
         free(bad);
         return 0;
      }
   }
   XUtils_error("%s", bad);
   free(bad);
   return 2;
}

int main(int argc, char** argv) {
   Settings settings;
   Settings_init(&settings);
   if (Config_loadWithCommandLine(&settings, argc, argv) < 0) {
      Settings_done(&settings);
      return 2;
   }
   if (settings.help) {
      CommandLine_usage(stdout);
      return 0;
   }
   if (settings.version) {
      printf("tcptop %s\n%s\n", PACKAGE_VERSION, Platform_versions());
      return 0;
   }
   Paths paths;
   Paths_init(&paths);
   ProbeSet set;
   ProbeSet_init(&set);
   if (Privilege_canLoad())
      set.trustedUid = 0;   /* what it finds goes into the kernel: root's files only */
   char* err = NULL;
   int rc = tcptop_checkColumns(&settings, &paths, &set);
   if (rc) {
      ProbeSet_done(&set);
      Paths_done(&paths);
      Settings_done(&settings);
      return rc;
   }
   bool compileOnly = settings.listProbes || settings.dumpConfig || settings.checkProbe;
   if (!compileOnly && !Privilege_canLoad()) {
      char* msg = Privilege_message();
      XUtils_error("%s", msg);
      free(msg);
      rc = 1;
   } else if (!compileOnly && !settings.batch && !(isatty(STDIN_FILENO) && isatty(STDOUT_FILENO))) {
      XUtils_error("the screen needs a terminal on standard input and output; use -b for batch output (tcptop -b)");
      rc = 2;
   } else if ((!set.count && ProbeDiscovery_run(&settings, &paths, &set, &err) < 0) ||
              ProbeConfig_select(&settings, &set, &err) < 0) {
      XUtils_error("%s", err);
      free(err);
      rc = 2;
   } else if (settings.checkProbe) {
      rc = tcptop_checkProbe(&settings, &paths, &set);
   } else if (settings.dumpConfig) {
      rc = tcptop_dumpConfig(&settings, &paths, &set);
   } else {
      rc = settings.listProbes ? tcptop_listProbes(&settings, &paths, &set) : tcptop_monitor(&settings, &paths, &set);
   }
   ProbeSet_done(&set);
   Paths_done(&paths);
   Settings_done(&settings);
   return rc;
}
