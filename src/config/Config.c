/*
 * Config.c: the key table, its one handler (through inih), the file order,
 * and --dump-config.
 */
#include "config.h"
#include "config/Config.h"

#include <errno.h>
#include <ini.h>
#include <pwd.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/Column.h"
#include "config/Option.h"
#include "core/XUtils.h"

typedef enum ConfigKind_ {
   CONFIG_VALUE,          /* a Settings field through its OptionEntry */
   CONFIG_PROBE_SWITCH,   /* [probes] <probe> = on|off */
   CONFIG_PROBE_SETTING,  /* [probes] <probe>.<setting> = <integer> */
} ConfigKind;

typedef struct ConfigKey_ {
   const char* section;
   const char* name;
   const char* alias;          /* another accepted spelling */
   ConfigKind kind;
   const char* option;         /* the command-line option whose type, range and field it shares */
   OptionEntry own;            /* or its own, when it has no command-line option */
   int (*check)(const char* value, char** why);   /* more checks on a string */
   const char* unset;          /* what an unset string means, for the dump */
   const char* help;
} ConfigKey;

static const char* const Config_units[] = { "bytes", "bits", NULL };
static const char* const Config_colours[] = { "auto", "always", "never", NULL };
static const char* const Config_sections[] = { "display", "udp", "log", "probes", NULL };

static int Config_checkColumns(const char* value, char** why) {
   ColumnList list;
   return ColumnList_parse(&list, value, why);
}

static int Config_checkSort(const char* value, char** why) {
   SortOrder order;
   return SortOrder_parse(&order, value, why);
}

#define OFF(field) offsetof(Settings, field)

static const ConfigKey Config_keys[] = {
   { .section = "display", .name = "columns", .option = "columns", .check = Config_checkColumns,
     .help = "columns to show, in order: comma-separated keys (COLUMNS in tcptop(8))" },
   { .section = "display", .name = "sort", .option = "sort", .check = Config_checkSort, .unset = "rate",
     .help = "sort by this column; prefix + for ascending or - for descending" },
   { .section = "display", .name = "interval", .option = "delay",
     .help = "seconds between samples, 0.05 to 3600 (like -d)" },
   { .section = "display", .name = "units", .own = { .type = OPT_CHOICE, .offset = OFF(units), .choices = Config_units },
     .help = "rates in bytes or bits per second: bytes or bits" },
   { .section = "display", .name = "colour", .alias = "color",
     .own = { .type = OPT_CHOICE, .offset = OFF(colour), .choices = Config_colours },
     .help = "colours on the screen: auto, always or never (NO_COLOR in the environment means never)" },
   { .section = "udp", .name = "idle_timeout", .option = "udp-timeout",
     .help = "seconds after which an idle UDP flow is forgotten, 0.1 to 86400 (like --udp-timeout)" },
   { .section = "log", .name = "file", .option = "log", .unset = "",
     .help = "also write every interval and every closed connection to this CSV file (like --log); empty: none" },
   { .section = "probes", .name = "avoid_hooks", .option = "avoid-hooks",
     .help = "kinds of hook the probes must not use: fentry, kprobe, tracepoint (like --avoid-hooks); empty: none" },
   { .section = "probes", .name = "<probe>", .kind = CONFIG_PROBE_SWITCH,
     .help = "on or off: load this probe or not" },
   { .section = "probes", .name = "<probe>.<setting>", .kind = CONFIG_PROBE_SETTING,
     .help = "an integer given to the probe before it is loaded (a const volatile global it declares)" },
};

static const OptionEntry* ConfigKey_option(const ConfigKey* k) {
   return k->option ? CommandLine_option(k->option) : &k->own;
}

/* The reading state, given to inih as both the stream and the handler's user. */
typedef struct ConfigParse_ {
   Settings* settings;
   const char* path;
   FILE* file;
   char* line;
   size_t lineCap;
   int lineNo;
   char* err;             /* the first error, one line */
} ConfigParse;

static void ConfigParse_fail(ConfigParse* this, const char* fmt, ...) ATTR_FORMAT(2, 3);

