/* tcptop.conf: valid files, every kind of error message exactly, the order
 * system < user < -c < flags, [probes] against a probe set, --dump-config read
 * back, and Config_saveDisplay (comments kept, atomic, mode 0600). */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "config/CommandLine.h"
#include "config/Config.h"
#include "core/XUtils.h"
#ifdef HAVE_BPF
#include "bpf/ProbeConfig.h"
#endif
#include "check.h"

static char root[] = "/tmp/tcptop-test-config-XXXXXX";

static char* writeFile(const char* name, const char* text) {
   char* path = xAsprintf("%s/%s", root, name);
   FILE* f = fopen(path, "w");
   fputs(text, f);
   fclose(f);
   return path;
}

static char* readText(const char* path) {
   Buf b;
   Buf_init(&b);
   if (XUtils_readFile(path, &b) != 0) {
      Buf_done(&b);
      return NULL;
   }
   return Buf_cstr(&b);
}

/* Loads `text` as c.conf into fresh settings; returns the error or NULL. */
static char* loadError(const char* text) {
   char* path = writeFile("c.conf", text);
   Settings s;
   Settings_init(&s);
   char* err = NULL;
   int rc = Config_loadFile(&s, path, true, &err);
   Settings_done(&s);
   free(path);
   CHECK((rc < 0) == (err != NULL));
   return err;
}

/* The error for `text` must be exactly "<root>/c.conf:<expected>". */
#define CHECK_ERROR(text, expected) do { \
   char* e_ = loadError(text); \
   char* want_ = xAsprintf("%s/c.conf:%s", root, expected); \
   CHECK_STR(e_, want_); \
   free(e_); \
   free(want_); \
} while (0)

static void test_valid(void) {
   char* path = writeFile("valid.conf",
      "# a comment\n; another\n\n[display]\ncolumns = proto, pid ,comm\nsort = -pid\n  interval = 0.25\n"
      "units = bits\ncolor = never\n[udp]\nidle_timeout = 12.5\n[log]\nfile = /tmp/x.csv\n"
      "[display]\nsort = +comm   ; later wins\n[probes]\nsock_io = off\nsock_io = on\nflow_skb.every = 7\n"
      "flow_skb.every = -8\ntcp_open = off\n");
   Settings s;
   Settings_init(&s);
   char* err = NULL;
   CHECK(Config_loadFile(&s, path, true, &err) == 0);
   CHECK_STR(err ? err : "", "");
   CHECK_STR(s.columns, "proto, pid ,comm");
   CHECK_STR(s.sort, "+comm");
   CHECK(s.interval == 0.25);
   CHECK(s.units == SETTINGS_UNITS_BITS);
   CHECK(s.colour == SETTINGS_COLOUR_NEVER);
   CHECK(s.udpTimeout == 12.5);
   CHECK_STR(s.logFile, "/tmp/x.csv");
   CHECK(s.nProbeOptions == 3);
   if (s.nProbeOptions == 3) {
      CHECK_STR(s.probeOptions[0].probe, "sock_io");
      CHECK(!s.probeOptions[0].setting && s.probeOptions[0].value == 1);
      char* where = xAsprintf("%s:18", path);
      CHECK_STR(s.probeOptions[0].where, where);
      free(where);
      CHECK_STR(s.probeOptions[1].setting, "every");
      CHECK(s.probeOptions[1].value == -8);
      CHECK(s.probeOptions[2].value == 0);
   }
   /* an empty [log] file means none */
   char* empty = writeFile("empty.conf", "[log]\nfile =\n[display]\ncolour = always\n");
   CHECK(Config_loadFile(&s, empty, true, &err) == 0);
   CHECK(s.logFile == NULL);
   CHECK(s.colour == SETTINGS_COLOUR_ALWAYS);
   /* a missing optional file is fine, a missing -c file is not */
   char* none = xAsprintf("%s/none.conf", root);
   CHECK(Config_loadFile(&s, none, false, &err) == 0);
   CHECK(Config_loadFile(&s, none, true, &err) < 0);
   char* want = xAsprintf("cannot read the config file %s: No such file or directory", none);
   CHECK_STR(err, want);
   free(want);
   free(err);
   Settings_done(&s);
   free(none);
   free(empty);
   free(path);
}

