/*
 * ProbeConfig.h: the config's [probes] lines applied to the probes found:
 * which are disabled, and the values of their load-time settings. Checked
 * against the real probes, so the errors keep the config's FILE:LINE.
 */
#ifndef TCPTOP_PROBECONFIG_H
#define TCPTOP_PROBECONFIG_H

#include <stdio.h>

#include "config/Settings.h"
#include "bpf/Probe.h"

/*
 * After discovery: every named probe must exist; "off" ones get
 * PROBE_DISABLED (so they are neither compiled nor loaded). Returns 0, or
 * -1 with *err ("FILE:LINE: unknown probe ...").
 */
int ProbeConfig_select(const Settings* settings, ProbeSet* set, char** err);

/*
 * After compiling: each "<probe>.<setting>" must be a setting the probe
 * declares and fit its type; its value is stored in the probe's settings for
 * the load. `all` reads the settings of every compiled probe (--dump-config),
 * otherwise only of those the config names. Settings of a disabled probe, or
 * of one that failed to compile, cannot be checked and are left alone.
 * Returns 0, or -1 with *err ("FILE:LINE: ...").
 */
int ProbeConfig_settings(const Settings* settings, ProbeSet* set, bool all, char** err);

/*
 * --dump-config's probe lines, after Config_dump's [probes] keys: each probe
 * on or off and the settings it declares (Probe.settings), so reading the
 * dump back gives the same dump.
 */
void ProbeConfig_dump(FILE* out, const Settings* settings, const ProbeSet* set);

#endif
