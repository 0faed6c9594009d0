/*
 * Settings.h: what tcptop was asked to do, and the option table that
 * declares every setting once (config/Settings.c, like tmux's
 * options-table.c): its command-line option and tcptop.conf key, type,
 * range or choices, default and help. Settings_init applies the defaults;
 * CommandLine, Config and --dump-config read the same entries.
 */
#ifndef TCPTOP_SETTINGS_H
#define TCPTOP_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>

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
   int maxTcp;          /* [probes] max_tcp_connections: entries of tcp_conns, tcp_metrics */
   int maxUdp;          /* [probes] max_udp_flows: entries of udp_flows, udp_counts ... */
   char** probeDirs;    /* --probe-dir, in order given */
   int nProbeDirs;
   /* monitoring */
   bool batch;          /* -b: print intervals instead of the screen */
   double interval;     /* -d, seconds */
   int iterations;      /* -n, 0 = until stopped */
   int format;          /* OutputFormat */
   char* columns;       /* --columns, NULL = default */
   char* sort;          /* --sort; never NULL after Settings_init */
   char* logFile;       /* --log */
   double udpTimeout;   /* --udp-timeout, seconds */
   /* backend */
   int backend;         /* SETTINGS_BACKEND_* */
   char* readFile;      /* -r: replay a capture file (pcap backend) */
   char* iface;         /* -i: live capture interface (pcap backend) */
   char* replaySpeed;   /* --replay-speed: "max" or a factor; NULL = default */
   /* export (src/export/: the Prometheus endpoint) */
   char* listen;        /* --listen, [export] listen: "[ADDR:]PORT"; NULL = no endpoint */
   unsigned exportLabels;   /* [export] labels: SETTINGS_LABEL_* bits beyond proto, direction, comm */
   char* remoteNetworks;    /* [export] remote_networks: CIDRs for the remote label; NULL = none */
   int maxSeries;       /* [export] max_series: series per metric before `other` */
   /* security */
   char* user;          /* --user, [security] user: who tcptop runs as after start-up; NULL = default */
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
   char* cgroup;        /* --cgroup: a short name, a path or a subtree's path; NULL = any */
   char* netns;         /* --netns: an inode or a /run/netns name; NULL = any */
   /* grouping */
   int group;           /* --group, [display] group: GroupKey; GROUP_NONE = connections */
} Settings;

enum { SETTINGS_PROTO_ALL = 0, SETTINGS_PROTO_TCP = 1, SETTINGS_PROTO_UDP = 2 };
enum { SETTINGS_BACKEND_AUTO = 0, SETTINGS_BACKEND_BPF = 1, SETTINGS_BACKEND_PCAP = 2 };
/* Settings.avoidHooks: kinds of hook the probes must not use. */
enum SettingsHook { SETTINGS_HOOK_FENTRY = 1u << 0, SETTINGS_HOOK_KPROBE = 1u << 1, SETTINGS_HOOK_TRACEPOINT = 1u << 2 };
/* Settings.exportLabels: the optional labels of the exported metrics. */
enum SettingsLabel { SETTINGS_LABEL_SERVICE = 1u << 0, SETTINGS_LABEL_REMOTE = 1u << 1, SETTINGS_LABEL_CGROUP = 1u << 2 };
enum { SETTINGS_UNITS_BYTES = 0, SETTINGS_UNITS_BITS = 1 };
enum { SETTINGS_COLOUR_AUTO = 0, SETTINGS_COLOUR_ALWAYS = 1, SETTINGS_COLOUR_NEVER = 2 };

/* Every default of the option table; a string with no default is NULL. */
void Settings_init(Settings* this);
/* Frees the strings and lists of the table's entries and the [probes] lines. */
void Settings_done(Settings* this);

/* --cgroup and --netns values (checked where the filters are set up,
 * Monitor_checkSettings): 0, or -1 with *why. */
int Settings_checkCgroup(const char* value, char** why);
int Settings_checkNetns(const char* value, char** why);

/* The option table, in --help order; sets *count. */
const OptionEntry* Settings_options(size_t* count);

#endif
