/*
 * CommandLine.h: every command-line option declared once in a table (name,
 * argument, help, where it is stored) and parsed by one handler.
 */
#ifndef TCPTOP_COMMANDLINE_H
#define TCPTOP_COMMANDLINE_H

#include <stdbool.h>
#include <stdio.h>

#include "config/Option.h"

/*
 * A [probes] line of the config: "<probe> = on|off" (setting NULL) or
 * "<probe>.<setting> = <integer>", checked against the probes found.
 */
typedef struct ProbeOption_ {
   char* probe;
   char* setting;       /* NULL: enable (value 1) or disable (0) the probe */
   long long value;
   char* where;         /* "FILE:LINE", for messages */
} ProbeOption;

typedef struct Settings_ {
   bool help;
   bool version;
   bool listProbes;
   bool noCache;
   bool dumpConfig;     /* --dump-config */
   char* checkProbe;    /* --check-probe FILE */
   bool probeStats;     /* --probe-stats: kernel BPF run-time statistics */
   char* configFile;    /* -c, --config: read after the system and user files */
   char* cacheDir;
   unsigned avoidHooks; /* --avoid-hooks, [probes] avoid_hooks: enum SettingsHook bits */
   char** probeDirs;    /* --probe-dir, in order given */
   int nProbeDirs;
   /* monitoring */
   bool batch;          /* -b: print intervals instead of the screen */
   double interval;     /* -d, seconds */
   int iterations;      /* -n, 0 = until stopped */
   int format;          /* OutputFormat */
   char* columns;       /* --columns, NULL = default */
   char* sort;          /* --sort, NULL = default */
   char* logFile;       /* --log */
   double udpTimeout;   /* --udp-timeout, seconds */
   /* backend */
   int backend;         /* SETTINGS_BACKEND_* */
   char* readFile;      /* -r: replay a capture file (pcap backend) */
   char* iface;         /* -i: live capture interface (pcap backend) */
   char* replaySpeed;   /* --replay-speed: "max" or a factor; NULL = default */
   /* display (the screen; set from the config's [display]) */
   int units;           /* SETTINGS_UNITS_*: rates in bytes or bits per second */
   int colour;          /* SETTINGS_COLOUR_*; NO_COLOR in the environment means never */
   /* probes (the config's [probes]; last line wins) */
   ProbeOption* probeOptions;
   int nProbeOptions;
   /* filters */
   int pid;             /* 0 = any */
   int port;            /* 0 = any */
   int proto;           /* SETTINGS_PROTO_* */
   bool ipv4;           /* -4 */
   bool ipv6;           /* -6 */
} Settings;

enum { SETTINGS_PROTO_ALL = 0, SETTINGS_PROTO_TCP = 1, SETTINGS_PROTO_UDP = 2 };
enum { SETTINGS_BACKEND_AUTO = 0, SETTINGS_BACKEND_BPF = 1, SETTINGS_BACKEND_PCAP = 2 };
/* Settings.avoidHooks: kinds of hook the probes must not use. */
enum SettingsHook { SETTINGS_HOOK_FENTRY = 1u << 0, SETTINGS_HOOK_KPROBE = 1u << 1, SETTINGS_HOOK_TRACEPOINT = 1u << 2 };
enum { SETTINGS_UNITS_BYTES = 0, SETTINGS_UNITS_BITS = 1 };
enum { SETTINGS_COLOUR_AUTO = 0, SETTINGS_COLOUR_ALWAYS = 1, SETTINGS_COLOUR_NEVER = 2 };

void Settings_init(Settings* this);
void Settings_done(Settings* this);

/* Returns 0, or -1 after printing one error line (the caller exits 2). */
int CommandLine_parse(Settings* settings, int argc, char** argv);
void CommandLine_usage(FILE* out);
/* The entry of a long option, for the config keys that share it; or NULL. */
const OptionEntry* CommandLine_option(const char* name);

#endif