static void test_errors(void) {
   CHECK_ERROR("[display]\n[bogus]\n", "2: unknown section [bogus]; valid sections: [display], [udp], [log], [probes]");
   CHECK_ERROR("[display]\nsize = 3\n", "2: unknown key 'size' in [display]; valid keys: columns, sort, interval, units, colour");
   CHECK_ERROR("[udp]\ntimeout = 3\n", "2: unknown key 'timeout' in [udp]; valid keys: idle_timeout");
   CHECK_ERROR("[log]\npath = x\n", "2: unknown key 'path' in [log]; valid keys: file");
   CHECK_ERROR("\ninterval = 2\n", "2: 'interval' is outside any section; put it under one of [display], [udp], [log], [probes]");
   CHECK_ERROR("[display]\ninterval\n", "2: cannot parse this line: expected [section], key = value, or a comment (# or ;)");
   CHECK_ERROR("[display\n", "1: cannot parse this line: expected [section], key = value, or a comment (# or ;)");
   CHECK_ERROR("[display]\ninterval = fast\n", "2: invalid value 'fast' for interval in [display]: must be a number from 0.05 to 3600");
   CHECK_ERROR("[display]\ninterval = 0.01\n", "2: invalid value '0.01' for interval in [display]: must be a number from 0.05 to 3600");
   CHECK_ERROR("[display]\ninterval = 3601\n", "2: invalid value '3601' for interval in [display]: must be a number from 0.05 to 3600");
   CHECK_ERROR("[udp]\nidle_timeout = 0\n", "2: invalid value '0' for idle_timeout in [udp]: must be a number from 0.1 to 86400");
   CHECK_ERROR("[display]\nunits = kB\n", "2: invalid value 'kB' for units in [display]: valid values are bytes, bits");
   CHECK_ERROR("[display]\ncolour = pink\n", "2: invalid value 'pink' for colour in [display]: valid values are auto, always, never");
   CHECK_ERROR("[display]\ncolumns = proto,bytes\n", "2: invalid value 'proto,bytes' for columns in [display]: unknown column "
               "'bytes'; valid columns: time, proto, laddr, lport, raddr, rport, pid, comm, user, state, tx_bytes, rx_bytes, "
               "tx_rate, rx_rate, rate, tx_packets, rx_packets, rtt_us, retrans, age_s");
   CHECK_ERROR("[display]\ncolumns =\n", "2: invalid value '' for columns in [display]: no columns given; list column keys "
               "separated by commas");
   CHECK_ERROR("[display]\nsort = -speed\n", "2: invalid value '-speed' for sort in [display]: unknown sort column '-speed'; "
               "valid columns: time, proto, laddr, lport, raddr, rport, pid, comm, user, state, tx_bytes, rx_bytes, tx_rate, "
               "rx_rate, rate, tx_packets, rx_packets, rtt_us, retrans, age_s (prefix + or - for the direction)");
   CHECK_ERROR("[probes]\nsock_io = no\n", "2: invalid value 'no' for sock_io in [probes]: valid values are on, off");
   CHECK_ERROR("[probes]\nsock_io.every = 1.5\n", "2: invalid value '1.5' for sock_io.every in [probes]: must be a whole number");
   CHECK_ERROR("[probes]\nsock io = on\n", "2: invalid key 'sock io' in [probes]: use <probe> = on|off or <probe>.<setting> = <integer>");
   CHECK_ERROR("[probes]\nsock_io. = 1\n", "2: invalid key 'sock_io.' in [probes]: use <probe> = on|off or <probe>.<setting> = <integer>");
   /* the first error is the one reported */
   CHECK_ERROR("[display]\nunits = x\ncolour = y\n", "2: invalid value 'x' for units in [display]: valid values are bytes, bits");
   char longLine[400];
   memset(longLine, 'a', sizeof(longLine));
   memcpy(longLine, "[log]\nfile = ", 13);
   strcpy(longLine + 380, "\n");
   CHECK_ERROR(longLine, "2: line longer than 197 characters");
}

