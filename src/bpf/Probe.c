/*
 * Probe.c: metadata parsing and probe discovery with override by name.
 */
#include "config.h"
#include "bpf/Probe.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char* const ProbeMeta_keys = "@name, @description, @hooks, @provides, @setting, @variants";

static void ProbeMeta_splitList(const char* value, char*** items, int* n) {
   char* copy = xStrdup(value);
   char* save = NULL;
   for (char* tok = strtok_r(copy, ", \t", &save); tok; tok = strtok_r(NULL, ", \t", &save)) {
      *items = xRealloc(*items, sizeof(char*) * (size_t)(*n + 1));
      (*items)[(*n)++] = xStrdup(tok);
   }
   free(copy);
}

/* Is this line (of the leading block) a comment line? Returns its text. */
static const char* ProbeMeta_commentText(const char* line, bool* inBlock) {
   while (*line == ' ' || *line == '\t')
      line++;
   if (*inBlock) {
      if (strstr(line, "*/"))
         *inBlock = false;
      return *line == '*' && line[1] != '/' ? line + 1 : line;
   }
   if (line[0] == '/' && line[1] == '/')
      return line + 2;
   if (line[0] == '/' && line[1] == '*') {
      *inBlock = strstr(line + 2, "*/") == NULL;
      return line + 2;
   }
   return NULL;
}

static int ProbeMeta_setKey(ProbeMeta* meta, const char* key, const char* value, int lineNo, char** err) {
   if (!*value) {
      *err = xAsprintf("line %d: @%s has no value", lineNo, key);
      return -1;
   }
   if (strcmp(key, "name") == 0 && !meta->name)
      meta->name = xStrdup(value);
   else if (strcmp(key, "description") == 0 && !meta->description)
      meta->description = xStrdup(value);
   else if (strcmp(key, "hooks") == 0)
      ProbeMeta_splitList(value, &meta->hooks, &meta->nHooks);
   else if (strcmp(key, "provides") == 0)
      ProbeMeta_splitList(value, &meta->provides, &meta->nProvides);
   else if (strcmp(key, "variants") == 0) {
      meta->variants = xRealloc(meta->variants, sizeof(char*) * (size_t)(meta->nVariants + 1));
      meta->variants[meta->nVariants++] = xStrdup(value);
   }
   else if (strcmp(key, "setting") == 0) {
      meta->settings = xRealloc(meta->settings, sizeof(char*) * (size_t)(meta->nSettings + 1));
      meta->settings[meta->nSettings++] = xStrdup(value);
   }
   else if (strcmp(key, "name") == 0 || strcmp(key, "description") == 0) {
      *err = xAsprintf("line %d: @%s given twice", lineNo, key);
      return -1;
   } else {
      *err = xAsprintf("line %d: unknown metadata key @%s (valid keys: %s)", lineNo, key, ProbeMeta_keys);
      return -1;
   }
   return 0;
}

/* Handles one comment line; "@key value" sets a key, anything else is prose. */
static int ProbeMeta_line(ProbeMeta* meta, const char* text, int lineNo, char** err) {
   while (*text == ' ' || *text == '\t' || *text == '!')
      text++;
   if (*text != '@' || !isalpha((unsigned char)text[1]))
      return 0;
   text++;
   size_t klen = strspn(text, "abcdefghijklmnopqrstuvwxyz_");
   char* key = xStrndup(text, klen);
   char* value = xStrdup(text + klen);
   char* end = strstr(value, "*/");
   if (end)
      *end = '\0';
   int rc = ProbeMeta_setKey(meta, key, XUtils_trim(value), lineNo, err);
   free(key);
   free(value);
   return rc;
}

