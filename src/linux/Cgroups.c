/*
 * Cgroups.c (Linux): cgroup v2 ids and network namespaces named.
 *
 * A cgroup v2 id is the inode number of the cgroup's directory in the v2
 * hierarchy (what bpf_get_current_cgroup_id returns), so the tree found
 * from /proc/self/mountinfo (cgroup2: /sys/fs/cgroup, or
 * /sys/fs/cgroup/unified in the hybrid layout) is walked once and its
 * directories remembered by inode; an unknown id walks it again, at most
 * every CGROUPS_RESCAN seconds. Cgroups removed since stay known. Network
 * namespaces are named by the files of /run/netns (`ip netns`), matched by
 * the inode stat gives them.
 */
#include "config.h"
#include "linux/Cgroups.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/CgroupName.h"
#include "core/Names.h"
#include "core/XUtils.h"

#define NAMES_DEPTH 32
#define NAMES_SHORT 64

typedef struct NamesCgroup_ {
   uint64_t id;
   char* path;
   char name[NAMES_SHORT];
} NamesCgroup;

typedef struct NamesNetns_ {
   uint32_t inode;
   char name[64];
} NamesNetns;

static struct {
   char* root;              /* the v2 mount point; "" when there is none */
   NamesCgroup* cgroups;    /* sorted by id */
   size_t nCgroups, capCgroups;
   double cgroupsScanned;   /* monotonic seconds; 0 never */
   NamesNetns* netns;
   size_t nNetns;
   double netnsScanned;
} Names;

static double Names_clock(void) {
   struct timespec ts;
   clock_gettime(CLOCK_MONOTONIC, &ts);
   return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The cgroup2 mount point from /proc/self/mountinfo: field 5, with the
 * filesystem type after " - ". */
static const char* Names_root(void) {
   if (Names.root)
      return Names.root;
   Names.root = xStrdup("");
   FILE* f = fopen("/proc/self/mountinfo", "re");
   char line[4096];
   while (f && fgets(line, sizeof(line), f)) {
      char* sep = strstr(line, " - ");
      char mount[1024];
      if (!sep || strncmp(sep + 3, "cgroup2 ", 8) != 0 || sscanf(line, "%*s %*s %*s %*s %1023s", mount) != 1)
         continue;
      free(Names.root);
      Names.root = xStrdup(mount);   /* octal escapes (\040) do not occur in the usual places */
      break;
   }
   if (f)
      fclose(f);
   return Names.root;
}

static int Names_cmpCgroup(const void* a, const void* b) {
   uint64_t x = ((const NamesCgroup*)a)->id, y = ((const NamesCgroup*)b)->id;
   return x < y ? -1 : x > y;
}

static NamesCgroup* Names_findCgroup(uint64_t id) {
   NamesCgroup key = { .id = id };
   return Names.nCgroups ? bsearch(&key, Names.cgroups, Names.nCgroups, sizeof(NamesCgroup), Names_cmpCgroup) : NULL;
}

/* Remembers id as path (unsorted: Names_sort after). */
static void Names_add(uint64_t id, const char* path) {
   if (Names.nCgroups == Names.capCgroups) {
      Names.capCgroups = Names.capCgroups ? Names.capCgroups * 2 : 256;
      Names.cgroups = xRealloc(Names.cgroups, Names.capCgroups * sizeof(NamesCgroup));
   }
   NamesCgroup* c = &Names.cgroups[Names.nCgroups++];
   c->id = id;
   c->path = xStrdup(path);
   CgroupName_short(path, c->name, sizeof(c->name));
}

/* Sorts, keeping the first of each id (the one known before). */
static void Names_sort(void) {
   qsort(Names.cgroups, Names.nCgroups, sizeof(NamesCgroup), Names_cmpCgroup);
   size_t k = 0;
   for (size_t i = 0; i < Names.nCgroups; i++) {
      if (k && Names.cgroups[k - 1].id == Names.cgroups[i].id) {
         free(Names.cgroups[i].path);
         continue;
      }
      Names.cgroups[k++] = Names.cgroups[i];
   }
   Names.nCgroups = k;
}

/* The directories below dirFd (path: its path below the root). */
static void Names_walk(int dirFd, const char* path, int depth) {
   DIR* d = fdopendir(dirFd);
   if (!d) {
      close(dirFd);
      return;
   }
   for (struct dirent* e; (e = readdir(d));) {
      if (e->d_type != DT_DIR || e->d_name[0] == '.')
         continue;
      char sub[4096];
      if (snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name) >= (int)sizeof(sub))
         continue;
      if (!Names_findCgroup(e->d_ino))
         Names_add(e->d_ino, sub);
      int fd = depth < NAMES_DEPTH ? openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
      if (fd >= 0)
         Names_walk(fd, sub, depth + 1);
   }
   closedir(d);
}

