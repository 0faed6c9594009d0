/*
 * LogFile.c: the --log opened safely (SafeFile_append) and its header
 * compared with the one Output writes.
 */
#include "config.h"
#include "core/LogFile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/Column.h"
#include "core/Groups.h"
#include "core/Output.h"
#include "core/SafeFile.h"
#include "core/XUtils.h"

/* A log's header line is read up to this length. */
#define LOGFILE_HEADER_MAX 16384

static int LogFile_otherColumns(LogFile* this, char** err) {
   this->refused = true;
   *err = xAsprintf("the log %s has other columns (its header differs): choose a new file for --log or move %s away",
                    this->path, this->path);
   return -1;
}

/* The header, or the start of it the built-in columns make (probes' metric
 * columns follow them), is the one Output writes. */
static bool LogFile_fits(const char* header, const ColumnList* columns, bool prefix) {
   char* want = Output_csvHeader(columns);
   size_t n = strlen(want);
   bool fits = strncmp(header, want, n) == 0 && (header[n] == '\0' || (prefix && header[n] == ','));
   free(want);
   return fits;
}

/* An existing log's first line into this->header (none when it is empty);
 * 0, or -1 with *err. */
static int LogFile_readHeader(LogFile* this, int fd, char** err) {
   char* buf = xMalloc(LOGFILE_HEADER_MAX);
   ssize_t n = pread(fd, buf, LOGFILE_HEADER_MAX, 0);
   int e = errno;
   char* nl = n > 0 ? memchr(buf, '\n', (size_t)n) : NULL;
   if (nl)
      this->header = xStrndup(buf, (size_t)(nl - buf));
   free(buf);
   if (n < 0) {
      *err = xAsprintf("cannot read the log %s: %s; choose a readable file for --log", this->path, strerror(e));
      return -1;
   }
   ColumnList builtin = { .count = COLUMN_BUILTIN_COUNT };
   for (int i = 0; i < COLUMN_BUILTIN_COUNT; i++)
      builtin.ids[i] = i;
   if (this->group != GROUP_NONE)
      Groups_columns((GroupKey)this->group, &builtin);
   if (n > 0 && (!nl || !LogFile_fits(this->header, &builtin, this->group == GROUP_NONE)))
      return LogFile_otherColumns(this, err);
   return 0;
}

/* The stream of fd (closed on failure); 0, or -1 with *err. */
static int LogFile_stream(LogFile* this, int fd, char** err) {
   this->file = fdopen(fd, "a");
   if (!this->file) {
      *err = xAsprintf("cannot write the log %s: %s", this->path, strerror(errno));
      close(fd);
      return -1;
   }
   setvbuf(this->file, NULL, _IOFBF, 1 << 16);
   return 0;
}

int LogFile_open(LogFile* this, const char* path, int group, char** err) {
   *this = (LogFile){ .group = group };
   if (!path || !path[0])
      return 0;
   this->path = xStrdup(path);
   SafeFile sf;
   char* why = NULL;
   bool created = true;
   int fd = SafeFile_open(&sf, path, 0, &why) < 0 ? -1 : SafeFile_append(&sf, 0600, &created, &why);
   this->refused = sf.refused;
   SafeFile_close(&sf);
   if (fd < 0) {
      if (this->refused)
         *err = xAsprintf("refusing the log %s: %s; choose another file for --log", path, why);
      else
         *err = xAsprintf("cannot %s the log %s: %s; choose a writable path for --log", created ? "create" : "open",
                          path, why);
      free(why);
      return -1;
   }
   if (!created && LogFile_readHeader(this, fd, err) < 0) {
      close(fd);
      return -1;
   }
   return LogFile_stream(this, fd, err);
}

int LogFile_checkColumns(LogFile* this, char** err) {
   if (!this->header || this->group != GROUP_NONE)
      return 0;   /* a group log's columns are all built-in: checked at the open */
   ColumnList all;
   ColumnList_all(&all);
   return LogFile_fits(this->header, &all, false) ? 0 : LogFile_otherColumns(this, err);
}

void LogFile_close(LogFile* this) {
   if (this->file)
      fclose(this->file);
   free(this->path);
   free(this->header);
   *this = (LogFile){ .file = NULL };
}