static void ConfigParse_fail(ConfigParse* this, const char* fmt, ...) {
   if (this->err)
      return;
   Buf b;
   Buf_init(&b);
   Buf_printf(&b, "%s:%d: ", this->path, this->lineNo);
   va_list ap;
   va_start(ap, fmt);
   Buf_vprintf(&b, fmt, ap);
   va_end(ap);
   this->err = Buf_cstr(&b);
}

static char* Config_list(const char* const* items, const char* before, const char* after) {
   Buf b;
   Buf_init(&b);
   for (int i = 0; items[i]; i++)
      Buf_printf(&b, "%s%s%s%s", i ? ", " : "", before, items[i], after);
   return Buf_cstr(&b);
}

static char* Config_keyList(const char* section) {
   Buf b;
   Buf_init(&b);
   for (size_t i = 0; i < ARRAY_SIZE(Config_keys); i++) {
      if (strcmp(Config_keys[i].section, section) == 0)
         Buf_printf(&b, "%s%s", b.len ? ", " : "", Config_keys[i].name);
   }
   return Buf_cstr(&b);
}

/* A "[name]" line: the name must be a known section. */
static void ConfigParse_section(ConfigParse* this, const char* line) {
   const char* close = strchr(line, ']');
   if (!close)
      return;   /* inih reports the syntax error */
   char* name = xStrndup(line + 1, (size_t)(close - line - 1));
   bool known = false;
   for (int i = 0; Config_sections[i]; i++)
      known = known || strcmp(name, Config_sections[i]) == 0;
   if (!known) {
      char* valid = Config_list(Config_sections, "[", "]");
      ConfigParse_fail(this, "unknown section [%s]; valid sections: %s", name, valid);
      free(valid);
   }
   free(name);
}

/*
 * inih's reader: one whole line at a time, so lineNo is the line the handler
 * is called for. Leading blanks are dropped (no continuation lines), section
 * names are checked here (inih calls the handler only for keys), comments
 * may be of any length, and another line longer than inih's buffer is an
 * error instead of being split.
 */
static char* ConfigParse_read(char* str, int num, void* stream) {
   ConfigParse* this = stream;
   if (this->err)
      return NULL;
   ssize_t n = getline(&this->line, &this->lineCap, this->file);
   if (n < 0)
      return NULL;
   this->lineNo++;
   char* text = this->line;
   while (*text == ' ' || *text == '\t')
      text++;
   if (text[0] == '#' || text[0] == ';')
      text = "#\n";   /* a comment of any length */
   size_t len = strlen(text);
   size_t content = len - (len && text[len - 1] == '\n');
   if (content + 3 > (size_t)num) {
      ConfigParse_fail(this, "line longer than %d characters", num - 3);
      return NULL;
   }
   if (text[0] == '[')
      ConfigParse_section(this, text);
   memcpy(str, text, len + 1);
   return this->err ? NULL : str;
}

/* The entry for a key of a section, or NULL. */
static const ConfigKey* Config_find(const char* section, const char* name) {
   for (size_t i = 0; i < ARRAY_SIZE(Config_keys); i++) {
      const ConfigKey* k = &Config_keys[i];
      if (strcmp(k->section, section) != 0)
         continue;
      if (k->kind == CONFIG_PROBE_SWITCH && !strchr(name, '.'))
         return k;
      if (k->kind == CONFIG_PROBE_SETTING && strchr(name, '.'))
         return k;
      if (strcmp(k->name, name) == 0 || (k->alias && strcmp(k->alias, name) == 0))
         return k;
   }
   return NULL;
}

static void ConfigParse_value(ConfigParse* this, const ConfigKey* k, const char* value) {
   const OptionEntry* o = ConfigKey_option(k);
   char* why = NULL;
   if (o->type == OPT_STRING && !value[0] && k->unset && !k->unset[0]) {
      char** field = (char**)((char*)this->settings + o->offset);
      free(*field);
      *field = NULL;   /* empty: none */
   } else if ((k->check && k->check(value, &why) < 0) || (!why && Option_store(this->settings, o, value, &why) < 0)) {
      ConfigParse_fail(this, "invalid value '%s' for %s in [%s]: %s", value, k->name, k->section, why);
   }
   free(why);
}

