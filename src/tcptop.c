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
#include "ProbeCoverage.h"
#include "ProbeDiscovery.h"
#include "Screen.h"
#include "XUtils.h"
#include "pcap/Capture.h"

enum { TCPTOP_USAGE_ERROR = -1, TCPTOP_BPF = 0, TCPTOP_PCAP = 1 };

static int tcptop_capture(const Settings* settings);

/* The screen needs a terminal; -b does not. False after one error line. */
static bool tcptop_haveTerminal(const Settings* settings) {
   if (settings->batch || (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)))
      return true;
   XUtils_error("the screen needs a terminal on standard input and output; use -b for batch output (tcptop -b)");
   return false;
}

/* Compiles, applies the config's probe settings, and loads when `load`. On
 * failure the error is printed, or given back in *failure when that is not
 * NULL and nothing can work (rc 1). */
static Platform* tcptop_setup(const Settings* settings, const Paths* paths, ProbeSet* set, bool load, bool attach,
                              int* rc, char** failure) {
   char* err = NULL;
   Platform* platform = Platform_compile(settings, paths, set, &err);
   *rc = 1;
   /* every compiled probe's settings and metrics, for listings and slots */
   if (platform && ProbeConfig_settings(settings, set, true, &err) < 0) {
      Platform_free(platform);
      platform = NULL;
      *rc = 2;
   }
   if (!platform && failure && *rc == 1) {
      *failure = err;
      return NULL;
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
   Platform* platform = tcptop_setup(settings, paths, set, false, false, &rc, NULL);
   if (!platform)
      return rc;
   Config_dump(stdout, settings, set);
   Platform_free(platform);
   return 0;
}

static int tcptop_listProbes(const Settings* settings, const Paths* paths, ProbeSet* set) {
   bool privileged = Privilege_canLoad();
   int rc;
   Platform* platform = tcptop_setup(settings, paths, set, privileged, privileged, &rc, NULL);
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
   Platform* platform = tcptop_setup(settings, paths, set, privileged, privileged, &rc, NULL);
   if (!platform)
      return rc;
   rc = ListProbes_check(stdout, probe, privileged);
   Platform_free(platform);
   return rc;
}

/* eBPF cannot monitor: with --backend auto and capture allowed, the pcap
 * backend instead, said in one line; else why, and exit 1. */
static int tcptop_fallback(const Settings* s, const char* why) {
   if (s->backend != SETTINGS_BACKEND_AUTO || !Privilege_canCapture()) {
      XUtils_error("%s", why);
      return 1;
   }
   XUtils_error("eBPF backend unavailable (%s): capturing packets on any interface with libpcap instead "
                "(--backend pcap)", why);
   return tcptop_capture(s);
}

/* Probes that did not attach, one line each; how many did. */
static int tcptop_attached(const ProbeSet* set) {
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

static int tcptop_monitor(const Settings* settings, const Paths* paths, ProbeSet* set) {
   int rc;
   char* why = NULL;
   Platform* platform = tcptop_setup(settings, paths, set, true, true, &rc, &why);
   if (!platform) {
      if (why)
         rc = tcptop_fallback(settings, why);
      free(why);
      return rc;
   }
   char* stats = NULL;
   if (tcptop_attached(set) == 0)
      why = xStrdup("no probe could be attached: see 'tcptop --list-probes'");
   else if (ProbeCoverage_measures(set, &why))
      why = Platform_readyProblem(platform);
   if (why) {
      /* below, with the probes gone: capture instead (auto), or say why */
   } else if (settings->probeStats && (stats = Platform_enableStats(platform))) {
      XUtils_error("--probe-stats: %s", stats);   /* asked for: not a reason to capture instead */
      rc = 1;
   } else {
      rc = tcptop_view(settings, platform);
   }
   Platform_free(platform);
   if (why)
      rc = tcptop_fallback(settings, why);
   free(stats);
   free(why);
   return rc;
}

/* Flags that need the pcap backend, or a value it checks; one error line. */
static int tcptop_checkCaptureFlags(const Settings* s) {
   if (s->replaySpeed && Capture_parseSpeed(s->replaySpeed) < 0)
      XUtils_error("invalid value '%s' for --replay-speed: must be max or a number from 0.01 to 1000000", s->replaySpeed);
   else if (s->replaySpeed && !s->readFile)
      XUtils_error("--replay-speed paces a replay: it needs -r FILE");
   else if (s->readFile && s->iface)
      XUtils_error("-r FILE replays a capture and -i IFACE captures live: give one of them");
   else if (s->backend == SETTINGS_BACKEND_BPF && (s->readFile || s->iface))
      XUtils_error("%s needs the pcap backend, not --backend bpf", s->readFile ? "-r FILE" : "-i IFACE");
#ifndef HAVE_BPF
   else if (s->backend == SETTINGS_BACKEND_BPF)
      XUtils_error("this tcptop was built without the eBPF backend (configure --disable-bpf): use --backend pcap or -r FILE");
#endif
   else
      return 0;
   return TCPTOP_USAGE_ERROR;
}

/* Which backend monitors: the one asked for, else eBPF when it can load,
 * else live capture (said in one line), or TCPTOP_USAGE_ERROR. */
static int tcptop_backend(const Settings* s) {
   if (tcptop_checkCaptureFlags(s) < 0)
      return TCPTOP_USAGE_ERROR;
   if (s->backend == SETTINGS_BACKEND_BPF)
      return TCPTOP_BPF;
   if (s->backend == SETTINGS_BACKEND_PCAP || s->readFile || s->iface)
      return TCPTOP_PCAP;
#ifdef HAVE_BPF
   if (Privilege_canLoad() || !Privilege_canCapture())
      return TCPTOP_BPF;   /* or its privilege message */
   const char* why = "no CAP_BPF, CAP_PERFMON and CAP_NET_ADMIN";
#else
   const char* why = "built with --disable-bpf";
#endif
#ifdef __linux__
   XUtils_error("eBPF backend unavailable (%s): capturing packets on any interface with libpcap instead "
                "(--backend pcap)", why);
#else
   (void)why;
#endif
   return TCPTOP_PCAP;
}

/* The pcap backend: a capture file replayed, or a live interface. */
static int tcptop_capture(const Settings* settings) {
   if (!tcptop_haveTerminal(settings))
      return 2;
   char* err = NULL;
   Platform* platform = Platform_openCapture(settings, &err);
   if (!platform) {
      XUtils_error("%s", err);
      free(err);
      return 1;
   }
   int rc = tcptop_view(settings, platform);
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

/* The eBPF backend, and what only it does (--list-probes, --dump-config,
 * --check-probe): the probes found, compiled, loaded. */
static int tcptop_bpf(Settings* settings, bool compileOnly) {
   Paths paths;
   Paths_init(&paths);
   ProbeSet set;
   ProbeSet_init(&set);
   if (Privilege_canLoad())
      set.trustedUid = 0;   /* what it finds goes into the kernel: root's files only */
   char* err = NULL;
   int rc = tcptop_checkColumns(settings, &paths, &set);
   if (rc) {
      /* said */
   } else if (!compileOnly && !Privilege_canLoad()) {
      char* msg = Privilege_message();
      XUtils_error("%s", msg);
      free(msg);
      rc = 1;
   } else if (!compileOnly && !tcptop_haveTerminal(settings)) {
      rc = 2;
   } else if ((!set.count && ProbeDiscovery_run(settings, &paths, &set, &err) < 0) ||
              ProbeConfig_select(settings, &set, &err) < 0) {
      XUtils_error("%s", err);
      free(err);
      rc = 2;
   } else if (settings->checkProbe) {
      rc = tcptop_checkProbe(settings, &paths, &set);
   } else if (settings->dumpConfig) {
      rc = tcptop_dumpConfig(settings, &paths, &set);
   } else {
      rc = settings->listProbes ? tcptop_listProbes(settings, &paths, &set) : tcptop_monitor(settings, &paths, &set);
   }
   ProbeSet_done(&set);
   Paths_done(&paths);
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
   bool compileOnly = settings.listProbes || settings.dumpConfig || settings.checkProbe;
   int backend = compileOnly ? TCPTOP_BPF : tcptop_backend(&settings);
   int rc;
   if (backend == TCPTOP_USAGE_ERROR) {
      rc = 2;
   } else {
      rc = backend == TCPTOP_PCAP ? tcptop_capture(&settings) : tcptop_bpf(&settings, compileOnly);
   }
   Settings_done(&settings);
   return rc;
}
