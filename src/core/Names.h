/*
 * Names.h: the names of a connection's attribution ids: a cgroup v2 id (the
 * inode of the cgroup's directory) as its path and short name, a network
 * namespace inode as its name under /run/netns. The OS glue looks them up
 * (src/linux/Cgroups.c; macOS has neither) and main hands its table over
 * (Names_use), so core/ and ui/ ask here without using linux/.
 */
#ifndef TCPTOP_NAMES_H
#define TCPTOP_NAMES_H

#include <stdint.h>

typedef struct NamesOps_ {
   /* the path below the cgroup v2 root ("/system.slice/ssh.service"), or NULL */
   const char* (*cgroupPath)(uint64_t id);
   /* its short name (CgroupName_short), or NULL */
   const char* (*cgroupName)(uint64_t id);
   /* the /run/netns name of a network namespace, or NULL */
   const char* (*netns)(uint32_t inode);
} NamesOps;

/* This OS's table (src/linux/Cgroups.c, src/darwin/Cgroups.c: none). */
extern const NamesOps Names_os;

/* Names from now on come from ops (main: &Names_os). */
void Names_use(const NamesOps* ops);

/* NULL when unknown (or before Names_use). Valid until the next call. */
const char* Names_cgroupPath(uint64_t id);
const char* Names_cgroupName(uint64_t id);
const char* Names_netns(uint32_t inode);

#endif
