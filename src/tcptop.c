/*
 * tcptop.c: entry point: parse the command line and the config, choose the
 * backend (src/bpf/ when built and allowed, else src/pcap/), and run a view
 * (core/Batch or ui/Screen) over the sampling loop (core/Monitor).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "config/CommandLine.h"
#include "config/Config.h"
#include "core/Backend.h"
#include "core/Batch.h"
#include "core/LogFile.h"
#include "core/Monitor.h"
#include "core/Names.h"
#include "core/Privilege.h"
#include "core/Sandbox.h"
#include "core/XUtils.h"
#include "export/Exporter.h"
#include "pcap/Capture.h"
#include "pcap/PcapBackend.h"
#include "ui/Screen.h"
#ifdef HAVE_BPF
#include "bpf/BpfBackend.h"
#include "bpf/BpfCommands.h"
#endif

enum { TCPTOP_USAGE_ERROR = -1, TCPTOP_BPF = 0, TCPTOP_PCAP = 1 };

static int tcptop_capture(const Settings* settings, LogFile* log, Exporter* exporter);

static bool tcptop_terminal(void) {
   return isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
}

/* The screen needs a terminal; -b and --listen (headless) do not. False
 * after one error line. */
static bool tcptop_haveTerminal(const Settings* settings) {
   if (settings->batch || settings->listen || tcptop_terminal())
      return true;
   XUtils_error("the screen needs a terminal on standard input and output; use -b for batch output (tcptop -b)");
   return false;
}

/* The view: -b's output, the screen, or with --listen and no terminal
 * none (a service: only errors are printed). */
static int tcptop_run(const Settings* settings, Monitor* monitor) {
   if (settings->batch)
      return Batch_run(monitor);
   if (settings->listen && !tcptop_terminal())
      return Batch_serve(monitor);
   return Screen_run(monitor);
}

/* The shared sampling, shown by the batch Output or the screen; the exit
 * status. A continued log is checked again now that the backend's columns
 * (the probes' metrics) are known. */
static int tcptop_view(const Settings* settings, Backend* backend, LogFile* log, Exporter* exporter) {
   ColumnList columns;
   SortOrder sort;
   Monitor monitor;
   char* err = NULL;
   int rc = 0;
   Names_use(&Names_os);   /* the cgroup and netns columns, filters and groups */
   if (Monitor_checkSettings(settings, &columns, &sort, &err) < 0 || LogFile_checkColumns(log, &err) < 0)
      rc = 2;
   else if (Monitor_init(&monitor, settings, backend, log, &err) < 0)
      rc = 1;
   if (rc) {
      XUtils_error("%s", err);
      free(err);
      return rc;
   }
   /* all is open and seeded: root goes before anything from outside is parsed */
   if (Sandbox_enter(settings->user, backend, &err) < 0 || Backend_start(backend, &err) < 0) {
      XUtils_error("%s", err);
      free(err);
      err = NULL;
      Monitor_done(&monitor, &err);
      free(err);
      return 1;
   }
   if (exporter)
      Exporter_attach(exporter, &monitor);
   rc = tcptop_run(settings, &monitor);
   if (Monitor_done(&monitor, &err) < 0) {
      XUtils_error("%s", err);
      free(err);
      rc = 1;
   }
   return rc;
}

#ifdef HAVE_BPF
/* eBPF cannot monitor: with --backend auto and capture allowed, the pcap
 * backend instead, said in one line; else why, and exit 1. */
static int tcptop_fallback(const Settings* s, const char* why, LogFile* log, Exporter* exporter) {
   if (s->backend != SETTINGS_BACKEND_AUTO || !Privilege_canCapture()) {
      XUtils_error("%s", why);
      return 1;
   }
   XUtils_error("eBPF backend unavailable (%s): capturing packets on any interface with libpcap instead "
                "(--backend pcap)", why);
   return tcptop_capture(s, log, exporter);
}

