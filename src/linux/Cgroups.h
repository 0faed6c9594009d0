/*
 * Cgroups.h (Linux): cgroup v2 ids and network namespaces named; the table
 * core/Names.h dispatches to (Names_os), and what the /proc readers need.
 *
 * A cgroup v2 id is the inode of the cgroup's directory in the v2 hierarchy
 * (what bpf_get_current_cgroup_id returns). Lookups are cached; a miss looks
 * again at most every CGROUPS_RESCAN seconds, and works after tcptop has
 * given up root (the cgroup tree and /run/netns are world-readable).
 */
#ifndef TCPTOP_CGROUPS_H
#define TCPTOP_CGROUPS_H

#include <stdint.h>

#define CGROUPS_RESCAN 2.0

const char* Cgroups_path(uint64_t id);
const char* Cgroups_name(uint64_t id);
const char* Cgroups_netnsName(uint32_t inode);
/* The id of a path below the v2 root (/proc/PID/cgroup's "0::/path"),
 * remembered with its path; 0 when none. */
uint64_t Cgroups_ofPath(const char* path);

#endif
