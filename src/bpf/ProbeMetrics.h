/*
 * ProbeMetrics.h: the per-connection metrics probes declare (TCPTOP_METRIC)
 * become slots of every connection record and columns of their own.
 */
#ifndef TCPTOP_PROBEMETRICS_H
#define TCPTOP_PROBEMETRICS_H

#include "bpf/Probe.h"

/*
 * Gives each metric of the compiled probes a slot (Conn.metrics), before the
 * load. The same key in two probes is one slot when both aggregate alike. A
 * probe whose metric cannot have a column (a built-in column's key, the key
 * of another probe's metric aggregated differently, no slot left) gets a
 * load error; the others go on.
 */
void ProbeMetrics_assign(ProbeSet* set);

/* Registers a column for each metric of the probes that loaded. */
void ProbeMetrics_columns(const ProbeSet* set);

/* "zero_windows (ZWIN, events, sum), ..." or NULL when the probe has none. */
char* ProbeMetrics_describe(const Probe* probe);

#endif