/* The eBPF backend monitors; if it cannot here, capture instead (auto). */
static int tcptop_bpf(const Settings* settings, LogFile* log, Exporter* exporter) {
   if (!Privilege_canLoad()) {
      char* msg = Privilege_loadMessage();
      XUtils_error("%s", msg);
      free(msg);
      return 1;
   }
   if (!tcptop_haveTerminal(settings))
      return 2;
   int rc;
   char* why = NULL;
   Backend* backend = BpfCommands_open(settings, &rc, &why);
   if (backend) {
      rc = tcptop_view(settings, backend, log, exporter);
      Backend_free(backend);
   } else if (why) {
      rc = tcptop_fallback(settings, why, log, exporter);
   }
   free(why);
   return rc;
}
#endif

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
 * else live capture (said in one line). */
static int tcptop_backend(const Settings* s) {
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
static int tcptop_capture(const Settings* settings, LogFile* log, Exporter* exporter) {
   if (!tcptop_haveTerminal(settings))
      return 2;
   char* err = NULL;
   Backend* backend = PcapBackend_open(settings, &err);
   if (!backend) {
      XUtils_error("%s", err);
      free(err);
      return 1;
   }
   int rc = tcptop_view(settings, backend, log, exporter);
   Backend_free(backend);
   return rc;
}

/*
 * Monitoring: the flags checked, the --listen port bound (a bad address or
 * a busy port: exit 2, the log untouched) and the log opened (or refused,
 * exit 2) before any backend is chosen, so before anything is compiled,
 * loaded or captured; then the backend monitors.
 */
static int tcptop_monitor(const Settings* settings) {
   if (tcptop_checkCaptureFlags(settings) < 0)
      return 2;
   char* err = NULL;
   Exporter* exporter = settings->listen ? Exporter_open(settings, &err) : NULL;
   if (settings->listen && !exporter) {
      XUtils_error("%s", err);
      free(err);
      return 2;
   }
   LogFile log;
   int rc = 0;
   if (LogFile_open(&log, settings->logFile, settings->group, &err) < 0) {
      XUtils_error("%s", err);
      free(err);
      rc = log.refused ? 2 : 1;
   } else if (tcptop_backend(settings) == TCPTOP_PCAP)
      rc = tcptop_capture(settings, &log, exporter);
#ifdef HAVE_BPF
   else
      rc = tcptop_bpf(settings, &log, exporter);
#endif
   LogFile_close(&log);
   Exporter_close(exporter);
   return rc;
}

/* --list-probes, --dump-config, --check-probe: only the eBPF backend has probes. */
static int tcptop_probeCommand(const Settings* settings) {
#ifdef HAVE_BPF
   return BpfCommands_run(settings);
#else
   (void)settings;
   XUtils_error("this tcptop was built without the eBPF backend (configure --disable-bpf): it has no probes");
   return 1;
#endif
}

static void tcptop_version(void) {
   printf("tcptop %s\n", PACKAGE_VERSION);
#ifdef HAVE_BPF
   printf("%s\n", BpfBackend_version());
#else
   printf("eBPF backend: not built (--disable-bpf)\n");
#endif
   printf("pcap backend: %s\n", PcapBackend_version());
}

int main(int argc, char** argv) {
   XUtils_tuneMalloc();
   Settings settings;
   Settings_init(&settings);
   char* err = NULL;
   if (Config_loadWithCommandLine(&settings, argc, argv, &err) < 0) {
      XUtils_error("%s", err);
      free(err);
      Settings_done(&settings);
      return 2;
   }
   if (settings.help) {
      CommandLine_usage(stdout);
      return 0;
   }
   if (settings.version) {
      tcptop_version();
      return 0;
   }
   bool compileOnly = settings.listProbes || settings.dumpConfig || settings.checkProbe;
   int rc = compileOnly ? tcptop_probeCommand(&settings) : tcptop_monitor(&settings);
   Settings_done(&settings);
   return rc;
}