/* system < user < -c < flags, through the paths and through the environment */
static void test_precedence(void) {
   char* sys = writeFile("system.conf", "[display]\ninterval = 2\nunits = bits\nsort = pid\ncolumns = pid\n"
                                        "[udp]\nidle_timeout = 5\n");
   char* user = writeFile("user.conf", "[display]\ninterval = 3\nsort = comm\n");
   char* cli = writeFile("cli.conf", "[display]\ninterval = 4\n[udp]\nidle_timeout = 6\n");
   Settings s;
   Settings_init(&s);
   char* err = NULL;
   CHECK(Config_load(&s, sys, user, cli, &err) == 0);
   CHECK(s.interval == 4 && s.udpTimeout == 6);
   CHECK(s.units == SETTINGS_UNITS_BITS);
   CHECK_STR(s.sort, "comm");
   CHECK_STR(s.columns, "pid");
   char* argv[] = { "tcptop", "-d", "5", "--columns", "proto", NULL };
   CHECK(CommandLine_parse(&s, 5, argv) == 0);
   CHECK(s.interval == 5);
   CHECK_STR(s.columns, "proto");
   CHECK_STR(s.sort, "comm");
   Settings_done(&s);
   Settings_init(&s);
   CHECK(Config_load(&s, sys, user, NULL, &err) == 0);
   CHECK(s.interval == 3 && s.udpTimeout == 5);
   Settings_done(&s);

   /* main()'s order: XDG_CONFIG_HOME's file, -c, then the flags */
   char* xdg = xAsprintf("%s/xdg", root);
   char* dir = xAsprintf("%s/tcptop", xdg);
   mkdir(xdg, 0700);
   mkdir(dir, 0700);
   char* userFile = xAsprintf("%s/tcptop.conf", dir);
   rename(user, userFile);
   setenv("XDG_CONFIG_HOME", xdg, 1);
   char* userPath = Config_userPath();
   CHECK_STR(userPath, userFile);
   Settings_init(&s);
   char* argv2[] = { "tcptop", "-c", cli, "-d", "7", NULL };
   CHECK(Config_loadWithCommandLine(&s, 5, argv2) == 0);
   CHECK(s.interval == 7 && s.udpTimeout == 6);
   CHECK_STR(s.sort, "comm");
   Settings_done(&s);
   Settings_init(&s);
   char* argv3[] = { "tcptop", "--config", cli, NULL };
   CHECK(Config_loadWithCommandLine(&s, 3, argv3) == 0);
   CHECK(s.interval == 4);
   Settings_done(&s);
   unsetenv("XDG_CONFIG_HOME");
   setenv("HOME", "/home/someone", 1);
   char* homePath = Config_userPath();
   CHECK_STR(homePath, "/home/someone/.config/tcptop/tcptop.conf");
   free(homePath);
   free(userPath);
   free(userFile);
   free(dir);
   free(xdg);
   free(sys);
   free(user);
   free(cli);
}

#ifdef HAVE_BPF
/* The probe lines need the eBPF backend's probe set. */
static Probe* fakeSettings(ProbeSet* set, const char* name) {
   Probe* p = ProbeSet_find(set, name);
   ProbeSetting every = { .name = "every", .size = 4, .defaultValue = 1, .value = 1 };
   ProbeSetting delta = { .name = "delta", .size = 1, .isSigned = true, .defaultValue = -2, .value = -2 };
   Probe_addSetting(p, &every);
   Probe_addSetting(p, &delta);
   p->status = PROBE_COMPILED;   /* as if compiled: settings already read */
   p->settingsRead = true;
   return p;
}

static char* probeError(ProbeSet* set, const char* text) {
   char* path = writeFile("p.conf", text);
   Settings s;
   Settings_init(&s);
   char* err = NULL;
   CHECK(Config_loadFile(&s, path, true, &err) == 0);
   if (ProbeConfig_select(&s, set, &err) == 0)
      ProbeConfig_settings(&s, set, false, &err);
   Settings_done(&s);
   free(path);
   return err;
}

#define CHECK_PROBE_ERROR(set, text, expected) do { \
   char* e_ = probeError(set, text); \
   char* want_ = xAsprintf("%s/p.conf:%s", root, expected); \
   CHECK_STR(e_, want_); \
   free(e_); \
   free(want_); \
} while (0)

