/*
 * SafeFile.c: the path walked one component at a time from an open
 * directory (openat, fstatat, readlinkat), each directory checked on its
 * open descriptor; files opened O_NOFOLLOW, created O_EXCL.
 */
#include "config.h"
#include "core/SafeFile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>
#include <sys/stat.h>

#ifdef O_PATH
#define SAFEFILE_DIR_FLAGS (O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
#else
#define SAFEFILE_DIR_FLAGS (O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
#endif
#define SAFEFILE_MAX_LINKS 40

/* A user or group id from the environment: digits only, not -1. */
static bool SafeFile_parseId(const char* s, unsigned long* out) {
   if (!s || *s < '0' || *s > '9')
      return false;
   char* end;
   errno = 0;
   unsigned long v = strtoul(s, &end, 10);
   if (errno || *end || v >= UINT32_MAX)
      return false;
   *out = v;
   return true;
}

SafeFileUser SafeFile_invoker(void) {
   SafeFileUser u = { getuid(), getgid() };
   unsigned long uid, gid;
   if (u.uid == 0 && SafeFile_parseId(getenv("SUDO_UID"), &uid) && SafeFile_parseId(getenv("SUDO_GID"), &gid)) {
      u.uid = (uid_t)uid;
      u.gid = (gid_t)gid;
   }
   return u;
}

/* root, we, or the user we act for */
static bool SafeFile_ourUid(uid_t uid) {
   return uid == 0 || uid == geteuid() || uid == SafeFile_invoker().uid;
}

static bool SafeFile_ourGid(gid_t gid) {
   return gid == 0 || gid == getegid() || gid == SafeFile_invoker().gid;
}

/* NULL when only root and the user can change the directory's entries (or
 * it is sticky: no one removes or renames what is not theirs); else why. */
static char* SafeFile_dirProblem(const char* shown, const struct stat* st) {
   if (!SafeFile_ourUid(st->st_uid))
      return xAsprintf("the directory %s is owned by uid %u, not by root or you", shown, (unsigned)st->st_uid);
   bool othersWrite = (st->st_mode & S_IWOTH) || ((st->st_mode & S_IWGRP) && !SafeFile_ourGid(st->st_gid));
   if (othersWrite && !(st->st_mode & S_ISVTX))
      return xAsprintf("the directory %s can be written by other users (mode %04o) and is not sticky", shown,
                       (unsigned)(st->st_mode & 07777));
   return NULL;
}

/* NULL when the file may be written: a regular file of root's or the user's. */
static char* SafeFile_fileProblem(const char* path, const struct stat* st) {
   if (S_ISLNK(st->st_mode))
      return xAsprintf("%s is a symbolic link, which tcptop does not follow when writing", path);
   if (!S_ISREG(st->st_mode))
      return xAsprintf("%s is not a regular file", path);
   if (!SafeFile_ourUid(st->st_uid))
      return xAsprintf("%s is owned by uid %u, not by root or you", path, (unsigned)st->st_uid);
   return NULL;
}

typedef struct SafeFileWalk_ {
   int fd;             /* the directory reached, or AT_FDCWD before the first */
   Buf shown;          /* its path, for messages */
   char* rest;         /* what is left to walk, from pos */
   size_t pos;
   int links;
   mode_t mkdirMode;
   bool* refused;
   char** err;
} SafeFileWalk;

static int SafeFile_fail(SafeFileWalk* w, int e) {
   *w->err = xStrdup(strerror(e));
   return -1;
}

static int SafeFile_refuse(SafeFileWalk* w, char* why) {
   *w->refused = true;
   *w->err = why;
   return -1;
}

/* dir/name, for messages */
static char* SafeFile_join(const char* dir, const char* name) {
   size_t n = strlen(dir);
   return xAsprintf("%s%s%s", dir, n && dir[n - 1] != '/' ? "/" : "", name);
}

/* Enters the directory name (or "/", "." to start) and checks it. */
static int SafeFile_enter(SafeFileWalk* w, const char* name) {
   int fd = openat(w->fd, name, SAFEFILE_DIR_FLAGS);
   if (fd < 0)
      return SafeFile_fail(w, errno);
   if (w->fd >= 0)
      close(w->fd);
   w->fd = fd;
   char* shown = SafeFile_join(Buf_cstr(&w->shown), name);
   w->shown.len = 0;
   Buf_appendStr(&w->shown, shown);
   free(shown);
   struct stat st;
   if (fstat(fd, &st) < 0)
      return SafeFile_fail(w, errno);
   char* why = SafeFile_dirProblem(Buf_cstr(&w->shown), &st);
   return why ? SafeFile_refuse(w, why) : 0;
}

/* Back to / (an absolute path or link) or the working directory. */
static int SafeFile_restart(SafeFileWalk* w, bool absolute) {
   if (w->fd >= 0)
      close(w->fd);
   w->fd = AT_FDCWD;
   w->shown.len = 0;
   return SafeFile_enter(w, absolute ? "/" : ".");
}

