/*
 * ProbeSettings.h: a probe's load-time settings, the global
 * `const volatile` integers of its .rodata (libbpf-tools style), found
 * through the object's BTF (the .rodata DATASEC gives each variable's offset
 * and size) and written into .rodata's initial value before the load, as
 * libbpf skeletons do.
 */
#ifndef TCPTOP_BPF_PROBESETTINGS_H
#define TCPTOP_BPF_PROBESETTINGS_H

#include <stdint.h>

#include "bpf/Probe.h"

struct bpf_object;

/* The maps' capacities tcptop chose ([probes] max_tcp_connections,
 * max_udp_flows): the probe API's tcptop_max_tcp and tcptop_max_udp. */
typedef struct ProbeLimits_ {
   uint32_t maxTcp;
   uint32_t maxUdp;
} ProbeLimits;

/* The API's .rodata variables (tcptop_*): never a probe's settings. */
#define PROBESETTINGS_API_PREFIX "tcptop_"

/* Fills probe->settings (and its metrics) from its compiled object, once;
 * a probe whose object cannot be read gets a load error status. */
void ProbeSettings_fill(Probe* probe);

/* Writes the probe's configured settings, its metric slots and the limits
 * (when it has tcptop_max_tcp, tcptop_max_udp) into an opened, not yet
 * loaded object. 0, or -1 with *err: why not. */
int ProbeSettings_apply(struct bpf_object* obj, const Probe* probe, const ProbeLimits* limits, char** err);

#endif