/* [probes] against the built-in probes; settings faked on sock_io. */
static void test_probes(void) {
   ProbeSet set;
   ProbeSet_init(&set);
   char* err = NULL;
   CHECK(ProbeSet_addDir(&set, TEST_SRCDIR "/probes", true, false, &err) == 0);
   Probe* io = fakeSettings(&set, "sock_io");
   CHECK_PROBE_ERROR(&set, "[probes]\nsock_ioo = off\n", "2: unknown probe 'sock_ioo' in [probes]; probes found: "
                     "flow_skb, sock_io, sock_release, tcp_open, tcp_state");
   CHECK_PROBE_ERROR(&set, "[probes]\nsock_io.evry = 3\n", "2: probe sock_io has no setting 'evry'; its settings: every, delta");
   CHECK_PROBE_ERROR(&set, "[probes]\n\nsock_io.every = -1\n", "3: invalid value '-1' for sock_io.every in [probes]: "
                     "must be a whole number from 0 to 4294967295");
   CHECK_PROBE_ERROR(&set, "[probes]\nsock_io.every = 4294967296\n", "2: invalid value '4294967296' for sock_io.every in "
                     "[probes]: must be a whole number from 0 to 4294967295");
   CHECK_PROBE_ERROR(&set, "[probes]\nsock_io.delta = 128\n", "2: invalid value '128' for sock_io.delta in [probes]: "
                     "must be a whole number from -128 to 127");
   CHECK(!io->settings[0].configured);
   char* ok = probeError(&set, "[probes]\nsock_io.every = 4294967295\nsock_io.delta = -128\ntcp_state = off\n");
   CHECK(ok == NULL);
   free(ok);
   CHECK(io->settings[0].configured && io->settings[0].value == 4294967295LL);
   CHECK(io->settings[1].configured && io->settings[1].value == -128);
   Probe* state = ProbeSet_find(&set, "tcp_state");
   CHECK(state->status == PROBE_DISABLED);
   char* where = xAsprintf("disabled by the config (%s/p.conf:4)", root);
   CHECK_STR(state->message, where);
   free(where);
   ProbeSet_done(&set);
}

static char* dumpText(const Settings* s, const ProbeSet* set) {
   char* text = NULL;
   size_t len = 0;
   FILE* f = open_memstream(&text, &len);
   Config_dump(f, s);
   ProbeConfig_dump(f, s, set);
   fclose(f);
   return text;
}

/* Every key is in the dump, and reading the dump back gives the same dump. */
static void test_dump(void) {
   ProbeSet set;
   ProbeSet_init(&set);
   char* err = NULL;
   CHECK(ProbeSet_addDir(&set, TEST_SRCDIR "/probes", true, false, &err) == 0);
   fakeSettings(&set, "sock_io");
   char* path = writeFile("d.conf", "[display]\ninterval = 0.3\nunits = bits\nsort = -comm\n[log]\nfile = /tmp/l.csv\n"
                                    "[probes]\nsock_io.every = 9\nflow_skb = off\n");
   Settings s;
   Settings_init(&s);
   CHECK(Config_loadFile(&s, path, true, &err) == 0);
   CHECK(ProbeConfig_select(&s, &set, &err) == 0 && ProbeConfig_settings(&s, &set, true, &err) == 0);
   char* first = dumpText(&s, &set);
   CHECK_CONTAINS(first, "\n[display]\n# columns to show");
   CHECK_CONTAINS(first, "\ninterval = 0.3\n");
   CHECK_CONTAINS(first, "\nunits = bits\n");
   CHECK_CONTAINS(first, "\ncolour = auto\n");
   CHECK_CONTAINS(first, "\n[udp]\n# seconds after which");
   CHECK_CONTAINS(first, "\nidle_timeout = 30\n");
   CHECK_CONTAINS(first, "\nfile = /tmp/l.csv\n");
   CHECK_CONTAINS(first, "\nflow_skb = off\n");
   CHECK_CONTAINS(first, "\nsock_io = on\n# (unsigned 32-bit integer; the probe's default is 1)\nsock_io.every = 9\n");
   CHECK_CONTAINS(first, "\nsock_io.delta = -2\n");
   Settings_done(&s);
   ProbeSet_done(&set);

   char* again = writeFile("again.conf", first);
   ProbeSet_init(&set);
   CHECK(ProbeSet_addDir(&set, TEST_SRCDIR "/probes", true, false, &err) == 0);
   fakeSettings(&set, "sock_io");
   Settings_init(&s);
   CHECK(Config_loadFile(&s, again, true, &err) == 0);
   CHECK(ProbeConfig_select(&s, &set, &err) == 0 && ProbeConfig_settings(&s, &set, true, &err) == 0);
   char* second = dumpText(&s, &set);
   CHECK_STR(second, first);
   Settings_done(&s);
   ProbeSet_done(&set);
   free(first);
   free(second);
   free(again);
   free(path);
}

#endif

static int modeOf(const char* path) {
   struct stat st;
   return stat(path, &st) == 0 ? (int)(st.st_mode & 07777) : -1;
}

static int entriesIn(const char* dir) {
   int n = 0;
   DIR* d = opendir(dir);
   for (struct dirent* e; d && (e = readdir(d));)
      n += e->d_name[0] != '.';
   if (d)
      closedir(d);
   return n;
}

