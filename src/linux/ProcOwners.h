/*
 * ProcOwners.h: which process holds a socket, from /proc/PID/fd links
 * ("socket:[INODE]"), for connections the probes did not see open.
 */
#ifndef TCPTOP_PROCOWNERS_H
#define TCPTOP_PROCOWNERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct ProcOwner_ {
   uint32_t inode;      /* in: the socket inode */
   uint32_t pid;        /* out: 0 when no process holds it */
   uint32_t uid;
   char comm[16];
   uint64_t cgroupId;   /* out: its cgroup v2 id (linux/Cgroups.h), 0 unknown */
} ProcOwner;

/* Orders by inode (what ProcOwners_find sorts by, for bsearch). */
int ProcOwners_cmpInode(const void* a, const void* b);

/* Sorts by inode, then fills pid/uid/comm of each entry (one pass over /proc). */
void ProcOwners_find(ProcOwner* owners, size_t n);

/* Whether the fd links of a process of another user can be read now: the
 * first such process found in /proc, one link read. True when every process
 * is this user's. */
bool ProcOwners_readsOthers(void);

#endif
