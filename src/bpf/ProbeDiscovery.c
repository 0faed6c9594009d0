/*
 * ProbeDiscovery.c: built-in, then system, then command-line directories.
 */
#include "config.h"
#include "bpf/ProbeDiscovery.h"

int ProbeDiscovery_run(const Settings* settings, const Paths* paths, ProbeSet* set, char** err) {
   if (ProbeSet_addDir(set, paths->probesDir, true, false, err) < 0)
      return -1;
   if (ProbeSet_addDir(set, paths->systemProbeDir, false, true, err) < 0)
      return -1;
   for (int i = 0; i < settings->nProbeDirs; i++) {
      if (ProbeSet_addDir(set, settings->probeDirs[i], false, false, err) < 0)
         return -1;
   }
   return 0;
}
