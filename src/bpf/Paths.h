/*
 * Paths.h: where tcptop finds its probes, headers, compiler module, config
 * and cache, for an installed binary (configured prefix) or one run straight
 * from its build tree.
 */
#ifndef TCPTOP_PATHS_H
#define TCPTOP_PATHS_H

#include <stdbool.h>

/* Written by `make` next to the freshly built binary; never installed. */
#define PATHS_BUILD_MARKER ".tcptop-build-tree"

typedef struct Paths_ {
   char* probesDir;       /* built-in probe sources */
   char* includeDir;      /* tcptop.bpf.h and tcptop.h */
   char* compilerModule;  /* tcptop-clang.so */
   char* configDir;       /* $(sysconfdir)/tcptop */
   char* systemProbeDir;  /* $(sysconfdir)/tcptop/probes.d */
   bool buildTree;
} Paths;

void Paths_init(Paths* this);
void Paths_done(Paths* this);

/* Root: /var/cache/tcptop; others: $XDG_CACHE_HOME/tcptop or ~/.cache/tcptop. */
char* Paths_defaultCacheDir(void);

#endif
