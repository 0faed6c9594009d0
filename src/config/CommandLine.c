/*
 * CommandLine.c: the option table and its one parser (getopt_long).
 */
#include "config.h"
#include "config/CommandLine.h"

#include <getopt.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "config/Option.h"
#include "core/XUtils.h"

static const char* const CommandLine_formats[] = { "text", "csv", "json", NULL };
static const char* const CommandLine_protos[] = { "all", "tcp", "udp", NULL };
static const char* const CommandLine_backends[] = { "auto", "bpf", "pcap", NULL };
/* The order of enum SettingsHook's bits. */
static const char* const CommandLine_hooks[] = { "fentry", "kprobe", "tracepoint", NULL };

#define OFF(field) offsetof(Settings, field)

static const OptionEntry CommandLine_options[] = {
   { .name = "help", .shortName = 'h', .type = OPT_FLAG, .offset = OFF(help),
     .help = "show this help and exit" },
   { .name = "version", .shortName = 'V', .type = OPT_FLAG, .offset = OFF(version),
     .help = "show the version and exit" },
   { .name = "list-probes", .type = OPT_FLAG, .offset = OFF(listProbes),
     .help = "list the probes, where they come from, and their status on this kernel" },
   { .name = "check-probe", .type = OPT_STRING, .argName = "FILE", .offset = OFF(checkProbe),
     .help = "compile, load and unload the probe FILE, print its metrics and settings; exit 0 if good, 1 if not" },
   { .name = "probe-stats", .type = OPT_FLAG, .offset = OFF(probeStats),
     .help = "measure each probe's events per second and cost (kernel BPF statistics, while tcptop runs)" },
   { .name = "probe-dir", .type = OPT_STRING_LIST, .argName = "DIR", .offset = OFF(probeDirs),
     .countOffset = OFF(nProbeDirs),
     .help = "also load the probes in DIR (repeatable; later ones override by name)" },
   { .name = "avoid-hooks", .type = OPT_CHOICE_SET, .argName = "LIST", .offset = OFF(avoidHooks),
     .choices = CommandLine_hooks,
     .help = "never use these kinds of hook (fentry, kprobe, tracepoint): probes take their other variants" },
   { .name = "cache-dir", .type = OPT_STRING, .argName = "DIR", .offset = OFF(cacheDir),
     .help = "keep compiled probes in DIR (default /var/cache/tcptop as root)" },
   { .name = "no-cache", .type = OPT_FLAG, .offset = OFF(noCache),
     .help = "compile every probe, neither reading nor writing the cache" },
   { .name = "config", .shortName = 'c', .type = OPT_STRING, .argName = "FILE", .offset = OFF(configFile),
     .help = "also read FILE (after /etc and ~/.config tcptop.conf; flags still win)" },
   { .name = "dump-config", .type = OPT_FLAG, .offset = OFF(dumpConfig),
     .help = "print the effective configuration as a tcptop.conf and exit" },
   { .name = "batch", .shortName = 'b', .type = OPT_FLAG, .offset = OFF(batch),
     .help = "batch mode: print the table every interval instead of the screen" },
   { .name = "delay", .shortName = 'd', .type = OPT_DOUBLE, .argName = "SECONDS", .offset = OFF(interval),
     .min = 0.05, .max = 3600, .help = "interval between samples (default 1; fractions allowed)" },
   { .name = "iterations", .shortName = 'n', .type = OPT_INT, .argName = "COUNT", .offset = OFF(iterations),
     .min = 1, .max = 1e9, .help = "stop after COUNT intervals (the first is printed at once)" },
   { .name = "format", .type = OPT_CHOICE, .argName = "FORMAT", .offset = OFF(format),
     .choices = CommandLine_formats, .help = "batch output: text (default), csv or json (one object per line)" },
   { .name = "columns", .type = OPT_STRING, .argName = "LIST", .offset = OFF(columns),
     .help = "columns to show, comma-separated keys (see COLUMNS in tcptop(8))" },
   { .name = "sort", .type = OPT_STRING, .argName = "COLUMN", .offset = OFF(sort),
     .help = "sort by COLUMN (default rate); prefix + ascending or - descending" },
   { .name = "pid", .type = OPT_INT, .argName = "PID", .offset = OFF(pid), .min = 1, .max = 4194304,
     .help = "only connections of process PID" },
   { .name = "port", .type = OPT_INT, .argName = "PORT", .offset = OFF(port), .min = 1, .max = 65535,
     .help = "only connections with PORT as local or remote port" },
   { .name = "proto", .type = OPT_CHOICE, .argName = "PROTO", .offset = OFF(proto),
     .choices = CommandLine_protos, .help = "only tcp or udp (default all)" },
   { .name = "ipv4", .shortName = '4', .type = OPT_FLAG, .offset = OFF(ipv4), .help = "only IPv4" },
   { .name = "ipv6", .shortName = '6', .type = OPT_FLAG, .offset = OFF(ipv6), .help = "only IPv6" },
   { .name = "log", .type = OPT_STRING, .argName = "FILE", .offset = OFF(logFile),
     .help = "also write every interval, and every closed connection, to FILE as CSV (mode 0600)" },
   { .name = "backend", .type = OPT_CHOICE, .argName = "BACKEND", .offset = OFF(backend),
     .choices = CommandLine_backends,
     .help = "bpf (eBPF probes), pcap (packet capture) or auto (default: bpf when it can load, else pcap)" },
   { .name = "read", .shortName = 'r', .type = OPT_STRING, .argName = "FILE", .offset = OFF(readFile),
     .help = "replay a capture file (pcap or pcapng) instead of watching live" },
   { .name = "interface", .shortName = 'i', .type = OPT_STRING, .argName = "IFACE", .offset = OFF(iface),
     .help = "capture live on IFACE with libpcap (the pcap backend; default any)" },
   { .name = "replay-speed", .type = OPT_STRING, .argName = "N|max", .offset = OFF(replaySpeed),
     .help = "replay -r at N times the capture's pace, or max (default: max with -b, else 1)" },
   { .name = "udp-timeout", .type = OPT_DOUBLE, .argName = "SECONDS", .offset = OFF(udpTimeout),
     .min = 0.1, .max = 86400, .help = "forget a UDP flow idle this long (default 30)" },
};

