/*
 * Config.c: the option table's tcptop.conf keys, checked by one handler
 * (through inih), the file order, and --dump-config.
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

#include "config/Option.h"
#include "core/SafeFile.h"
#include "core/XUtils.h"

static const char* const Config_sections[] = { "display", "udp", "log", "export", "security", "probes", NULL };

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

/* Whether the option table's entry is a key of `section`. */
static bool Config_inSection(const OptionEntry* o, const char* section) {
   return o->section && strcmp(o->section, section) == 0;
}

static char* Config_keyList(const char* section) {
   size_t n;
   const OptionEntry* options = Settings_options(&n);
   Buf b;
   Buf_init(&b);
   for (size_t i = 0; i < n; i++) {
      if (Config_inSection(&options[i], section))
         Buf_printf(&b, "%s%s", b.len ? ", " : "", options[i].key);
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

/* The option table's entry for a key of a section, or NULL. */
static const OptionEntry* Config_find(const char* section, const char* name) {
   size_t n;
   const OptionEntry* options = Settings_options(&n);
   for (size_t i = 0; i < n; i++) {
      const OptionEntry* o = &options[i];
      if (Config_inSection(o, section) && (strcmp(o->key, name) == 0 || (o->alias && strcmp(o->alias, name) == 0)))
         return o;
   }
   return NULL;
}

static void ConfigParse_value(ConfigParse* this, const OptionEntry* o, const char* value) {
   char* why = NULL;
   if ((o->check && o->check(value, &why) < 0) || (!why && Option_store(this->settings, o, value, &why) < 0))
      ConfigParse_fail(this, "invalid value '%s' for %s in [%s]: %s", value, o->key, o->section, why);
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

/* [probes] <probe> = on|off, or <probe>.<setting> = <integer>. */
static void ConfigParse_probe(ConfigParse* this, const char* name, const char* value) {
   const char* dot = strchr(name, '.');
   size_t probeLen = dot ? (size_t)(dot - name) : strlen(name);
   if (!Config_isName(name, probeLen) || (dot && !Config_isName(dot + 1, strlen(dot + 1)))) {
      ConfigParse_fail(this, "invalid key '%s' in [probes]: use <probe> = on|off or <probe>.<setting> = <integer>", name);
      return;
   }
   long long v = 0;
   if (!dot) {
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
   const OptionEntry* o = Config_find(section, name);
   if (o) {
      ConfigParse_value(this, o, value);
   } else if (strcmp(section, "probes") == 0) {
      ConfigParse_probe(this, name, value);
   } else {
      char* valid = Config_keyList(section);
      ConfigParse_fail(this, "unknown key '%s' in [%s]; valid keys: %s", name, section, valid);
      free(valid);
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

static char* Config_systemPath(void) {
   return xStrdup(SYSCONFDIR "/tcptop/" CONFIG_FILE_NAME);
}

int Config_loadWithCommandLine(Settings* settings, int argc, char** argv, char** err) {
   /* A first pass only finds -c (and reports a bad command line at once). */
   Settings first;
   Settings_init(&first);
   int rc = CommandLine_parse(&first, argc, argv, err);
   if (rc == 0 && !first.help && !first.version) {
      char* system = Config_systemPath();
      char* user = Config_userPath();
      rc = Config_load(settings, system, user, first.configFile, err);
      free(system);
      free(user);
   }
   Settings_done(&first);
   return rc < 0 ? -1 : CommandLine_parse(settings, argc, argv, err);
}

/* Through sudo, the invoking user's home: sudo sets HOME to root's, and
 * after the privilege drop that user saves the screen's settings. */
static const char* Config_sudoHome(void) {
   SafeFileUser u = SafeFile_invoker();
   struct passwd* pw = getenv("SUDO_UID") && u.uid != 0 ? getpwuid(u.uid) : NULL;
   return pw && pw->pw_dir[0] == '/' ? pw->pw_dir : NULL;
}

char* Config_userPath(void) {
   const char* xdg = getenv("XDG_CONFIG_HOME");
   if (xdg && xdg[0] == '/')
      return xAsprintf("%s/tcptop/%s", xdg, CONFIG_FILE_NAME);
   const char* home = Config_sudoHome();
   if (!home)
      home = getenv("HOME");
   if (!home || home[0] != '/') {
      struct passwd* pw = getpwuid(geteuid());
      home = pw ? pw->pw_dir : "/";
   }
   return xAsprintf("%s/.config/tcptop/%s", home, CONFIG_FILE_NAME);
}

void Config_writeComment(FILE* out, const char* text) {
   Buf b;
   Buf_init(&b);
   if (text[0])
      Buf_appendStr(&b, "# ");
   Option_wrap(&b, text, 76, "# ");
   fputs(Buf_cstr(&b), out);
   Buf_done(&b);
}

/* A key: its help (range or choices, default, command-line option), then its value. */
static void Config_dumpValue(FILE* out, const Settings* settings, const OptionEntry* o) {
   char* help = Option_describe(o, true);
   Config_writeComment(out, help);
   free(help);
   Buf value;
   Buf_init(&value);
   Option_format(settings, o, &value);
   const char* text = Buf_cstr(&value);
   fprintf(out, "%s =%s%s\n", o->key, text[0] ? " " : "", text);
   Buf_done(&value);
}

void Config_dump(FILE* out, const Settings* settings) {
   fprintf(out, "# tcptop.conf: the configuration in effect (tcptop --dump-config).\n"
                "# Read in order: %s, %s, then -c FILE;\n"
                "# command-line options win. A key given twice: the last one counts.\n",
           SYSCONFDIR "/tcptop/" CONFIG_FILE_NAME, "~/.config/tcptop/" CONFIG_FILE_NAME);
   size_t n;
   const OptionEntry* options = Settings_options(&n);
   for (int s = 0; Config_sections[s]; s++) {
      fprintf(out, "\n[%s]\n", Config_sections[s]);
      for (size_t i = 0; i < n; i++) {
         if (Config_inSection(&options[i], Config_sections[s]))
            Config_dumpValue(out, settings, &options[i]);
      }
   }
}
