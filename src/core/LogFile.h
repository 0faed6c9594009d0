/*
 * LogFile.h: the --log file, opened at the start, before any backend is
 * chosen: tcptop's own log of the same columns is continued (appended to,
 * no second header), a new one is created (O_EXCL, mode 0600, the invoking
 * user's); anything else is refused and left as it was (SafeFile).
 */
#ifndef TCPTOP_LOGFILE_H
#define TCPTOP_LOGFILE_H

#include <stdbool.h>
#include <stdio.h>

typedef struct LogFile_ {
   FILE* file;        /* NULL: no log (or handed to Monitor_init) */
   char* path;
   char* header;      /* a continued log's first line; NULL: a new (or empty) log */
   bool refused;      /* after a failure: bad input (exit 2), not a log that
                       * cannot be written (exit 1) */
   int group;         /* GroupKey: a log of group rows (--group), GROUP_NONE: of connections */
} LogFile;

/*
 * Opens path (NULL or empty: no log) for rows of connections, or of groups
 * by group (a GroupKey, --group). An existing log must begin with the
 * built-in columns' header (a group log: have the group columns'); the
 * probes' metric columns that may follow are checked by
 * LogFile_checkColumns. 0, or -1 with *err and this->refused.
 */
int LogFile_open(LogFile* this, const char* path, int group, char** err);
/* A continued log's header is the one tcptop writes for every column now
 * known (the probes' metrics too); 0, or -1 with *err (bad input). */
int LogFile_checkColumns(LogFile* this, char** err);
/* Closes the file unless handed over, and frees. */
void LogFile_close(LogFile* this);

#endif
