/*
 * ProcOwners.c: one scan of /proc/[pid]/fd, inodes matched by binary search.
 */
#include "config.h"
#include "linux/ProcOwners.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "linux/Cgroups.h"
#include "core/XUtils.h"

int ProcOwners_cmpInode(const void* a, const void* b) {
   uint32_t x = ((const ProcOwner*)a)->inode, y = ((const ProcOwner*)b)->inode;
   return x < y ? -1 : x > y;
}

/* The process's cgroup v2 id: its /proc/PID/cgroup line "0::/path". */
static uint64_t ProcOwners_cgroup(int pidFd) {
   int fd = openat(pidFd, "cgroup", O_RDONLY | O_CLOEXEC);
   if (fd < 0)
      return 0;
   char buf[8192];
   ssize_t n = read(fd, buf, sizeof(buf) - 1);
   close(fd);
   buf[n > 0 ? n : 0] = '\0';
   for (char *save = NULL, *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
      if (strncmp(line, "0::", 3) == 0)
         return Cgroups_ofPath(line + 3);
   }
   return 0;
}

static void ProcOwners_claim(ProcOwner* o, int pidFd, uint32_t pid) {
   o->pid = pid;
   struct stat st;
   if (fstat(pidFd, &st) == 0)
      o->uid = st.st_uid;
   int fd = openat(pidFd, "comm", O_RDONLY | O_CLOEXEC);
   if (fd >= 0) {
      ssize_t n = read(fd, o->comm, sizeof(o->comm) - 1);
      o->comm[n > 0 ? n : 0] = '\0';
      o->comm[strcspn(o->comm, "\n")] = '\0';
      close(fd);
   }
   o->cgroupId = ProcOwners_cgroup(pidFd);
}

static void ProcOwners_scanPid(ProcOwner* owners, size_t n, uint32_t pid) {
   char path[64];
   snprintf(path, sizeof(path), "/proc/%u", pid);
   int pidFd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
   if (pidFd < 0)
      return;
   int fdDir = openat(pidFd, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
   DIR* d = fdDir >= 0 ? fdopendir(fdDir) : NULL;
   char link[64];
   for (struct dirent* e; d && (e = readdir(d));) {
      if (e->d_name[0] == '.')
         continue;
      ssize_t l = readlinkat(dirfd(d), e->d_name, link, sizeof(link) - 1);
      unsigned long ino;
      if (l <= 0)
         continue;
      link[l] = '\0';
      if (sscanf(link, "socket:[%lu]", &ino) != 1)
         continue;
      ProcOwner key = { .inode = (uint32_t)ino };
      ProcOwner* o = bsearch(&key, owners, n, sizeof(ProcOwner), ProcOwners_cmpInode);
      if (o && !o->pid)
         ProcOwners_claim(o, pidFd, pid);
   }
   if (d)
      closedir(d);
   else if (fdDir >= 0)
      close(fdDir);
   close(pidFd);
}

void ProcOwners_find(ProcOwner* owners, size_t n) {
   if (n == 0)
      return;
   qsort(owners, n, sizeof(ProcOwner), ProcOwners_cmpInode);
   DIR* proc = opendir("/proc");
   for (struct dirent* e; proc && (e = readdir(proc));) {
      char* end;
      unsigned long pid = strtoul(e->d_name, &end, 10);
      if (*end || pid == 0)
         continue;
      ProcOwners_scanPid(owners, n, (uint32_t)pid);
   }
   if (proc)
      closedir(proc);
}

/* One link of /proc/PID/fd of an open /proc/PID: 1 read, 0 refused, -1
 * nothing to read (no fd, or the process is gone). */
static int ProcOwners_readOneLink(int pidFd) {
   int fdDir = openat(pidFd, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
   if (fdDir < 0)
      return errno == EACCES || errno == EPERM ? 0 : -1;
   DIR* d = fdopendir(fdDir);
   if (!d) {
      close(fdDir);
      return -1;
   }
   int rc = -1;
   char link[64];
   for (struct dirent* e; rc < 0 && (e = readdir(d));) {
      if (e->d_name[0] != '.')
         rc = readlinkat(dirfd(d), e->d_name, link, sizeof(link)) >= 0 ? 1 : errno == EACCES || errno == EPERM ? 0 : -1;
   }
   closedir(d);
   return rc;
}

bool ProcOwners_readsOthers(void) {
   DIR* proc = opendir("/proc");
   int rc = -1;
   for (struct dirent* e; proc && rc < 0 && (e = readdir(proc));) {
      char* end;
      unsigned long pid = strtoul(e->d_name, &end, 10);
      struct stat st;
      if (*end || pid == 0 || fstatat(dirfd(proc), e->d_name, &st, 0) < 0 || st.st_uid == geteuid())
         continue;
      int pidFd = openat(dirfd(proc), e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (pidFd >= 0) {
         rc = ProcOwners_readOneLink(pidFd);
         close(pidFd);
      }
   }
   if (proc)
      closedir(proc);
   return rc != 0;
}