int ProbeMeta_parse(const char* text, size_t len, ProbeMeta* meta, char** err) {
   memset(meta, 0, sizeof(*meta));
   *err = NULL;
   bool inBlock = false;
   int lineNo = 0;
   const char* p = text;
   while (p < text + len) {
      const char* nl = memchr(p, '\n', (size_t)(text + len - p));
      char* line = xStrndup(p, nl ? (size_t)(nl - p) : (size_t)(text + len - p));
      lineNo++;
      p = nl ? nl + 1 : text + len;
      bool blank = line[strspn(line, " \t\r")] == '\0';
      const char* comment = blank ? NULL : ProbeMeta_commentText(line, &inBlock);
      int rc = comment ? ProbeMeta_line(meta, comment, lineNo, err) : 0;
      free(line);
      if (rc < 0)
         goto fail;
      if (!blank && !comment)
         break;
   }
   if (!meta->description) {
      *err = xAsprintf("no @description line in the leading comment (keys: %s)", ProbeMeta_keys);
      goto fail;
   }
   if (meta->nHooks == 0) {
      *err = xAsprintf("no @hooks line in the leading comment (keys: %s)", ProbeMeta_keys);
      goto fail;
   }
   return 0;
fail:
   ProbeMeta_done(meta);
   return -1;
}

static void ProbeMeta_freeList(char** items, int n) {
   for (int i = 0; i < n; i++)
      free(items[i]);
   free(items);
}

void ProbeMeta_done(ProbeMeta* meta) {
   free(meta->name);
   free(meta->description);
   ProbeMeta_freeList(meta->hooks, meta->nHooks);
   ProbeMeta_freeList(meta->provides, meta->nProvides);
   ProbeMeta_freeList(meta->settings, meta->nSettings);
   ProbeMeta_freeList(meta->variants, meta->nVariants);
   memset(meta, 0, sizeof(*meta));
}

const char* Probe_originName(ProbeOrigin origin) {
   switch (origin) {
   case PROBE_BUILTIN: return "built-in";
   case PROBE_OVERRIDE: return "override";
   case PROBE_USER: return "user";
   }
   return "?";
}

const char* Probe_statusName(ProbeStatus status) {
   switch (status) {
   case PROBE_PENDING: return "not checked";
   case PROBE_OK: return "ok";
   case PROBE_COMPILED: return "compiles";
   case PROBE_LOADED: return "loads";
   case PROBE_BAD_METADATA: return "bad metadata";
   case PROBE_UNREADABLE: return "unreadable";
   case PROBE_COMPILE_ERROR: return "compile error";
   case PROBE_VERIFIER_REJECTED: return "verifier rejected";
   case PROBE_HOOK_UNAVAILABLE: return "hook unavailable";
   case PROBE_LOAD_ERROR: return "load error";
   case PROBE_INSECURE: return "refused";
   case PROBE_DISABLED: return "disabled";
   }
   return "?";
}

void Probe_setStatus(Probe* this, ProbeStatus status, const char* message) {
   this->status = status;
   free(this->message);
   this->message = message ? xStrdup(message) : NULL;
}

bool Probe_failed(const Probe* this) {
   return this->status >= PROBE_BAD_METADATA;
}

ProbeSetting* ProbeSetting_find(const Probe* this, const char* name) {
   for (int i = 0; i < this->nSettings; i++) {
      if (strcmp(this->settings[i].name, name) == 0)
         return &this->settings[i];
   }
   return NULL;
}

void Probe_addSetting(Probe* this, const ProbeSetting* setting) {
   this->settings = xRealloc(this->settings, sizeof(ProbeSetting) * (size_t)(this->nSettings + 1));
   ProbeSetting* s = &this->settings[this->nSettings++];
   *s = *setting;
   s->name = xStrdup(setting->name);
   s->help = setting->help ? xStrdup(setting->help) : NULL;
   size_t n = strlen(s->name);
   for (int i = 0; i < this->meta.nSettings && !s->help; i++) {
      const char* m = this->meta.settings[i];
      if (strncmp(m, s->name, n) == 0 && (m[n] == ' ' || m[n] == '\t'))
         s->help = xStrdup(m + n + strspn(m + n, " \t"));
   }
}

char* Probe_settingNames(const Probe* this) {
   Buf b;
   Buf_init(&b);
   for (int i = 0; i < this->nSettings; i++)
      Buf_printf(&b, "%s%s", i ? ", " : "", this->settings[i].name);
   if (!this->nSettings)
      Buf_appendStr(&b, "(none)");
   return Buf_cstr(&b);
}

