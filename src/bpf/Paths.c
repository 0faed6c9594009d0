/*
 * Paths.c: installed layout from configure, or the build tree when the
 * binary sits next to the marker that `make` writes.
 */
#include "config.h"
#include "bpf/Paths.h"

#include <limits.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "core/XUtils.h"

static char* Paths_exeDir(void) {
   char buf[PATH_MAX];
   ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
   if (n <= 0)
      return NULL;
   buf[n] = '\0';
   char* slash = strrchr(buf, '/');
   if (!slash)
      return NULL;
   *slash = '\0';
   return xStrdup(buf);
}

/* Reads "key=value" from the build-tree marker. */
static char* Paths_markerValue(const char* text, const char* key) {
   size_t klen = strlen(key);
   for (const char* line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
      if (strncmp(line, key, klen) == 0 && line[klen] == '=') {
         const char* v = line + klen + 1;
         return xStrndup(v, strcspn(v, "\n"));
      }
   }
   return NULL;
}

static bool Paths_fromBuildTree(Paths* this) {
   char* dir = Paths_exeDir();
   if (!dir)
      return false;
   char* marker = xAsprintf("%s/%s", dir, PATHS_BUILD_MARKER);
   free(dir);
   struct stat st;
   Buf text;
   Buf_init(&text);
   bool ok = stat(marker, &st) == 0 && (st.st_uid == 0 || st.st_uid == geteuid()) &&
             !(st.st_mode & S_IWOTH) && XUtils_readFile(marker, &text) == 0;
   free(marker);
   char* src = ok ? Paths_markerValue(Buf_cstr(&text), "srcdir") : NULL;
   char* build = ok ? Paths_markerValue(Buf_cstr(&text), "builddir") : NULL;
   Buf_done(&text);
   if (src && build) {
      this->probesDir = xAsprintf("%s/probes", src);
      this->includeDir = xAsprintf("%s/probes", src);
      this->compilerModule = xAsprintf("%s/.libs/tcptop-clang.so", build);
      this->buildTree = true;
   }
   free(src);
   free(build);
   return this->buildTree;
}

void Paths_init(Paths* this) {
   memset(this, 0, sizeof(*this));
   this->configDir = xStrdup(SYSCONFDIR "/tcptop");
   this->systemProbeDir = xStrdup(SYSCONFDIR "/tcptop/probes.d");
   if (Paths_fromBuildTree(this))
      return;
   this->probesDir = xStrdup(PKGDATADIR "/probes");
   this->includeDir = xStrdup(PKGDATADIR "/include");
   this->compilerModule = xStrdup(PKGLIBDIR "/tcptop-clang.so");
}

void Paths_done(Paths* this) {
   free(this->probesDir);
   free(this->includeDir);
   free(this->compilerModule);
   free(this->configDir);
   free(this->systemProbeDir);
   memset(this, 0, sizeof(*this));
}

char* Paths_defaultCacheDir(void) {
   if (geteuid() == 0)
      return xStrdup("/var/cache/tcptop");
   const char* xdg = getenv("XDG_CACHE_HOME");
   if (xdg && xdg[0] == '/')
      return xAsprintf("%s/tcptop", xdg);
   const char* home = getenv("HOME");
   if (!home || home[0] != '/') {
      struct passwd* pw = getpwuid(geteuid());
      home = pw ? pw->pw_dir : "/tmp";
   }
   return xAsprintf("%s/.cache/tcptop", home);
}