void Settings_init(Settings* this) {
   memset(this, 0, sizeof(*this));
   this->interval = 1.0;
   this->udpTimeout = 30.0;
}

void Settings_done(Settings* this) {
   free(this->cacheDir);
   free(this->columns);
   free(this->sort);
   free(this->logFile);
   free(this->configFile);
   free(this->checkProbe);
   free(this->readFile);
   free(this->iface);
   free(this->replaySpeed);
   for (int i = 0; i < this->nProbeOptions; i++) {
      free(this->probeOptions[i].probe);
      free(this->probeOptions[i].setting);
      free(this->probeOptions[i].where);
   }
   free(this->probeOptions);
   for (int i = 0; i < this->nProbeDirs; i++)
      free(this->probeDirs[i]);
   free(this->probeDirs);
   memset(this, 0, sizeof(*this));
}

void CommandLine_usage(FILE* out) {
   fprintf(out, "Usage: tcptop [OPTION]...\n"
                "Live per-connection TCP and UDP statistics from eBPF probes compiled at start-up.\n\n");
   for (size_t i = 0; i < ARRAY_SIZE(CommandLine_options); i++) {
      const OptionEntry* o = &CommandLine_options[i];
      char left[64];
      snprintf(left, sizeof(left), "%s%c%s--%s%s%s", o->shortName ? "-" : "", o->shortName ? o->shortName : ' ',
               o->shortName ? ", " : "  ", o->name, o->argName ? " " : "", o->argName ? o->argName : "");
      fprintf(out, "  %-28s %s\n", o->shortName ? left : left + 1, o->help);
   }
   fprintf(out, "\nProbes: built-in ones, then %s/tcptop/probes.d, then each --probe-dir.\n"
                "Config: %s/tcptop/tcptop.conf, then ~/.config/tcptop/tcptop.conf\n"
                "($XDG_CONFIG_HOME), then -c FILE; options on the command line win.\n"
                "See tcptop(8).\n", SYSCONFDIR, SYSCONFDIR);
}

const OptionEntry* CommandLine_option(const char* name) {
   for (size_t i = 0; i < ARRAY_SIZE(CommandLine_options); i++) {
      if (strcmp(CommandLine_options[i].name, name) == 0)
         return &CommandLine_options[i];
   }
   return NULL;
}

static int CommandLine_store(Settings* s, const OptionEntry* o, const char* arg) {
   char* why = NULL;
   if (Option_store(s, o, arg, &why) == 0)
      return 0;
   XUtils_error("invalid value '%s' for --%s: %s", arg, o->name, why);
   free(why);
   return -1;
}

int CommandLine_parse(Settings* settings, int argc, char** argv) {
   enum { N = ARRAY_SIZE(CommandLine_options) };
   struct option longOpts[N + 1];
   char shortOpts[3 * N + 2] = ":";
   for (size_t i = 0; i < N; i++) {
      const OptionEntry* o = &CommandLine_options[i];
      longOpts[i] = (struct option){ o->name, o->type == OPT_FLAG ? no_argument : required_argument, NULL, 256 + (int)i };
      if (o->shortName) {
         size_t l = strlen(shortOpts);
         shortOpts[l] = o->shortName;
         shortOpts[l + 1] = '\0';
         if (o->type != OPT_FLAG)
            strcat(shortOpts, ":");
      }
   }
   longOpts[N] = (struct option){ 0 };
   opterr = 0;
   optind = 1;
   for (int c; (c = getopt_long(argc, argv, shortOpts, longOpts, NULL)) != -1;) {
      if (c == '?' || c == ':') {
         const char* bad = argv[optind - 1];
         XUtils_error("%s '%s'; try 'tcptop --help'", c == '?' ? "unknown option" : "missing argument for", bad);
         return -1;
      }
      for (size_t i = 0; i < N; i++) {
         if ((c == 256 + (int)i || c == CommandLine_options[i].shortName) &&
             CommandLine_store(settings, &CommandLine_options[i], optarg) < 0)
            return -1;
      }
   }
   if (optind < argc) {
      XUtils_error("unexpected argument '%s'; try 'tcptop --help'", argv[optind]);
      return -1;
   }
   return 0;
}
