/* tcptop.conf: valid files, every kind of error message exactly, the order
 * system < user < -c < flags, the option table (each default applied by
 * Settings_init and shown by --help, --dump-config, etc/tcptop.conf and
 * tcptop(8) as the table has it), [probes] against a probe set,
 * --dump-config read back, and Config_saveDisplay (comments kept, atomic,
 * mode 0600). */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <pwd.h>
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
   CHECK_ERROR("[display]\n[bogus]\n", "2: unknown section [bogus]; valid sections: [display], [udp], [log], [export], [security], [probes]");
   CHECK_ERROR("[display]\nsize = 3\n", "2: unknown key 'size' in [display]; valid keys: columns, sort, interval, units, colour, group");
   CHECK_ERROR("[udp]\ntimeout = 3\n", "2: unknown key 'timeout' in [udp]; valid keys: idle_timeout");
   CHECK_ERROR("[log]\npath = x\n", "2: unknown key 'path' in [log]; valid keys: file");
   CHECK_ERROR("\ninterval = 2\n", "2: 'interval' is outside any section; put it under one of [display], [udp], [log], [export], [security], [probes]");
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
               "tx_rate, rx_rate, rate, tx_packets, rx_packets, rtt_us, retrans, age_s, cgroup, cgroup_path, netns, port, "
               "connections, rtt_min_us");
   CHECK_ERROR("[display]\ncolumns =\n", "2: invalid value '' for columns in [display]: no columns given; list column keys "
               "separated by commas");
   CHECK_ERROR("[display]\nsort = -speed\n", "2: invalid value '-speed' for sort in [display]: unknown sort column '-speed'; "
               "valid columns: time, proto, laddr, lport, raddr, rport, pid, comm, user, state, tx_bytes, rx_bytes, tx_rate, "
               "rx_rate, rate, tx_packets, rx_packets, rtt_us, retrans, age_s, cgroup, cgroup_path, netns, port, connections, "
               "rtt_min_us (prefix + or - for the direction)");
   CHECK_ERROR("[display]\ngroup = host\n", "2: invalid value 'host' for group in [display]: valid values are none, "
               "process, command, remote, port, cgroup, netns");
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
   CHECK(CommandLine_parse(&s, 5, argv, &err) == 0);
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
   CHECK(Config_loadWithCommandLine(&s, 5, argv2, &err) == 0);
   CHECK(s.interval == 7 && s.udpTimeout == 6);
   CHECK_STR(s.sort, "comm");
   Settings_done(&s);
   Settings_init(&s);
   char* argv3[] = { "tcptop", "--config", cli, NULL };
   CHECK(Config_loadWithCommandLine(&s, 3, argv3, &err) == 0);
   CHECK(s.interval == 4);
   Settings_done(&s);
   unsetenv("XDG_CONFIG_HOME");
   unsetenv("SUDO_UID");
   setenv("HOME", "/home/someone", 1);
   char* homePath = Config_userPath();
   CHECK_STR(homePath, "/home/someone/.config/tcptop/tcptop.conf");
   free(homePath);
   if (getuid() == 0) {   /* through sudo: the invoking user's home, not root's HOME */
      setenv("SUDO_UID", "65534", 1);
      setenv("SUDO_GID", "65534", 1);
      struct passwd* pw = getpwuid(65534);
      char* want = pw ? xAsprintf("%s/.config/tcptop/tcptop.conf", pw->pw_dir) : NULL;
      char* sudoPath = Config_userPath();
      CHECK_STR(sudoPath, want);
      free(sudoPath);
      free(want);
      unsetenv("SUDO_UID");
      unsetenv("SUDO_GID");
   }
   free(userPath);
   free(userFile);
   free(dir);
   free(xdg);
   free(sys);
   free(user);
   free(cli);
}

/* ---- the option table: each default, help and key declared once --------- */

static size_t fieldSize(const OptionEntry* o) {
   switch (o->type) {
   case OPT_FLAG:
      return sizeof(bool);
   case OPT_STRING:
   case OPT_STRING_LIST:
      return sizeof(char*);
   case OPT_DOUBLE:
      return sizeof(double);
   case OPT_CHOICE_SET:
      return sizeof(unsigned);
   default:
      return sizeof(int);
   }
}

