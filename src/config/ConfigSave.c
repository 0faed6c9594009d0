/*
 * ConfigSave.c: Config_saveDisplay, for the setup screen: [display] columns=
 * and sort= changed in the user's file, every other line kept as it is; the
 * file replaced atomically, never through a link (SafeFile).
 */
#include "config.h"
#include "config/Config.h"

#include <stdlib.h>
#include <string.h>

#include "core/Column.h"
#include "core/SafeFile.h"
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
   /* missing directories made 0700; no link followed to the file itself */
   SafeFile sf;
   char* why = NULL;
   Buf old;
   Buf_init(&old);
   int rc = SafeFile_open(&sf, path, 0700, &why) < 0 ? -1 : SafeFile_read(&sf, &old, &why);
   ConfigSave s = { .keys = { "columns", "sort" }, .values = { columns, sort } };
   Buf_init(&s.out);
   if (rc == 0) {
      ConfigSave_edit(&s, old.data ? old.data : "", old.len);
      int e = SafeFile_replaceAt(sf.dir, sf.name, s.out.data, s.out.len, 0600, SAFEFILE_SYNC | SAFEFILE_KEEP_OWNER);
      why = e ? xStrdup(strerror(e)) : NULL;
      rc = e ? -1 : 0;
   }
   if (rc < 0)
      *err = xAsprintf("cannot save the display settings to %s: %s", path, why);
   free(why);
   Buf_done(&s.out);
   Buf_done(&old);
   SafeFile_close(&sf);
   return rc;
}
