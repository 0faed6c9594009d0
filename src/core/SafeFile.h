/*
 * SafeFile.h: the files tcptop writes, often as root (the --log, the saved
 * configuration, the probe cache), opened so that no other user can turn
 * them into another file: every directory on the way is owned by root or
 * the invoking user and writable by no one else unless sticky; a symbolic
 * link on the way is followed only when root or that user owns it; the file
 * itself is never opened through a link. POSIX only.
 */
#ifndef TCPTOP_SAFEFILE_H
#define TCPTOP_SAFEFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "core/XUtils.h"

/* The user tcptop acts for: SUDO_UID and SUDO_GID when root started it
 * through sudo, else the real uid and gid. */
typedef struct SafeFileUser_ {
   uid_t uid;
   gid_t gid;
} SafeFileUser;

SafeFileUser SafeFile_invoker(void);

/* A path whose directory was checked and is held open. */
typedef struct SafeFile_ {
   int dir;          /* the directory, for the *at calls; -1 when closed */
   char* name;       /* the last component */
   char* path;       /* as given, for messages */
   bool refused;     /* after a failure: the path is unsafe or not ours (bad
                      * input), not a system error (missing, not permitted) */
} SafeFile;

/*
 * Opens dir, walking it from / (or the working directory) one component at
 * a time; missing directories are made with mkdirMode, unless it is 0. The
 * fd (O_PATH where there is one), or -1 with *err: what is wrong (*refused),
 * or the system's reason alone (strerror).
 */
int SafeFile_openDir(const char* dir, mode_t mkdirMode, bool* refused, char** err);

/* Opens path's directory (SafeFile_openDir). 0, or -1 with *err and
 * this->refused. */
int SafeFile_open(SafeFile* this, const char* path, mode_t mkdirMode, char** err);
void SafeFile_close(SafeFile* this);

/*
 * The file to append to: an existing regular file owned by root or the
 * invoking user (opened to read and append), else a new one, created
 * O_EXCL with mode and given to the invoking user (*created). The fd, or -1
 * with *err and this->refused. Never truncated, never chmod'ed.
 */
int SafeFile_append(SafeFile* this, mode_t mode, bool* created, char** err);

/* Reads the file, a regular file owned by root or the invoking user, into
 * out; a missing file reads as empty. 0, or -1 with *err and this->refused. */
int SafeFile_read(SafeFile* this, Buf* out, char** err);

/* SafeFile_replaceAt flags */
#define SAFEFILE_SYNC 1         /* fsync the file and the directory */
#define SAFEFILE_KEEP_OWNER 2   /* the invoking user's file stays theirs */

/*
 * Replaces name in the directory dir atomically: a temporary file of a
 * random name beside it (O_EXCL, O_NOFOLLOW), written, given mode, renamed
 * over name. 0, or an errno.
 */
int SafeFile_replaceAt(int dir, const char* name, const void* data, size_t len, mode_t mode, int flags);

#endif
