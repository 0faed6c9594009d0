/*
 * tcptop.c: entry point: parse the command line, find the probes, then list
 * them or run the monitor.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
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
   if (platform && ProbeConfig_settings(settings, set, settings->dumpConfig, &err) < 0) {
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
   ListProbes_print(stdout, set, privileged);
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
   else
      rc = tcptop_view(settings, platform);
   free(why);
   Platform_free(platform);
   return rc;
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
   ColumnList columns;
   SortOrder sort;
   char* bad = NULL;
   if (Monitor_checkSettings(&settings, &columns, &sort, &bad) < 0) {
      XUtils_error("%s", bad);
      free(bad);
      Settings_done(&settings);
      return 2;
   }
   if (!settings.listProbes && !settings.dumpConfig && !Privilege_canLoad()) {
      char* msg = Privilege_message();
      XUtils_error("%s", msg);
      free(msg);
      return 1;
   }
   if (!settings.listProbes && !settings.dumpConfig && !settings.batch && !(isatty(STDIN_FILENO) && isatty(STDOUT_FILENO))) {
      XUtils_error("the screen needs a terminal on standard input and output; use -b for batch output (tcptop -b)");
      Settings_done(&settings);
      return 2;
   }
   Paths paths;
   Paths_init(&paths);
   ProbeSet set;
   ProbeSet_init(&set);
   char* err = NULL;
   int rc;
   if (ProbeDiscovery_run(&settings, &paths, &set, &err) < 0 || ProbeConfig_select(&settings, &set, &err) < 0) {
      XUtils_error("%s", err);
      free(err);
      rc = 2;
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
