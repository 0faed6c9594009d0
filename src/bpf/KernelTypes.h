/*
 * KernelTypes.h: where the running kernel's types come from for compiling
 * probes: its BTF (/sys/kernel/btf/vmlinux), or, without BTF, its headers
 * under /lib/modules/$(uname -r)/build.
 */
#ifndef TCPTOP_KERNELTYPES_H
#define TCPTOP_KERNELTYPES_H

#include <stdbool.h>

#include "bpf/Cache.h"
#include "bpf/Hash.h"

typedef struct KernelTypes_ {
   bool haveBtf;
   char* btfPath;
   char* headersDir;    /* fallback: kernel build tree with headers */
   HashDigest digest;   /* identity of the types, for cache keys */
   char* error;         /* neither is available: what to do */
   char* args[17];      /* cc1 arguments for the headers fallback */
} KernelTypes;

/*
 * btfPath NULL means /sys/kernel/btf/vmlinux; modulesDir NULL, /lib/modules.
 * cache (may be NULL) remembers the BTF digest for the current boot: the
 * kernel's BTF cannot change without a reboot, and hashing it costs a few ms.
 */
void KernelTypes_find(KernelTypes* this, const char* btfPath, const char* modulesDir, Cache* cache);
void KernelTypes_done(KernelTypes* this);

/* cc1 arguments (-I, -D) for the headers fallback; NULL-terminated. */
const char* const* KernelTypes_headerArgs(KernelTypes* this);
/* The vmlinux.h stand-in used with kernel headers. */
const char* KernelTypes_headersShim(void);

#endif
