/*
 * Settings.c: the option table, every setting declared once, and the
 * defaults and freeing it drives. An entry with a name is a command-line
 * option (CommandLine: getopt and --help); one with a section is a key of
 * tcptop.conf (Config: the handler and --dump-config); many are both.
 */
#include "config.h"
#include "config/Settings.h"

#include <stdlib.h>
#include <string.h>

#include "config/NetSpec.h"
#include "core/Column.h"
#include "core/Groups.h"
#include "core/XUtils.h"

static const char* const Settings_formats[] = { "text", "csv", "json", "jsonl", NULL };
static const char* const Settings_protos[] = { "all", "tcp", "udp", NULL };
static const char* const Settings_backends[] = { "auto", "bpf", "pcap", NULL };
/* The order of enum SettingsHook's bits. */
static const char* const Settings_hooks[] = { "fentry", "kprobe", "tracepoint", NULL };
static const char* const Settings_units[] = { "bytes", "bits", NULL };
static const char* const Settings_colours[] = { "auto", "always", "never", NULL };
/* The order of enum SettingsLabel's bits. */
static const char* const Settings_labels[] = { "service", "remote", "cgroup", NULL };

static int Settings_checkColumns(const char* value, char** why) {
   ColumnList list;
   return ColumnList_parse(&list, value, why);
}

static int Settings_checkSort(const char* value, char** why) {
   SortOrder order;
   return SortOrder_parse(&order, value, why);
}

/* The columns a NULL Settings.columns shows: the built-in choice, then
 * every probe's metric (ColumnList_default). */
static void Settings_defaultColumns(Buf* out) {
   ColumnList list;
   ColumnList_default(&list);
   for (int i = 0; i < list.count; i++)
      Buf_printf(out, "%s%s", i ? "," : "", Column_table[list.ids[i]].key);
}

/* Empty is none (emptyIsNone): --dump-config writes it so. */
static int Settings_checkListen(const char* value, char** why) {
   NetListen addr;
   return value[0] ? NetSpec_parseListen(value, &addr, why) : 0;
}

static int Settings_checkNetworks(const char* value, char** why) {
   NetCidrs list;
   int rc = NetSpec_parseCidrs(value, &list, why);
   NetCidrs_done(&list);
   return rc;
}

/* --cgroup: a short name ("ssh.service", a container id) or a path from
 * the cgroup v2 root ("/system.slice"), which also takes what is below. */
int Settings_checkCgroup(const char* value, char** why) {
   if (!value[0] || strlen(value) >= 4096 || strchr(value, '\n')) {
      *why = xStrdup("give a cgroup's short name as the cgroup column shows it, or its path from the cgroup v2 root");
      return -1;
   }
   if (value[0] == '/' && strstr(value, "//")) {
      *why = xAsprintf("'%s' is not a cgroup path: no empty elements (like /system.slice/ssh.service)", value);
      return -1;
   }
   return 0;
}

/* --netns: an inode number (as the netns column shows it) or a name under /run/netns. */
int Settings_checkNetns(const char* value, char** why) {
   bool digits = value[0] && strspn(value, "0123456789") == strlen(value);
   if (!value[0] || strchr(value, '/') || (digits && (strlen(value) > 10 || strtoull(value, NULL, 10) > 0xffffffffull))) {
      *why = xAsprintf("'%s' is not a network namespace: give its inode (ls -iL /proc/PID/ns/net) or its name "
                       "in /run/netns", value);
      return -1;
   }
   return 0;
}

#define OFF(field) offsetof(Settings, field)