static bool isZero(const void* field, size_t size) {
   for (size_t i = 0; i < size; i++) {
      if (((const unsigned char*)field)[i])
         return false;
   }
   return true;
}

/* The entry's value in fresh settings, as tcptop.conf would say it. */
static char* defaultValue(const OptionEntry* o) {
   Settings s;
   Settings_init(&s);
   Buf b;
   Buf_init(&b);
   Option_format(&s, o, &b);
   Settings_done(&s);
   return Buf_cstr(&b);
}

/* Each entry: somewhere to appear, help, at most one kind of default, a
 * default its own checks accept; no option, short option or key twice. */
static void test_tableEntries(void) {
   size_t n;
   const OptionEntry* t = Settings_options(&n);
   for (size_t i = 0; i < n; i++) {
      const OptionEntry* o = &t[i];
      CHECK(o->name || o->section);
      CHECK(!o->section == !o->key);
      CHECK(o->help && o->help[0]);
      CHECK(!o->name || o->type == OPT_FLAG || o->argName);
      CHECK((o->def != NULL) + (o->defaultText != NULL) + (o->defaultNote != NULL) <= 1);
      char* why = NULL;
      CHECK(!o->def || !o->check || o->check(o->def, &why) == 0);
      free(why);
      for (size_t j = 0; j < i; j++) {
         CHECK(!o->name || !t[j].name || strcmp(o->name, t[j].name) != 0);
         CHECK(!o->shortName || o->shortName != t[j].shortName);
         CHECK(!o->key || !t[j].key || strcmp(o->section, t[j].section) != 0 || strcmp(o->key, t[j].key) != 0);
      }
   }
}

/* Settings_init stores each default of the table, in the words the table
 * gives it, and leaves every other field 0, off or NULL. */
static void test_tableDefaults(void) {
   size_t n;
   const OptionEntry* t = Settings_options(&n);
   for (size_t i = 0; i < n; i++) {
      const OptionEntry* o = &t[i];
      char* value = defaultValue(o);
      Settings s;
      Settings_init(&s);
      if (o->def)
         CHECK_STR(value, o->def);
      else
         CHECK(isZero((const char*)&s + o->offset, fieldSize(o)));
      Settings_done(&s);
      free(value);
   }
   Settings s;
   Settings_init(&s);
   CHECK(s.sort != NULL);   /* Monitor reads it without a default of its own */
   Settings_done(&s);
}

/* Each key of tcptop.conf (and its alias) loads at its default value. */
static void test_tableKeys(void) {
   size_t n;
   const OptionEntry* t = Settings_options(&n);
   for (size_t i = 0; i < n; i++) {
      const OptionEntry* o = &t[i];
      if (!o->section)
         continue;
      char* value = defaultValue(o);
      char* text = xAsprintf("[%s]\n%s = %s\n%s = %s\n", o->section, o->key, value, o->alias ? o->alias : o->key,
                             value);
      char* err = loadError(text);
      CHECK_STR(err ? err : "", "");
      free(err);
      free(text);
      free(value);
   }
}

/* Spaces, line breaks and colons out, lower case: wrapped text compares. */
static char* squash(const char* text) {
   char* out = xStrdup(text);
   size_t n = 0;
   for (const char* p = text; *p; p++) {
      if (!strchr(" \t\n:", *p))
         out[n++] = (char)((*p >= 'A' && *p <= 'Z') ? *p - 'A' + 'a' : *p);
   }
   out[n] = '\0';
   return out;
}

static char* usageText(void) {
   char* text = NULL;
   size_t len = 0;
   FILE* f = open_memstream(&text, &len);
   CommandLine_usage(f);
   fclose(f);
   return text;
}

/* --help: each option with its help, range or choices and default, made
 * from its entry; the default in the table's words. */
