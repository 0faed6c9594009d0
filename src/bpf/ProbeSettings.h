/*
 * ProbeSettings.h: a probe's load-time settings, the global
 * `const volatile` integers of its .rodata (libbpf-tools style), found
 * through the object's BTF (the .rodata DATASEC gives each variable's offset
 * and size) and written into .rodata's initial value before the load, as
 * libbpf skeletons do.
 */
#ifndef TCPTOP_BPF_PROBESETTINGS_H
#define TCPTOP_BPF_PROBESETTINGS_H

#include "bpf/Probe.h"

struct bpf_object;

/* Fills probe->settings (and its metrics) from its compiled object, once;
 * a probe whose object cannot be read gets a load error status. */
void ProbeSettings_fill(Probe* probe);

/* Writes the probe's configured settings (and its metric slots) into an
 * opened, not yet loaded object. 0, or -1 with *err: why not. */
int ProbeSettings_apply(struct bpf_object* obj, const Probe* probe, char** err);

#endif