void Probe_addMetric(Probe* this, const ProbeMetric* metric) {
   this->metrics = xRealloc(this->metrics, sizeof(ProbeMetric) * (size_t)(this->nMetrics + 1));
   ProbeMetric* m = &this->metrics[this->nMetrics++];
   *m = *metric;
   m->key = xStrdup(metric->key);
   m->title = xStrdup(metric->title);
   m->unit = xStrdup(metric->unit);
}

const char* ProbeMetric_aggName(ProbeMetricAgg agg) {
   switch (agg) {
   case PROBE_METRIC_SUM: return "sum";
   case PROBE_METRIC_MAX: return "max";
   case PROBE_METRIC_LAST: return "last";
   }
   return "?";
}

static void Probe_freeMetrics(Probe* this) {
   for (int i = 0; i < this->nMetrics; i++) {
      free(this->metrics[i].key);
      free(this->metrics[i].title);
      free(this->metrics[i].unit);
   }
   free(this->metrics);
}

static void Probe_free(Probe* this) {
   free(this->name);
   free(this->path);
   ProbeMeta_done(&this->meta);
   Buf_done(&this->source);
   free(this->message);
   free(this->object);
   for (int i = 0; i < this->nSettings; i++) {
      free(this->settings[i].name);
      free(this->settings[i].help);
   }
   free(this->settings);
   Probe_freeMetrics(this);
   free(this->attached);
   free(this->variant);
   free(this);
}

static Probe* Probe_new(const char* dir, const char* file, ProbeOrigin origin, const char* refused) {
   Probe* this = xCalloc(1, sizeof(*this));
   this->name = xStrndup(file, strlen(file) - strlen(PROBE_SUFFIX));
   this->path = xAsprintf("%s/%s", dir, file);
   this->origin = origin;
   Buf_init(&this->source);
   if (refused) {
      Probe_setStatus(this, PROBE_INSECURE, refused);
      return this;
   }
   int err = XUtils_readFile(this->path, &this->source);
   if (err) {
      char* msg = xAsprintf("cannot read %s: %s", this->path, strerror(err));
      Probe_setStatus(this, PROBE_UNREADABLE, msg);
      free(msg);
      return this;
   }
   char* why = NULL;
   if (ProbeMeta_parse(this->source.data, this->source.len, &this->meta, &why) < 0) {
      char* msg = xAsprintf("%s: %s", this->path, why);
      Probe_setStatus(this, PROBE_BAD_METADATA, msg);
      free(msg);
   } else if (this->meta.name && strcmp(this->meta.name, this->name) != 0) {
      char* msg = xAsprintf("%s: @name %s does not match the file name (expected %s)", this->path, this->meta.name, this->name);
      Probe_setStatus(this, PROBE_BAD_METADATA, msg);
      free(msg);
   }
   free(why);
   return this;
}

void ProbeSet_init(ProbeSet* this) {
   this->probes = NULL;
   this->count = 0;
   this->trustedUid = geteuid();
}

void ProbeSet_done(ProbeSet* this) {
   for (int i = 0; i < this->count; i++)
      Probe_free(this->probes[i]);
   free(this->probes);
   this->probes = NULL;
   this->count = 0;
}

int ProbeSet_checkTrust(const ProbeSet* this, const char* path, bool isDir, char** why) {
   struct stat st;
   if (stat(path, &st) < 0)
      return 0;   /* reported when it is read */
   const char* what = isDir ? "probe directory" : "probe file";
   if (st.st_uid != 0 && st.st_uid != this->trustedUid) {
      *why = xAsprintf("%s %s is owned by uid %u, not root: root would load its code into the kernel; "
                       "chown root it", what, path, (unsigned)st.st_uid);
      return -1;
   }
   if (st.st_mode & (S_IWGRP | S_IWOTH)) {
      *why = xAsprintf("%s %s is writable by %s (mode %04o): root would load its code into the kernel; "
                       "chmod go-w it", what, path, st.st_mode & S_IWOTH ? "anyone" : "its group",
                       (unsigned)(st.st_mode & 07777));
      return -1;
   }
   return 0;
}