static void test_tableUsage(void) {
   char* usage = usageText();
   char* flat = squash(usage);
   size_t n;
   const OptionEntry* t = Settings_options(&n);
   for (size_t i = 0; i < n; i++) {
      const OptionEntry* o = &t[i];
      if (!o->name)
         continue;
      char* help = Option_describe(o, false);
      char* def = Option_defaultText(o);
      char* text = xAsprintf("%c%c%c--%s%s%s", o->shortName ? '-' : ' ', o->shortName ? o->shortName : ' ',
                             o->shortName ? ',' : ' ', o->name, o->argName ? o->argName : "", help);
      char* want = squash(text);
      CHECK_CONTAINS(flat, want);
      char* said = def ? xAsprintf("default %s", def) : NULL;
      CHECK(!def || strstr(help, said));
      free(said);
      free(want);
      free(text);
      free(def);
      free(help);
   }
   /* the layout: a long help goes on under the help column */
   CHECK_CONTAINS(usage, "\n  -d, --delay SECONDS          seconds between samples; fractions allowed (0.05\n"
                         "                               to 3600; default 1)\n");
   CHECK_CONTAINS(usage, "\n      --list-probes            list the probes");
   free(flat);
   free(usage);
}

/* The text of [section] up to the next section, or NULL. */
static char* sectionText(const char* text, const char* section) {
   char* head = xAsprintf("\n[%s]\n", section);
   const char* start = strstr(text, head);
   free(head);
   if (!start)
      return NULL;
   start++;
   const char* end = strstr(start + 1, "\n[");
   return xStrndup(start, end ? (size_t)(end - start) + 1 : strlen(start));
}

/* The dump of one key: its "# help" (with range, choices, default and
 * command-line option) and "key = value". */
static char* dumpBlock(const OptionEntry* o, const char* value) {
   char* help = Option_describe(o, true);
   char* comment = check_capture(Config_writeComment, help);
   char* block = xAsprintf("%s%s =%s%s\n", comment, o->key, value[0] ? " " : "", value);
   free(comment);
   free(help);
   return block;
}

/* --dump-config of fresh settings: each key in its section after its help,
 * at the table's default; read back, the same settings. */
static void test_tableDump(void) {
   Settings s;
   Settings_init(&s);
   char* dump = NULL;
   size_t len = 0;
   FILE* f = open_memstream(&dump, &len);
   Config_dump(f, &s);
   fclose(f);
   Settings_done(&s);
   size_t n;
   const OptionEntry* t = Settings_options(&n);
   for (size_t i = 0; i < n; i++) {
      if (!t[i].section)
         continue;
      char* value = defaultValue(&t[i]);
      char* block = dumpBlock(&t[i], value);
      char* section = sectionText(dump, t[i].section);
      CHECK_CONTAINS(section, block);
      free(section);
      free(block);
      free(value);
   }
   CHECK_CONTAINS(dump, "\n[display]\n# columns to show");
   CHECK_CONTAINS(dump, "default 1; like\n# -d)\ninterval = 1\n");
   char* path = writeFile("defaults.conf", dump);
   Settings_init(&s);
   char* err = NULL;
   CHECK(Config_loadFile(&s, path, true, &err) == 0);
   for (size_t i = 0; i < n; i++) {
      Buf b;
      Buf_init(&b);
      Option_format(&s, &t[i], &b);
      char* value = defaultValue(&t[i]);
      CHECK_STR(Buf_cstr(&b), value);
      free(value);
      Buf_done(&b);
   }
   Settings_done(&s);
   free(path);
   free(dump);
}

/* The entry for [section] key, or NULL. */
static const OptionEntry* tableKey(const char* section, const char* key) {
   size_t n;
   const OptionEntry* t = Settings_options(&n);
   for (size_t i = 0; i < n; i++) {
      if (t[i].section && strcmp(t[i].section, section) == 0 && strcmp(t[i].key, key) == 0)
         return &t[i];
   }
   return NULL;
}

/* Every "#key = value" line of etc/tcptop.conf outside the probes' lines
 * is a key of its section. */
static void checkExampleKeys(const char* text) {
   char section[32] = "";
   for (const char* line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
      char key[64];
      int end = 0;
      if (sscanf(line, "[%31[a-z]]", section) == 1 || sscanf(line, "#%63[a-z_.] =%n", key, &end) != 1 || !end)
         continue;
      bool probeLine = strcmp(section, "probes") == 0 && strcmp(key, "avoid_hooks") != 0;
      if (!probeLine && !tableKey(section, key))
         fprintf(stderr, "etc/tcptop.conf: #%s in [%s] is no key of the option table\n", key, section);
      CHECK(probeLine || tableKey(section, key));
   }
}

