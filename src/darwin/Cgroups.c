/*
 * Cgroups.c (macOS): no cgroups and no network namespaces to name.
 */
#include "config.h"
#include "core/Names.h"

const NamesOps Names_os = { .cgroupPath = NULL };
