/*
 * ProbeDiscovery.h: the probe set for this run, from the built-in directory,
 * the system probes.d and every --probe-dir, in that order.
 */
#ifndef TCPTOP_PROBEDISCOVERY_H
#define TCPTOP_PROBEDISCOVERY_H

#include "config/Settings.h"
#include "bpf/Paths.h"
#include "bpf/Probe.h"

/* Returns 0, or -1 with *err set (an unreadable --probe-dir). */
int ProbeDiscovery_run(const Settings* settings, const Paths* paths, ProbeSet* set, char** err);

#endif