/* Config_saveDisplay: a new file in a new directory; edits that keep every
 * other line; atomic replacement; refused values. */
static void test_save(void) {
   char* dir = xAsprintf("%s/home/.config/tcptop", root);
   char* path = xAsprintf("%s/tcptop.conf", dir);
   char* err = NULL;
   CHECK(Config_saveDisplay(path, "proto,pid", "-pid", &err) == 0);
   char* text = readText(path);
   CHECK_STR(text, "[display]\ncolumns = proto,pid\nsort = -pid\n");
   free(text);
   CHECK(modeOf(path) == 0600);
   CHECK(modeOf(dir) == 0700);
   Settings s;
   Settings_init(&s);
   CHECK(Config_loadFile(&s, path, true, &err) == 0);
   CHECK_STR(s.columns, "proto,pid");
   CHECK_STR(s.sort, "-pid");
   Settings_done(&s);

   /* keys replaced in place, a missing one added at the end of [display] */
   const char* before = "# my settings\n[display]\n# sorting I like\nsort = rate ; old\nunits = bits\n\n"
                        "# udp things\n[udp]\nidle_timeout = 9\n";
   FILE* f = fopen(path, "w");
   fputs(before, f);
   fclose(f);
   chmod(path, 0644);
   char* keep = xAsprintf("%s/old-link", root);
   link(path, keep);
   CHECK(Config_saveDisplay(path, "comm,rate", "+comm", &err) == 0);
   text = readText(path);
   CHECK_STR(text, "# my settings\n[display]\n# sorting I like\nsort = +comm\nunits = bits\ncolumns = comm,rate\n\n"
                   "# udp things\n[udp]\nidle_timeout = 9\n");
   free(text);
   CHECK(modeOf(path) == 0600);
   /* atomic: a new file was renamed over the old one (a hard link to the old
    * one still has the old text) and no temporary file is left */
   text = readText(keep);
   CHECK_STR(text, before);
   free(text);
   CHECK(entriesIn(dir) == 1);

   /* only sort; a file without [display] and without a final newline */
   f = fopen(path, "w");
   fputs("[udp]\nidle_timeout = 9", f);
   fclose(f);
   CHECK(Config_saveDisplay(path, NULL, "pid", &err) == 0);
   text = readText(path);
   CHECK_STR(text, "[udp]\nidle_timeout = 9\n\n[display]\nsort = pid\n");
   free(text);
   /* two [display] sections: each key line replaced; duplicates stay duplicates */
   f = fopen(path, "w");
   fputs("[display]\ncolumns = pid\n[log]\nfile = x\n[display]\ncolumns = comm\ninterval = 2", f);
   fclose(f);
   CHECK(Config_saveDisplay(path, "proto", "rate", &err) == 0);
   text = readText(path);
   CHECK_STR(text, "[display]\ncolumns = proto\n[log]\nfile = x\n[display]\ncolumns = proto\ninterval = 2\nsort = rate\n");
   free(text);

   /* refused: the file is left alone */
   CHECK(Config_saveDisplay(path, "proto,bytes", "rate", &err) < 0);
   CHECK_CONTAINS(err, "unknown column 'bytes'");
   free(err);
   err = NULL;
   CHECK(Config_saveDisplay(path, "proto", "nope", &err) < 0);
   CHECK_CONTAINS(err, "unknown sort column 'nope'");
   free(err);
   err = NULL;
   text = readText(path);
   CHECK_CONTAINS(text, "columns = proto\ninterval = 2\nsort = rate\n");
   free(text);
   /* a directory that cannot be made */
   char* blocked = xAsprintf("%s/file/sub/tcptop.conf", root);
   char* plain = writeFile("file", "x");
   CHECK(Config_saveDisplay(blocked, "proto", "rate", &err) < 0);
   char* want = xAsprintf("cannot save the display settings to %s: Not a directory", blocked);
   CHECK_STR(err, want);
   free(want);
   free(err);
   free(plain);
   free(blocked);
   free(keep);
   free(path);
   free(dir);
}

int main(void) {
   if (!mkdtemp(root)) {
      perror("mkdtemp");
      return 1;
   }
   test_valid();
   test_errors();
   test_precedence();
#ifdef HAVE_BPF
   test_probes();
   test_dump();
#endif
   test_save();
   check_rmtree(root);
   return check_done("test_config");
}