/* The link name, when root's or the user's: its target takes its place in
 * what is left to walk. */
static int SafeFile_follow(SafeFileWalk* w, const char* name, const struct stat* st) {
   if (!SafeFile_ourUid(st->st_uid)) {
      char* shown = SafeFile_join(Buf_cstr(&w->shown), name);
      char* why = xAsprintf("%s is a symbolic link owned by uid %u, not by root or you", shown, (unsigned)st->st_uid);
      free(shown);
      return SafeFile_refuse(w, why);
   }
   char target[PATH_MAX];
   ssize_t n = readlinkat(w->fd, name, target, sizeof(target) - 1);
   if (++w->links > SAFEFILE_MAX_LINKS || n <= 0)
      return SafeFile_fail(w, n < 0 ? errno : n == 0 ? ENOENT : ELOOP);
   target[n] = '\0';
   char* rest = xAsprintf("%s/%s", target, w->rest + w->pos);
   free(w->rest);
   w->rest = rest;
   w->pos = 0;
   return target[0] == '/' ? SafeFile_restart(w, true) : 0;
}

/* One component: a link followed, or a directory entered (made first when
 * missing and allowed). */
static int SafeFile_step(SafeFileWalk* w, const char* name) {
   if (strcmp(name, ".") == 0)
      return 0;
   struct stat st;
   int rc = fstatat(w->fd, name, &st, AT_SYMLINK_NOFOLLOW);
   if (rc == 0 && S_ISLNK(st.st_mode))
      return SafeFile_follow(w, name, &st);
   if (rc < 0 && errno == ENOENT && w->mkdirMode && mkdirat(w->fd, name, w->mkdirMode) < 0 && errno != EEXIST)
      return SafeFile_fail(w, errno);
   return SafeFile_enter(w, name);
}

int SafeFile_openDir(const char* dir, mode_t mkdirMode, bool* refused, char** err) {
   SafeFileWalk w = { .fd = AT_FDCWD, .rest = xStrdup(dir), .mkdirMode = mkdirMode, .refused = refused, .err = err };
   Buf_init(&w.shown);
   *refused = false;
   int rc = SafeFile_restart(&w, dir[0] == '/');
   while (rc == 0) {
      size_t start = w.pos + strspn(w.rest + w.pos, "/");
      size_t len = strcspn(w.rest + start, "/");
      if (!len)
         break;
      char* name = xStrndup(w.rest + start, len);
      w.pos = start + len;
      rc = SafeFile_step(&w, name);
      free(name);
   }
   free(w.rest);
   Buf_done(&w.shown);
   if (rc < 0 && w.fd >= 0)
      close(w.fd);
   return rc < 0 ? -1 : w.fd;
}

int SafeFile_open(SafeFile* this, const char* path, mode_t mkdirMode, char** err) {
   *this = (SafeFile){ .dir = -1, .path = xStrdup(path) };
   const char* slash = strrchr(path, '/');
   const char* base = slash ? slash + 1 : path;
   if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0) {
      *err = xStrdup(strerror(EISDIR));
      return -1;
   }
   this->name = xStrdup(base);
   char* dir = !slash ? xStrdup(".") : xStrndup(path, slash == path ? 1 : (size_t)(slash - path));
   this->dir = SafeFile_openDir(dir, mkdirMode, &this->refused, err);
   free(dir);
   return this->dir < 0 ? -1 : 0;
}

void SafeFile_close(SafeFile* this) {
   if (this->dir >= 0)
      close(this->dir);
   free(this->name);
   free(this->path);
   this->dir = -1;
   this->name = this->path = NULL;
}

/* -1 with *err: why (refused), or the system's reason. */
static int SafeFile_failFile(SafeFile* this, char* why, int e, char** err) {
   this->refused = why != NULL;
   *err = why ? why : xStrdup(strerror(e));
   return -1;
}

/* fd when it (still) is a file we may write, O_NONBLOCK cleared; else
 * closed, and -1 with *err. */
static int SafeFile_checkOpen(SafeFile* this, int fd, char** err) {
   if (fd < 0 && errno == ELOOP)   /* O_NOFOLLOW met a link */
      return SafeFile_failFile(this, xAsprintf("%s is a symbolic link, which tcptop does not follow when writing",
                                               this->path), 0, err);
   if (fd < 0)
      return SafeFile_failFile(this, NULL, errno, err);
   struct stat st;
   int flags = 0, e = 0;
   char* why = NULL;
   if (fstat(fd, &st) < 0 || (flags = fcntl(fd, F_GETFL)) < 0)
      e = errno;
   else if (!(why = SafeFile_fileProblem(this->path, &st)) && fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0)
      e = errno;
   if (!why && !e)
      return fd;
   close(fd);
   return SafeFile_failFile(this, why, e, err);
}

