/*
 * ConfigSave.c: Config_saveDisplay, for the setup screen: [display] columns=
 * and sort= changed in the user's file, every other line kept as it is.
 */
#include "config.h"
#include "config/Config.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "core/Column.h"
#include "core/XUtils.h"

typedef struct ConfigSave_ {
   const char* keys[2];     /* "columns", "sort" */
   const char* values[2];   /* NULL: leave it */
   bool done[2];
   Buf out;
   bool inDisplay;
   bool sawDisplay;
   size_t insertAt;         /* after the last key line (or the header) of the last [display] */
} ConfigSave;

/* The key of a "key = value" line, or NULL (blank, comment, section). */
static char* ConfigSave_key(const char* line, size_t len) {
   size_t i = strspn(line, " \t");
   if (i >= len || strchr(";#[\r\n", line[i]))
      return NULL;
   size_t end = i;
   while (end < len && line[end] != '=' && line[end] != ':')
      end++;
   if (end == len)
      return NULL;
   char* key = xStrndup(line + i, end - i);
   char* trimmed = XUtils_trim(key);
   memmove(key, trimmed, strlen(trimmed) + 1);
   return key;
}

/* The keys [display] lacks, at the end of its last occurrence. */
static void ConfigSave_insertMissing(ConfigSave* this) {
   Buf add;
   Buf_init(&add);
   for (int k = 0; k < 2; k++) {
      if (this->values[k] && !this->done[k])
         Buf_printf(&add, "%s = %s\n", this->keys[k], this->values[k]);
      this->done[k] = true;
   }
   Buf rest;
   Buf_init(&rest);
   Buf_append(&rest, this->out.data + this->insertAt, this->out.len - this->insertAt);
   this->out.len = this->insertAt;
   Buf_append(&this->out, add.data, add.len);
   Buf_append(&this->out, rest.data, rest.len);
   Buf_done(&add);
   Buf_done(&rest);
}

static void ConfigSave_line(ConfigSave* this, const char* line, size_t len) {
   size_t i = strspn(line, " \t");
   bool blank = i >= len || line[i] == '\r' || line[i] == '\n';
   if (!blank && line[i] == '[') {
      bool display = len - i >= 9 && strncmp(line + i, "[display]", 9) == 0;
      this->inDisplay = display;
      if (display) {
         this->sawDisplay = true;
         this->insertAt = this->out.len + len;
      }
   }
   char* key = this->inDisplay ? ConfigSave_key(line, len) : NULL;
   int k = !key ? -1 : strcmp(key, "columns") == 0 ? 0 : strcmp(key, "sort") == 0 ? 1 : -1;
   bool isKey = key != NULL;
   free(key);
   if (k >= 0 && this->values[k]) {
      Buf_printf(&this->out, "%s = %s\n", this->keys[k], this->values[k]);
      this->done[k] = true;
   } else {
      Buf_append(&this->out, line, len);
   }
   if (this->inDisplay && isKey)
      this->insertAt = this->out.len;   /* comments after the last key may belong to the next section */
}

/* The new text of the file from its old text. */
static void ConfigSave_edit(ConfigSave* this, const char* text, size_t len) {
   for (size_t pos = 0; pos < len;) {
      const char* nl = memchr(text + pos, '\n', len - pos);
      size_t lineLen = nl ? (size_t)(nl - text - pos) + 1 : len - pos;
      ConfigSave_line(this, text + pos, lineLen);
      pos += lineLen;
   }
   if (this->out.len && this->out.data[this->out.len - 1] != '\n') {
      bool atEnd = this->insertAt == this->out.len;
      Buf_appendStr(&this->out, "\n");
      if (atEnd)
         this->insertAt = this->out.len;
   }
   if (this->sawDisplay) {
      ConfigSave_insertMissing(this);
      return;
   }
   Buf_appendStr(&this->out, this->out.len ? "\n[display]\n" : "[display]\n");
   this->insertAt = this->out.len;
   ConfigSave_insertMissing(this);
}

/* mkdir -p, each missing directory 0700. 0 or an errno. */
static int ConfigSave_mkdirs(const char* dir) {
   struct stat st;
   if (stat(dir, &st) == 0)
      return S_ISDIR(st.st_mode) ? 0 : ENOTDIR;
   char* copy = xStrdup(dir);
   char* parent = dirname(copy);
   int err = strcmp(parent, dir) != 0 ? ConfigSave_mkdirs(parent) : 0;
   free(copy);
   if (!err && mkdir(dir, 0700) < 0 && errno != EEXIST)
      err = errno;
   return err;
}

/* Temporary file in the same directory, fsync, rename, fsync the directory. */
static int ConfigSave_write(const char* path, const char* dir, const Buf* text) {
   char* tmp = xAsprintf("%s.XXXXXX", path);
   int fd = mkostemp(tmp, O_CLOEXEC);
   int err = fd < 0 ? errno : 0;
   if (!err && fchmod(fd, 0600) < 0)
      err = errno;
   for (size_t done = 0; !err && done < text->len;) {
      ssize_t n = write(fd, text->data + done, text->len - done);
      if (n < 0 && errno != EINTR)
         err = errno;
      done += n > 0 ? (size_t)n : 0;
   }
   if (!err && fsync(fd) < 0)
      err = errno;
   if (fd >= 0 && close(fd) < 0 && !err)
      err = errno;
   if (!err && rename(tmp, path) < 0)
      err = errno;
   if (err && fd >= 0)
      unlink(tmp);
   free(tmp);
   int dfd = err ? -1 : open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
   if (dfd >= 0) {
      fsync(dfd);
      close(dfd);
   }
   return err;
}

static bool ConfigSave_valid(const char* columns, const char* sort, char** err) {
   ColumnList list;
   SortOrder order;
   char* why = NULL;
   if ((columns && ColumnList_parse(&list, columns, &why) < 0) || (sort && SortOrder_parse(&order, sort, &why) < 0)) {
      *err = why;
      return false;
   }
   if ((columns && strpbrk(columns, "\n\r;#")) || (sort && strpbrk(sort, "\n\r;#"))) {
      *err = xStrdup("a value cannot hold a line break, ';' or '#'");
      return false;
   }
   return true;
}

int Config_saveDisplay(const char* path, const char* columns, const char* sort, char** err) {
   if (!ConfigSave_valid(columns, sort, err))
      return -1;
   /* a symbolic link keeps pointing at the file it names */
   char* real = realpath(path, NULL);
   const char* target = real ? real : path;
   char* copy = xStrdup(target);
   char* dir = xStrdup(dirname(copy));
   free(copy);
   Buf old;
   Buf_init(&old);
   int e = ConfigSave_mkdirs(dir);
   int readErr = e ? 0 : XUtils_readFile(target, &old);
   if (!e && readErr && readErr != ENOENT)
      e = readErr;
   ConfigSave s = { .keys = { "columns", "sort" }, .values = { columns, sort } };
   Buf_init(&s.out);
   if (!e) {
      ConfigSave_edit(&s, old.data ? old.data : "", old.len);
      e = ConfigSave_write(target, dir, &s.out);
   }
   if (e)
      *err = xAsprintf("cannot save the display settings to %s: %s", target, strerror(e));
   Buf_done(&s.out);
   Buf_done(&old);
   free(dir);
   free(real);
   return e ? -1 : 0;
}