static bool Config_isName(const char* s, size_t len) {
   if (len == 0)
      return false;
   for (size_t i = 0; i < len; i++) {
      char c = s[i];
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
         return false;
   }
   return true;
}

/* Last wins: a probe or setting given again replaces the earlier line. */
static void Config_setProbeOption(Settings* s, const char* probe, size_t probeLen, const char* setting,
                                  long long value, const char* where) {
   ProbeOption* o = NULL;
   for (int i = 0; i < s->nProbeOptions && !o; i++) {
      ProbeOption* p = &s->probeOptions[i];
      if (strlen(p->probe) == probeLen && strncmp(p->probe, probe, probeLen) == 0 &&
          (p->setting && setting ? strcmp(p->setting, setting) == 0 : p->setting == setting))
         o = p;
   }
   if (!o) {
      s->probeOptions = xRealloc(s->probeOptions, sizeof(ProbeOption) * (size_t)(s->nProbeOptions + 1));
      o = &s->probeOptions[s->nProbeOptions++];
      *o = (ProbeOption){ .probe = xStrndup(probe, probeLen), .setting = setting ? xStrdup(setting) : NULL };
   }
   free(o->where);
   o->where = xStrdup(where);
   o->value = value;
}

static void ConfigParse_probe(ConfigParse* this, const ConfigKey* k, const char* name, const char* value) {
   const char* dot = strchr(name, '.');
   size_t probeLen = dot ? (size_t)(dot - name) : strlen(name);
   if (!Config_isName(name, probeLen) || (dot && !Config_isName(dot + 1, strlen(dot + 1)))) {
      ConfigParse_fail(this, "invalid key '%s' in [probes]: use <probe> = on|off or <probe>.<setting> = <integer>", name);
      return;
   }
   long long v = 0;
   if (k->kind == CONFIG_PROBE_SWITCH) {
      if (strcmp(value, "on") != 0 && strcmp(value, "off") != 0) {
         ConfigParse_fail(this, "invalid value '%s' for %s in [probes]: valid values are on, off", value, name);
         return;
      }
      v = strcmp(value, "on") == 0;
   } else {
      char* end = NULL;
      errno = 0;
      v = strtoll(value, &end, 10);
      if (errno || end == value || *end) {
         ConfigParse_fail(this, "invalid value '%s' for %s in [probes]: must be a whole number", value, name);
         return;
      }
   }
   char* where = xAsprintf("%s:%d", this->path, this->lineNo);
   Config_setProbeOption(this->settings, name, probeLen, dot ? dot + 1 : NULL, v, where);
   free(where);
}

/* The one handler: every key of every file comes here. */
static int Config_handler(void* user, const char* section, const char* name, const char* value) {
   ConfigParse* this = user;
   if (this->err)
      return 1;
   if (!section[0]) {
      char* valid = Config_list(Config_sections, "[", "]");
      ConfigParse_fail(this, "'%s' is outside any section; put it under one of %s", name, valid);
      free(valid);
      return 1;
   }
   const ConfigKey* k = Config_find(section, name);
   if (!k) {
      char* valid = Config_keyList(section);
      ConfigParse_fail(this, "unknown key '%s' in [%s]; valid keys: %s", name, section, valid);
      free(valid);
   } else if (k->kind == CONFIG_VALUE) {
      ConfigParse_value(this, k, value);
   } else {
      ConfigParse_probe(this, k, name, value);
   }
   return 1;
}

int Config_loadFile(Settings* settings, const char* path, bool required, char** err) {
   FILE* f = fopen(path, "re");
   if (!f) {
      if (errno == ENOENT && !required)
         return 0;
      *err = xAsprintf("cannot read the config file %s: %s", path, strerror(errno));
      return -1;
   }
   ConfigParse p = { .settings = settings, .path = path, .file = f };
   int rc = ini_parse_stream(ConfigParse_read, &p, Config_handler, &p);
   if (!p.err && ferror(f))
      p.err = xAsprintf("cannot read the config file %s: %s", path, strerror(errno));
   if (!p.err && rc > 0) {
      p.lineNo = rc;
      ConfigParse_fail(&p, "cannot parse this line: expected [section], key = value, or a comment (# or ;)");
   }
   fclose(f);
   free(p.line);
   *err = p.err;
   return p.err ? -1 : 0;
}