Probe* ProbeSet_find(const ProbeSet* this, const char* name) {
   for (int i = 0; i < this->count; i++) {
      if (strcmp(this->probes[i]->name, name) == 0)
         return this->probes[i];
   }
   return NULL;
}

char* ProbeSet_names(const ProbeSet* this) {
   Buf b;
   Buf_init(&b);
   for (int i = 0; i < this->count; i++)
      Buf_printf(&b, "%s%s", i ? ", " : "", this->probes[i]->name);
   return Buf_cstr(&b);
}

static void ProbeSet_put(ProbeSet* this, Probe* probe) {
   for (int i = 0; i < this->count; i++) {
      Probe* old = this->probes[i];
      if (strcmp(old->name, probe->name) == 0) {
         if (probe->origin != PROBE_BUILTIN && old->origin != PROBE_USER)
            probe->origin = PROBE_OVERRIDE;
         Probe_free(old);
         this->probes[i] = probe;
         return;
      }
   }
   this->probes = xRealloc(this->probes, sizeof(Probe*) * (size_t)(this->count + 1));
   this->probes[this->count++] = probe;
}

static bool ProbeSet_validName(const char* file) {
   if (!XUtils_endsWith(file, PROBE_SUFFIX) || strlen(file) == strlen(PROBE_SUFFIX) || file[0] == '.')
      return false;
   size_t n = strlen(file) - strlen(PROBE_SUFFIX);
   for (size_t i = 0; i < n; i++) {
      if (!isalnum((unsigned char)file[i]) && file[i] != '_' && file[i] != '-')
         return false;
   }
   return true;
}

static int ProbeSet_compareNames(const void* a, const void* b) {
   return strcmp(*(char* const*)a, *(char* const*)b);
}

int ProbeSet_addDir(ProbeSet* this, const char* dir, bool builtin, bool optional, char** err) {
   DIR* d = opendir(dir);
   if (!d) {
      if (optional && errno == ENOENT)
         return 0;
      *err = xAsprintf("cannot read probe directory %s: %s", dir, strerror(errno));
      return -1;
   }
   char** files = NULL;
   size_t n = 0;
   for (struct dirent* e; (e = readdir(d)) != NULL;) {
      if (!ProbeSet_validName(e->d_name))
         continue;
      files = xRealloc(files, sizeof(char*) * (n + 1));
      files[n++] = xStrdup(e->d_name);
   }
   closedir(d);
   qsort(files, n, sizeof(char*), ProbeSet_compareNames);
   char* dirRefused = NULL;
   ProbeSet_checkTrust(this, dir, true, &dirRefused);
   for (size_t i = 0; i < n; i++) {
      char* path = xAsprintf("%s/%s", dir, files[i]);
      char* refused = NULL;   /* NULL: the probe may load */
      if (dirRefused)
         refused = xStrdup(dirRefused);
      else
         ProbeSet_checkTrust(this, path, false, &refused);
      ProbeSet_put(this, Probe_new(dir, files[i], builtin ? PROBE_BUILTIN : PROBE_USER, refused));
      free(refused);
      free(path);
      free(files[i]);
   }
   free(dirRefused);
   free(files);
   return 0;
}

Probe* ProbeSet_addFile(ProbeSet* this, const char* path, char** err) {
   const char* slash = strrchr(path, '/');
   const char* file = slash ? slash + 1 : path;
   if (!ProbeSet_validName(file)) {
      *err = xAsprintf("%s: a probe file is named NAME%s (letters, digits, _ and -)", path, PROBE_SUFFIX);
      return NULL;
   }
   char* dir = slash ? xStrndup(path, slash == path ? 1 : (size_t)(slash - path)) : xStrdup(".");
   char* refused = NULL;   /* NULL: the probe may load */
   if (ProbeSet_checkTrust(this, dir, true, &refused) == 0)
      ProbeSet_checkTrust(this, path, false, &refused);
   Probe* probe = Probe_new(dir, file, PROBE_USER, refused);
   free(refused);
   free(dir);
   ProbeSet_put(this, probe);
   return probe;
}