static void Names_scanCgroups(void) {
   double now = Names_clock();
   if (Names.cgroupsScanned && now - Names.cgroupsScanned < CGROUPS_RESCAN)
      return;
   Names.cgroupsScanned = now;
   const char* root = Names_root();
   int fd = root[0] ? open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
   struct stat st;
   if (fd < 0)
      return;
   if (fstat(fd, &st) == 0 && !Names_findCgroup(st.st_ino))
      Names_add(st.st_ino, "/");
   Names_walk(fd, "", 1);
   Names_sort();
}

static const NamesCgroup* Names_cgroup(uint64_t id) {
   if (!id)
      return NULL;
   const NamesCgroup* c = Names_findCgroup(id);
   if (!c) {
      Names_scanCgroups();
      c = Names_findCgroup(id);
   }
   return c;
}

const char* Cgroups_path(uint64_t id) {
   const NamesCgroup* c = Names_cgroup(id);
   return c ? c->path : NULL;
}

const char* Cgroups_name(uint64_t id) {
   const NamesCgroup* c = Names_cgroup(id);
   return c ? c->name : NULL;
}

uint64_t Cgroups_ofPath(const char* path) {
   const char* root = Names_root();
   char full[4096];
   struct stat st;
   if (!root[0] || path[0] != '/' || strstr(path, "/..") ||
       snprintf(full, sizeof(full), "%s%s", root, path) >= (int)sizeof(full) || stat(full, &st) < 0 ||
       !S_ISDIR(st.st_mode))
      return 0;
   if (!Names_findCgroup(st.st_ino)) {
      Names_add(st.st_ino, path[1] ? path : "/");
      Names_sort();
   }
   return st.st_ino;
}

static void Names_scanNetns(void) {
   double now = Names_clock();
   if (Names.netnsScanned && now - Names.netnsScanned < CGROUPS_RESCAN)
      return;
   Names.netnsScanned = now;
   Names.nNetns = 0;
   DIR* d = opendir("/run/netns");
   for (struct dirent* e; d && (e = readdir(d));) {
      struct stat st;
      if (e->d_name[0] == '.' || fstatat(dirfd(d), e->d_name, &st, 0) < 0)
         continue;
      Names.netns = xRealloc(Names.netns, (Names.nNetns + 1) * sizeof(NamesNetns));
      Names.netns[Names.nNetns].inode = (uint32_t)st.st_ino;
      snprintf(Names.netns[Names.nNetns].name, sizeof(Names.netns[0].name), "%.63s", e->d_name);
      Names.nNetns++;
   }
   if (d)
      closedir(d);
}

static const char* Names_findNetns(uint32_t inode) {
   for (size_t i = 0; i < Names.nNetns; i++) {
      if (Names.netns[i].inode == inode)
         return Names.netns[i].name;
   }
   return NULL;
}

const char* Cgroups_netnsName(uint32_t inode) {
   if (!inode)
      return NULL;
   const char* name = Names_findNetns(inode);
   if (!name) {
      Names_scanNetns();
      name = Names_findNetns(inode);
   }
   return name;
}

const NamesOps Names_os = { .cgroupPath = Cgroups_path, .cgroupName = Cgroups_name, .netns = Cgroups_netnsName };