/* etc/tcptop.conf shows every key of the table, commented out, in its
 * section, at the table's default. */
static void test_tableExample(void) {
   char* text = check_readText(TEST_SRCDIR "/etc/tcptop.conf");
   CHECK(text != NULL);
   size_t n;
   const OptionEntry* t = Settings_options(&n);
   for (size_t i = 0; text && i < n; i++) {
      if (!t[i].section)
         continue;
      char* value = defaultValue(&t[i]);
      char* line = xAsprintf("\n#%s =%s%s\n", t[i].key, value[0] ? " " : "", value);
      char* section = sectionText(text, t[i].section);
      CHECK_CONTAINS(section, line);
      free(section);
      free(line);
      free(value);
   }
   if (text)
      checkExampleKeys(text);
   free(text);
}

/* One line of troff as text: a macro's arguments (joined without blanks
 * for .BR and its kind), fonts dropped, "\-" as "-". */
static void manLine(Buf* out, const char* line) {
   bool macro = line[0] == '.';
   bool join = macro && strlen(line) > 3 && line[3] == ' ' && strchr("BIR", line[1]) && strchr("BIR", line[2]);
   const char* p = macro ? strchr(line, ' ') : line;
   bool quoted = false;
   for (; p && *p && *p != '\n'; p++) {
      if (*p == '"') {
         quoted = !quoted;
      } else if (p[0] == '\\' && p[1] == 'f' && p[2]) {
         p += 2;
      } else if (p[0] == '\\' && p[1] == '-') {
         Buf_appendStr(out, "-");
         p++;
      } else if (*p != ' ' || quoted || !join) {
         Buf_append(out, p, 1);
      }
   }
   Buf_appendStr(out, " ");
}

/* Whether the text of a .TP tag names `word` ("--delay", "interval"). */
static bool manTagHas(const char* tag, const char* word) {
   size_t len = strlen(word);
   for (const char* p = strstr(tag, word); p; p = strstr(p + 1, word)) {
      if ((p == tag || p[-1] == ' ') && strchr(" ,", p[len]))
         return true;
   }
   return false;
}

static bool manBreak(const char* line) {
   return strncmp(line, ".TP", 3) == 0 || strncmp(line, ".SS", 3) == 0 || strncmp(line, ".PP", 3) == 0;
}

/* The paragraph of tcptop(8) under ".SH <heading>" whose .TP tag names
 * `word`, as text; or NULL. */
static char* manParagraph(const char* man, const char* heading, const char* word) {
   char* head = xAsprintf("\n.SH %s\n", heading);
   const char* p = strstr(man, head);
   free(head);
   const char* end = p ? strstr(p + 1, "\n.SH ") : NULL;
   for (; p && p < end; p = strchr(p + 1, '\n')) {
      if (strncmp(p + 1, ".TP", 3) != 0)
         continue;
      Buf tag;
      Buf_init(&tag);
      p = strchr(p + 1, '\n');
      manLine(&tag, p + 1);
      bool found = manTagHas(Buf_cstr(&tag), word);
      Buf_done(&tag);
      if (!found)
         continue;
      Buf text;
      Buf_init(&text);
      for (p = strchr(p + 1, '\n'); p && p < end && !manBreak(p + 1); p = strchr(p + 1, '\n'))
         manLine(&text, p + 1);
      return Buf_cstr(&text);
   }
   return NULL;
}

/* "default 1", "Default: 1", "text (default: ...", "auto (the default)". */
static bool manSaysDefault(const char* text, const char* value) {
   char* flat = squash(text);
   char* v = squash(value);
   char* forms[] = { xAsprintf("default%s", v), xAsprintf("%s(default", v), xAsprintf("%s(thedefault", v) };
   bool found = false;
   for (int i = 0; i < 3; i++) {
      const char* at = strstr(flat, forms[i]);
      const char* after = at ? at + strlen(forms[i]) : NULL;
      bool bounded = at && (i > 0 || !isalnum((unsigned char)*after)) &&
                     !(i == 0 && *after == '.' && isdigit((unsigned char)after[1]));
      found = found || bounded;
      free(forms[i]);
   }
   free(v);
   free(flat);
   return found;
}