/* A file just created becomes the invoking user's; when it cannot, it goes. */
static int SafeFile_give(SafeFile* this, int fd, char** err) {
   SafeFileUser u = SafeFile_invoker();
   struct stat st;
   if (fstat(fd, &st) == 0 && st.st_uid == u.uid && st.st_gid == u.gid)
      return fd;
   if (fchown(fd, u.uid, u.gid) == 0)
      return fd;
   int e = errno;
   close(fd);
   unlinkat(this->dir, this->name, 0);
   *err = xAsprintf("cannot give it to uid %u: %s", (unsigned)u.uid, strerror(e));
   return -1;
}

int SafeFile_append(SafeFile* this, mode_t mode, bool* created, char** err) {
   for (int tries = 0; tries < 3; tries++) {
      struct stat st;
      if (fstatat(this->dir, this->name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
         *created = false;
         char* why = SafeFile_fileProblem(this->path, &st);   /* before open: no device or FIFO opened */
         if (why)
            return SafeFile_failFile(this, why, 0, err);
         int fd = openat(this->dir, this->name, O_RDWR | O_APPEND | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
         return SafeFile_checkOpen(this, fd, err);
      }
      if (errno != ENOENT)
         return SafeFile_failFile(this, NULL, errno, err);
      *created = true;
      int fd = openat(this->dir, this->name, O_RDWR | O_APPEND | O_CREAT | O_EXCL | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC,
                      mode);
      if (fd >= 0)
         return SafeFile_give(this, fd, err);
      if (errno != EEXIST)   /* else made meanwhile: checked as an existing one */
         return SafeFile_failFile(this, NULL, errno, err);
   }
   return SafeFile_failFile(this, NULL, EEXIST, err);
}

int SafeFile_read(SafeFile* this, Buf* out, char** err) {
   int fd = openat(this->dir, this->name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
   if (fd < 0 && errno == ENOENT)
      return 0;
   fd = SafeFile_checkOpen(this, fd, err);
   if (fd < 0)
      return -1;
   int e = XUtils_readFd(fd, out);
   close(fd);
   return e ? SafeFile_failFile(this, NULL, e, err) : 0;
}

/* 64 bits for a temporary name: the system's entropy, else time and pid
 * (O_EXCL keeps even a guessed name from being followed). */
static uint64_t SafeFile_random(void) {
   uint64_t r;
   if (getentropy(&r, sizeof(r)) == 0)
      return r;
   static uint64_t counter;
   struct timespec ts;
   clock_gettime(CLOCK_REALTIME, &ts);
   return ((uint64_t)ts.tv_nsec << 24) ^ (uint64_t)ts.tv_sec ^ ((uint64_t)getpid() << 40) ^
          (++counter * 0x9E3779B97F4A7C15ull);
}

/* A new file beside name, NAME.tmp-<16 random hex digits>; its fd and
 * *tmp, or -1 with errno. */
static int SafeFile_temp(int dir, const char* name, mode_t mode, char** tmp) {
   for (int i = 0; i < 16; i++) {
      *tmp = xAsprintf("%s.tmp-%016llx", name, (unsigned long long)SafeFile_random());
      int fd = openat(dir, *tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC, mode);
      if (fd >= 0)
         return fd;
      int e = errno;
      free(*tmp);
      *tmp = NULL;
      if (e != EEXIST) {
         errno = e;
         return -1;
      }
   }
   errno = EEXIST;
   return -1;
}

/* The replacement of the invoking user's file is theirs too. 0 or an errno. */
static int SafeFile_keepOwner(int dir, const char* name, int fd) {
   struct stat old;
   if (fstatat(dir, name, &old, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(old.st_mode) ||
       old.st_uid != SafeFile_invoker().uid || old.st_uid == geteuid())
      return 0;
   return fchown(fd, old.st_uid, old.st_gid) < 0 ? errno : 0;
}

static void SafeFile_syncDir(int dir) {
   int fd = openat(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
   if (fd >= 0) {
      fsync(fd);
      close(fd);
   }
}

int SafeFile_replaceAt(int dir, const char* name, const void* data, size_t len, mode_t mode, int flags) {
   char* tmp = NULL;
   int fd = SafeFile_temp(dir, name, mode, &tmp);
   if (fd < 0)
      return errno;
   int err = XUtils_writeAll(fd, data, len);
   if (!err && fchmod(fd, mode) < 0)
      err = errno;
   if (!err && (flags & SAFEFILE_KEEP_OWNER))
      err = SafeFile_keepOwner(dir, name, fd);
   if (!err && (flags & SAFEFILE_SYNC) && fsync(fd) < 0)
      err = errno;
   if (close(fd) < 0 && !err)
      err = errno;
   if (!err && renameat(dir, tmp, dir, name) < 0)
      err = errno;
   if (err)
      unlinkat(dir, tmp, 0);
   else if (flags & SAFEFILE_SYNC)
      SafeFile_syncDir(dir);
   free(tmp);
   return err;
}
