/*
 * Cache.h: compiled probe objects on disk, keyed by a hash of everything that
 * affects the compiler's output. Entries are checked before use: a corrupt
 * entry, or one (or a directory) that root did not write, is never loaded.
 */
#ifndef TCPTOP_CACHE_H
#define TCPTOP_CACHE_H

#include <stdbool.h>
#include <stddef.h>

#include "bpf/Hash.h"

typedef struct Cache_ {
   char* dir;        /* NULL: caching off */
   int dirFd;        /* dir, open while usable; else -1 */
   bool usable;      /* dir exists (or was created) and is trusted */
   char* problem;    /* why it is not usable */
} Cache;

/* dir NULL disables the cache. Creates dir (mode 0700) when missing. The
 * directories on the way, and links, must be root's (or the user's) and
 * writable by no one else (SafeFile_openDir), dir writable only by its owner. */
void Cache_open(Cache* this, const char* dir);
void Cache_close(Cache* this);

/*
 * Returns a malloc'd object or NULL (miss, corrupt, untrusted). *why, when
 * given, is set (malloc'd) when an entry existed but was refused.
 */
char* Cache_get(Cache* this, HashDigest key, const char* suffix, size_t* len, char** why);
int Cache_put(Cache* this, HashDigest key, const char* suffix, const void* data, size_t len);

/* Entry kinds (file name suffixes). */
#define CACHE_OBJECT ".o"
#define CACHE_BTF_DIGEST ".btfsum"
#define CACHE_HOOK_ANSWER ".hook"   /* "" (available) or why not, for this boot */

/*
 * Starts a key for what is remembered only for this boot (the kernel's BTF
 * digest, what it can run): kind and the boot's id hashed. false when the
 * boot id cannot be read (then nothing is remembered).
 */
bool Cache_bootKey(Hash* h, const char* kind);

/* Path of an entry (malloc'd), for tests and diagnostics. */
char* Cache_entryPath(const Cache* this, HashDigest key, const char* suffix);

#endif