/* --help order; within a section, tcptop.conf's order. */
static const OptionEntry Settings_table[] = {
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
     .countOffset = OFF(nProbeDirs), .help = "also load the probes in DIR (repeatable; later ones override by name)" },
   { .name = "avoid-hooks", .section = "probes", .key = "avoid_hooks", .type = OPT_CHOICE_SET, .argName = "LIST",
     .offset = OFF(avoidHooks), .choices = Settings_hooks,
     .help = "kinds of hook the probes must not use: each probe takes its next variant" },
   { .name = "max-tcp-connections", .section = "probes", .key = "max_tcp_connections", .type = OPT_INT,
     .argName = "COUNT", .offset = OFF(maxTcp), .min = 16, .max = 16777216, .def = "262144",
     .help = "TCP connections the kernel maps can track at once, with those closed since the last sample "
             "(set at load time; kernel memory: 24 MiB up front, about 200 bytes per connection tracked)" },
   { .name = "max-udp-flows", .section = "probes", .key = "max_udp_flows", .type = OPT_INT, .argName = "COUNT",
     .offset = OFF(maxUdp), .min = 16, .max = 1048576, .def = "65536",
     .help = "UDP flows (socket and peer) the kernel maps can track at once (kernel memory: 11 MiB up front, "
             "about 300 bytes per flow tracked)" },
   { .name = "cache-dir", .type = OPT_STRING, .argName = "DIR", .offset = OFF(cacheDir),
     .defaultNote = "/var/cache/tcptop as root, else ~/.cache/tcptop", .help = "keep compiled probes in DIR" },
   { .name = "no-cache", .type = OPT_FLAG, .offset = OFF(noCache),
     .help = "compile every probe, neither reading nor writing the cache" },
   { .name = "config", .shortName = 'c', .type = OPT_STRING, .argName = "FILE", .offset = OFF(configFile),
     .help = "also read FILE (after /etc and ~/.config tcptop.conf; flags still win)" },
   { .name = "dump-config", .type = OPT_FLAG, .offset = OFF(dumpConfig),
     .help = "print the effective configuration as a tcptop.conf and exit" },
   { .name = "columns", .section = "display", .key = "columns", .type = OPT_STRING, .argName = "LIST",
     .offset = OFF(columns), .check = Settings_checkColumns, .defaultText = Settings_defaultColumns,
     .help = "columns to show, in order: comma-separated keys, see COLUMNS in tcptop(8)" },
   { .name = "sort", .section = "display", .key = "sort", .type = OPT_STRING, .argName = "COLUMN",
     .offset = OFF(sort), .check = Settings_checkSort, .def = "rate",
     .help = "sort by this column; prefix + for ascending or - for descending" },
   { .name = "delay", .shortName = 'd', .section = "display", .key = "interval", .type = OPT_DOUBLE,
     .argName = "SECONDS", .offset = OFF(interval), .min = 0.05, .max = 3600, .def = "1",
     .help = "seconds between samples; fractions allowed" },
   { .section = "display", .key = "units", .type = OPT_CHOICE, .offset = OFF(units), .choices = Settings_units,
     .def = "bytes", .help = "rates on the screen in bytes or bits per second" },
   { .section = "display", .key = "colour", .alias = "color", .type = OPT_CHOICE, .offset = OFF(colour),
     .choices = Settings_colours, .def = "auto",
     .help = "colours on the screen; NO_COLOR in the environment means never" },
   { .name = "batch", .shortName = 'b', .type = OPT_FLAG, .offset = OFF(batch),
     .help = "batch mode: print the table every interval instead of the screen" },
   { .name = "iterations", .shortName = 'n', .type = OPT_INT, .argName = "COUNT", .offset = OFF(iterations),
     .min = 1, .max = 1e9, .defaultNote = "until stopped",
     .help = "stop after COUNT intervals; the first is printed at once" },
   { .name = "format", .type = OPT_CHOICE, .argName = "FORMAT", .offset = OFF(format), .choices = Settings_formats,
     .def = "text", .help = "batch output: aligned text, csv, json with one object per interval, or jsonl with one "
                            "object per connection per interval and one for each closed connection" },
   { .name = "pid", .type = OPT_INT, .argName = "PID", .offset = OFF(pid), .min = 1, .max = 4194304,
     .help = "only connections of process PID" },
   { .name = "port", .type = OPT_INT, .argName = "PORT", .offset = OFF(port), .min = 1, .max = 65535,
     .help = "only connections with PORT as local or remote port" },
   { .name = "proto", .type = OPT_CHOICE, .argName = "PROTO", .offset = OFF(proto), .choices = Settings_protos,
     .def = "all", .help = "only connections of this protocol" },
   { .name = "ipv4", .shortName = '4', .type = OPT_FLAG, .offset = OFF(ipv4), .help = "only IPv4" },
   { .name = "ipv6", .shortName = '6', .type = OPT_FLAG, .offset = OFF(ipv6), .help = "only IPv6" },
   { .name = "cgroup", .type = OPT_STRING, .argName = "CGROUP", .offset = OFF(cgroup),
     .help = "only connections of processes in CGROUP: its short name (the cgroup column) or its path from the "
             "cgroup v2 root, with the cgroups below it" },
   { .name = "netns", .type = OPT_STRING, .argName = "NETNS", .offset = OFF(netns),
     .help = "only connections in the network namespace NETNS: its inode or its name in /run/netns" },
   { .name = "group", .section = "display", .key = "group", .type = OPT_CHOICE, .argName = "KEY",
     .offset = OFF(group), .choices = Groups_keyNames, .def = "none",
     .help = "one row per process, command, remote (address), port (service), cgroup or netns: connections "
             "counted, bytes, packets and rates summed, the worst retransmits, the RTT range; none: connections" },
   { .name = "log", .section = "log", .key = "file", .type = OPT_STRING, .argName = "FILE", .offset = OFF(logFile),
     .emptyIsNone = true, .help = "also write every interval, and every closed connection, to FILE as CSV: a new file (mode 0600), or a tcptop log with the same columns, continued" },
   { .name = "backend", .type = OPT_CHOICE, .argName = "BACKEND", .offset = OFF(backend),
     .choices = Settings_backends, .def = "auto",
     .help = "bpf (eBPF probes), pcap (packet capture), or auto: bpf when it can load, else pcap" },
   { .name = "read", .shortName = 'r', .type = OPT_STRING, .argName = "FILE", .offset = OFF(readFile),
     .help = "replay a capture file (pcap or pcapng) instead of watching live" },
   { .name = "interface", .shortName = 'i', .type = OPT_STRING, .argName = "IFACE", .offset = OFF(iface),
     .defaultNote = "all interfaces", .help = "capture live on IFACE with libpcap, the pcap backend" },
   { .name = "replay-speed", .type = OPT_STRING, .argName = "N|max", .offset = OFF(replaySpeed),
     .defaultNote = "max with -b, else 1",
     .help = "replay -r at N times the capture's pace, or as fast as it can with max" },
   { .name = "listen", .section = "export", .key = "listen", .type = OPT_STRING, .argName = "[ADDR:]PORT",
     .offset = OFF(listen), .emptyIsNone = true, .check = Settings_checkListen,
     .help = "serve Prometheus metrics on http://ADDR:PORT/metrics (ADDR default 127.0.0.1; IPv6 as [::1]:9100); "
             "without -b and without a terminal, tcptop runs headless as a service" },
   { .section = "export", .key = "labels", .type = OPT_CHOICE_SET, .offset = OFF(exportLabels),
     .choices = Settings_labels,
     .help = "labels the metrics get beside proto, direction and comm: service (the remote port when below the "
             "ephemeral range, else ephemeral), remote (remote_networks), cgroup (the process's)" },
   { .section = "export", .key = "remote_networks", .type = OPT_STRING, .offset = OFF(remoteNetworks),
     .emptyIsNone = true, .check = Settings_checkNetworks,
     .help = "the remote label's buckets: comma-separated CIDRs (10.0.0.0/8, fd00::/8), the first that matches; "
             "others are unlisted" },
   { .section = "export", .key = "max_series", .type = OPT_INT, .offset = OFF(maxSeries), .min = 10,
     .max = 1000000, .def = "1000",
     .help = "series per metric at most (tx and rx count apart); later label sets are counted as other" },
   { .name = "user", .section = "security", .key = "user", .type = OPT_STRING, .argName = "NAME",
     .offset = OFF(user), .emptyIsNone = true, .defaultNote = "the user who ran sudo, else nobody",
     .help = "once started, run as NAME: root is given up (see PRIVILEGES in tcptop(8))" },
   { .name = "udp-timeout", .section = "udp", .key = "idle_timeout", .type = OPT_DOUBLE, .argName = "SECONDS",
     .offset = OFF(udpTimeout), .min = 0.1, .max = 86400, .def = "30",
     .help = "seconds after which an idle UDP flow is forgotten" },
};