int Config_load(Settings* settings, const char* systemPath, const char* userPath, const char* explicitPath, char** err) {
   if (systemPath && Config_loadFile(settings, systemPath, false, err) < 0)
      return -1;
   if (userPath && Config_loadFile(settings, userPath, false, err) < 0)
      return -1;
   if (explicitPath && Config_loadFile(settings, explicitPath, true, err) < 0)
      return -1;
   return 0;
}

int Config_loadWithCommandLine(Settings* settings, int argc, char** argv) {
   /* A first pass only finds -c (and reports a bad command line at once). */
   Settings first;
   Settings_init(&first);
   int rc = CommandLine_parse(&first, argc, argv);
   char* err = NULL;
   if (rc == 0 && !first.help && !first.version) {
      char* system = Config_systemPath();
      char* user = Config_userPath();
      rc = Config_load(settings, system, user, first.configFile, &err);
      free(system);
      free(user);
   }
   Settings_done(&first);
   if (rc < 0 && err) {
      XUtils_error("%s", err);
      free(err);
   }
   return rc < 0 ? -1 : CommandLine_parse(settings, argc, argv);
}

char* Config_systemPath(void) {
   return xStrdup(SYSCONFDIR "/tcptop/" CONFIG_FILE_NAME);
}

char* Config_userPath(void) {
   const char* xdg = getenv("XDG_CONFIG_HOME");
   if (xdg && xdg[0] == '/')
      return xAsprintf("%s/tcptop/%s", xdg, CONFIG_FILE_NAME);
   const char* home = getenv("HOME");
   if (!home || home[0] != '/') {
      struct passwd* pw = getpwuid(geteuid());
      home = pw ? pw->pw_dir : "/";
   }
   return xAsprintf("%s/.config/tcptop/%s", home, CONFIG_FILE_NAME);
}

/* "# text" wrapped at 78 columns. */
void Config_writeComment(FILE* out, const char* text) {
   const char* p = text;
   while (*p) {
      size_t n = strlen(p);
      if (n > 76) {
         n = 76;
         while (n > 20 && p[n] != ' ')
            n--;
      }
      fprintf(out, "# %.*s\n", (int)n, p);
      p += n;
      while (*p == ' ')
         p++;
   }
}

static void Config_dumpValue(FILE* out, const Settings* settings, const ConfigKey* k) {
   const OptionEntry* o = ConfigKey_option(k);
   Buf value;
   Buf_init(&value);
   const char* field = o->type == OPT_STRING ? *(char* const*)((const char*)settings + o->offset) : NULL;
   if (o->type != OPT_STRING || field) {
      Option_format(settings, o, &value);
   } else if (k->unset) {
      Buf_appendStr(&value, k->unset);
   } else {   /* columns: the default list */
      ColumnList list;
      ColumnList_default(&list);
      for (int i = 0; i < list.count; i++)
         Buf_printf(&value, "%s%s", i ? "," : "", Column_table[list.ids[i]].key);
   }
   const char* text = Buf_cstr(&value);
   Config_writeComment(out, k->help);
   fprintf(out, "%s =%s%s\n", k->name, text[0] ? " " : "", text);
   Buf_done(&value);
}

void Config_dump(FILE* out, const Settings* settings) {
   fprintf(out, "# tcptop.conf: the configuration in effect (tcptop --dump-config).\n"
                "# Read in order: %s, %s, then -c FILE;\n"
                "# command-line options win. A key given twice: the last one counts.\n",
           SYSCONFDIR "/tcptop/" CONFIG_FILE_NAME, "~/.config/tcptop/" CONFIG_FILE_NAME);
   for (int s = 0; Config_sections[s]; s++) {
      fprintf(out, "\n[%s]\n", Config_sections[s]);
      for (size_t i = 0; i < ARRAY_SIZE(Config_keys); i++) {
         const ConfigKey* k = &Config_keys[i];
         if (strcmp(k->section, Config_sections[s]) == 0 && k->kind == CONFIG_VALUE)
            Config_dumpValue(out, settings, k);
      }
   }
}
