/*
 * Cache.c: entry = 8-byte magic, 8-byte payload length, 16-byte payload hash,
 * payload. Written atomically (temp file + rename), mode 0600.
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

static int Cache_mkdirs(const char* dir) {
   char* p = xStrdup(dir);
   for (char* s = p + 1; *s; s++) {
      if (*s != '/')
         continue;
      *s = '\0';
      if (mkdir(p, 0755) < 0 && errno != EEXIST) {
         int err = errno;
         free(p);
         return err;
      }
      *s = '/';
   }
   int err = mkdir(p, 0700) < 0 && errno != EEXIST ? errno : 0;
   free(p);
   return err;
}

void Cache_open(Cache* this, const char* dir) {
   memset(this, 0, sizeof(*this));
   if (!dir)
      return;
   this->dir = xStrdup(dir);
   int err = Cache_mkdirs(dir);
   struct stat st;
   if (err || stat(dir, &st) < 0) {
      this->problem = xAsprintf("cache directory %s: %s", dir, strerror(err ? err : errno));
   } else if (!S_ISDIR(st.st_mode) || !Cache_trusted(&st)) {
      this->problem = xAsprintf("cache directory %s is not a directory owned by root (or you) and writable only by its owner; not using it", dir);
   } else {
      this->usable = true;
   }
}

void Cache_close(Cache* this) {
   free(this->dir);
   free(this->problem);
   memset(this, 0, sizeof(*this));
}

char* Cache_entryPath(const Cache* this, HashDigest key, const char* suffix) {
   char hex[33];
   HashDigest_hex(key, hex);
   return xAsprintf("%s/%s%s", this->dir, hex, suffix);
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
   char* path = Cache_entryPath(this, key, suffix);
   int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
   if (fd < 0) {
      free(path);
      return NULL;
   }
   struct stat st;
   bool trusted = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && Cache_trusted(&st);
   close(fd);
   if (!trusted)
      return Cache_refuse(why, path, "not a regular file owned by root (or you) and writable only by its owner");
   Buf b;
   Buf_init(&b);
   if (XUtils_readFile(path, &b) != 0 || b.len < CACHE_HEADER || memcmp(b.data, CACHE_MAGIC, 8) != 0) {
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
   char* path = Cache_entryPath(this, key, suffix);
   int err = XUtils_writeFileAtomic(path, b.data, b.len, 0600);
   free(path);
   Buf_done(&b);
   return err;
}
