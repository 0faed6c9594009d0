/*
 * Names.c: the OS glue's names of cgroups and network namespaces.
 */
#include "config.h"
#include "core/Names.h"

#include <stddef.h>

static const NamesOps* Names_ops;

void Names_use(const NamesOps* ops) {
   Names_ops = ops;
}

const char* Names_cgroupPath(uint64_t id) {
   return Names_ops && Names_ops->cgroupPath ? Names_ops->cgroupPath(id) : NULL;
}

const char* Names_cgroupName(uint64_t id) {
   return Names_ops && Names_ops->cgroupName ? Names_ops->cgroupName(id) : NULL;
}

const char* Names_netns(uint32_t inode) {
   return Names_ops && Names_ops->netns ? Names_ops->netns(inode) : NULL;
}