const OptionEntry* Settings_options(size_t* count) {
   *count = ARRAY_SIZE(Settings_table);
   return Settings_table;
}

void Settings_init(Settings* this) {
   memset(this, 0, sizeof(*this));
   for (size_t i = 0; i < ARRAY_SIZE(Settings_table); i++) {
      const OptionEntry* o = &Settings_table[i];
      char* why = NULL;
      if (o->def && Option_store(this, o, o->def, &why) < 0)
         XUtils_fatal(1, "the default '%s' of %s is invalid: %s", o->def, o->name ? o->name : o->key, why);
   }
}

/* A string or list entry's memory. */
static void Settings_free(Settings* this, const OptionEntry* o) {
   char** field = (char**)((char*)this + o->offset);
   if (o->type == OPT_STRING) {
      free(*field);
   } else if (o->type == OPT_STRING_LIST) {
      char** list = *(char***)field;
      int count = *(int*)((char*)this + o->countOffset);
      for (int i = 0; i < count; i++)
         free(list[i]);
      free(list);
   }
}

void Settings_done(Settings* this) {
   for (size_t i = 0; i < ARRAY_SIZE(Settings_table); i++)
      Settings_free(this, &Settings_table[i]);
   for (int i = 0; i < this->nProbeOptions; i++) {
      free(this->probeOptions[i].probe);
      free(this->probeOptions[i].setting);
      free(this->probeOptions[i].where);
   }
   free(this->probeOptions);
   memset(this, 0, sizeof(*this));
}
