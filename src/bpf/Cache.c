/*
 * Cache.c: entry = 8-byte magic, 8-byte payload length, 16-byte payload hash,
 * payload. Written atomically (temp file + rename), mode 0600, in the cache
 * directory held open since Cache_open checked it (SafeFile): entries are
 * read and written relative to it, never through a link.
 */
#include "config.h"
#include "bpf/Cache.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "core/SafeFile.h"
#include "core/XUtils.h"

bool Cache_bootKey(Hash* h, const char* kind) {
   Buf boot;
   Buf_init(&boot);
   bool ok = XUtils_readFile("/proc/sys/kernel/random/boot_id", &boot) == 0 && boot.len > 0;
   if (ok) {
      Hash_init(h);
      Hash_str(h, kind);
      Hash_field(h, boot.data, boot.len);
   }
   Buf_done(&boot);
   return ok;
}

#define CACHE_MAGIC "TCPTOPO1"
#define CACHE_HEADER 32

/* Trusted: owned by root or by us, and writable by nobody else. */
static bool Cache_trusted(const struct stat* st) {
   uid_t me = geteuid();
   return (st->st_uid == 0 || st->st_uid == me) && !(st->st_mode & (S_IWGRP | S_IWOTH));
}

void Cache_open(Cache* this, const char* dir) {
   memset(this, 0, sizeof(*this));
   this->dirFd = -1;
   if (!dir)
      return;
   this->dir = xStrdup(dir);
   bool refused;
   char* why = NULL;
   int fd = SafeFile_openDir(dir, 0700, &refused, &why);   /* missing directories made 0700 */
   struct stat st;
   if (fd < 0 && !refused)
      this->problem = xAsprintf("cache directory %s: %s", dir, why);
   else if (fd < 0 || fstat(fd, &st) < 0 || !Cache_trusted(&st))
      this->problem = xAsprintf("cache directory %s is not a directory owned by root (or you) and writable only by "
                                "its owner%s%s; not using it", dir, why ? ": " : "", why ? why : "");
   else
      this->dirFd = fd;
   if (fd >= 0 && this->dirFd < 0)
      close(fd);
   this->usable = this->dirFd >= 0;
   free(why);
}

void Cache_close(Cache* this) {
   if (this->dirFd >= 0)
      close(this->dirFd);
   free(this->dir);
   free(this->problem);
   memset(this, 0, sizeof(*this));
   this->dirFd = -1;
}

/* The entry's file name in the cache directory. */
static char* Cache_entryName(HashDigest key, const char* suffix) {
   char hex[33];
   HashDigest_hex(key, hex);
   return xAsprintf("%s%s", hex, suffix);
}

char* Cache_entryPath(const Cache* this, HashDigest key, const char* suffix) {
   char* name = Cache_entryName(key, suffix);
   char* path = xAsprintf("%s/%s", this->dir, name);
   free(name);
   return path;
}

static char* Cache_refuse(char** why, char* path, const char* reason) {
   if (why)
      *why = xAsprintf("ignored cache entry %s: %s", path, reason);
   free(path);
   return NULL;
}

char* Cache_get(Cache* this, HashDigest key, const char* suffix, size_t* len, char** why) {
   if (!this->usable)
      return NULL;
   char* name = Cache_entryName(key, suffix);
   int fd = openat(this->dirFd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
   free(name);
   if (fd < 0)
      return NULL;
   char* path = Cache_entryPath(this, key, suffix);
   struct stat st;
   if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || !Cache_trusted(&st)) {
      close(fd);
      return Cache_refuse(why, path, "not a regular file owned by root (or you) and writable only by its owner");
   }
   Buf b;
   Buf_init(&b);
   int err = XUtils_readFd(fd, &b);
   close(fd);
   if (err || b.len < CACHE_HEADER || memcmp(b.data, CACHE_MAGIC, 8) != 0) {
      Buf_done(&b);
      return Cache_refuse(why, path, "not a tcptop cache entry");
   }
   uint64_t plen;
   HashDigest stored;
   memcpy(&plen, b.data + 8, 8);
   memcpy(&stored.hi, b.data + 16, 8);
   memcpy(&stored.lo, b.data + 24, 8);
   HashDigest actual = Hash_of(b.data + CACHE_HEADER, b.len - CACHE_HEADER);
   if (plen != b.len - CACHE_HEADER || actual.hi != stored.hi || actual.lo != stored.lo) {
      Buf_done(&b);
      return Cache_refuse(why, path, "corrupt (length or checksum mismatch)");
   }
   free(path);
   char* obj = xMalloc(plen);
   memcpy(obj, b.data + CACHE_HEADER, plen);
   Buf_done(&b);
   *len = plen;
   return obj;
}

int Cache_put(Cache* this, HashDigest key, const char* suffix, const void* data, size_t len) {
   if (!this->usable)
      return 0;
   Buf b;
   Buf_init(&b);
   uint64_t plen = len;
   HashDigest sum = Hash_of(data, len);
   Buf_append(&b, CACHE_MAGIC, 8);
   Buf_append(&b, &plen, 8);
   Buf_append(&b, &sum.hi, 8);
   Buf_append(&b, &sum.lo, 8);
   Buf_append(&b, data, len);
   char* name = Cache_entryName(key, suffix);
   int err = SafeFile_replaceAt(this->dirFd, name, b.data, b.len, 0600, 0);
   free(name);
   Buf_done(&b);
   return err;
}