/* tcptop(8) gives each option's and each key's default as the table does
 * (defaults that are notes on code elsewhere are not checked). */
static void test_tableManual(void) {
   char* man = check_readText(TEST_SRCDIR "/docs/tcptop.8");
   CHECK(man != NULL);
   size_t n;
   const OptionEntry* t = Settings_options(&n);
   for (size_t i = 0; man && i < n; i++) {
      if (!t[i].def && !t[i].defaultText)
         continue;
      char* value = defaultValue(&t[i]);
      char* option = t[i].name ? xAsprintf("--%s", t[i].name) : NULL;
      char* text = option ? manParagraph(man, "OPTIONS", option) : NULL;
      if (option && !manSaysDefault(text ? text : "", value))
         fprintf(stderr, "tcptop(8): %s lacks 'default %s': %s\n", option, value, text ? text : "(no paragraph)");
      CHECK(!option || manSaysDefault(text ? text : "", value));
      free(text);
      text = t[i].section ? manParagraph(man, "CONFIGURATION", t[i].key) : NULL;
      if (t[i].section && !manSaysDefault(text ? text : "", value))
         fprintf(stderr, "tcptop(8): [%s] %s lacks 'Default: %s': %s\n", t[i].section, t[i].key, value,
                 text ? text : "(no paragraph)");
      CHECK(!t[i].section || manSaysDefault(text ? text : "", value));
      free(text);
      free(option);
      free(value);
   }
   free(man);
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
   char* text = check_readText(path);
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
   text = check_readText(path);
   CHECK_STR(text, "# my settings\n[display]\n# sorting I like\nsort = +comm\nunits = bits\ncolumns = comm,rate\n\n"
                   "# udp things\n[udp]\nidle_timeout = 9\n");
   free(text);
   CHECK(modeOf(path) == 0600);
   /* atomic: a new file was renamed over the old one (a hard link to the old
    * one still has the old text) and no temporary file is left */
   text = check_readText(keep);
   CHECK_STR(text, before);
   free(text);
   CHECK(entriesIn(dir) == 1);

   /* only sort; a file without [display] and without a final newline */
   f = fopen(path, "w");
   fputs("[udp]\nidle_timeout = 9", f);
   fclose(f);
   CHECK(Config_saveDisplay(path, NULL, "pid", &err) == 0);
   text = check_readText(path);
   CHECK_STR(text, "[udp]\nidle_timeout = 9\n\n[display]\nsort = pid\n");
   free(text);
   /* two [display] sections: each key line replaced; duplicates stay duplicates */
   f = fopen(path, "w");
   fputs("[display]\ncolumns = pid\n[log]\nfile = x\n[display]\ncolumns = comm\ninterval = 2", f);
   fclose(f);
   CHECK(Config_saveDisplay(path, "proto", "rate", &err) == 0);
   text = check_readText(path);
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
   text = check_readText(path);
   CHECK_CONTAINS(text, "columns = proto\ninterval = 2\nsort = rate\n");
   free(text);
   /* the file a link: refused, the link and what it names left alone */
   char* elsewhere = writeFile("elsewhere.conf", "[udp]\n");
   char* linked = xAsprintf("%s/linked.conf", dir);
   CHECK(symlink(elsewhere, linked) == 0);
   CHECK(Config_saveDisplay(linked, "proto", "rate", &err) < 0);
   CHECK_CONTAINS(err, "is a symbolic link, which tcptop does not follow when writing");
   free(err);
   err = NULL;
   text = check_readText(elsewhere);
   CHECK_STR(text, "[udp]\n");
   free(text);
   unlink(linked);
   free(linked);
   free(elsewhere);
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
   test_tableEntries();
   test_tableDefaults();
   test_tableKeys();
   test_tableUsage();
   test_tableDump();
   test_tableExample();
   test_tableManual();
#ifdef HAVE_BPF
   test_probes();
   test_dump();
#endif
   test_save();
   check_rmtree(root);
   return check_done("test_config");
}
