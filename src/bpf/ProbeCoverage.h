/*
 * ProbeCoverage.h: what the probes that run measure, from their @provides
 * lines, so that a probe this kernel cannot run is never silent: the
 * columns no running probe fills are named (at start, in the header and
 * the health lines), and a set of probes that cannot measure traffic at
 * all is not used to monitor.
 *
 * @provides lists column keys; "tcp:" or "udp:" makes the keys after it
 * that protocol's only (before either, both); "rows" means the probe makes
 * that protocol's rows (its connection records).
 */
#ifndef TCPTOP_PROBECOVERAGE_H
#define TCPTOP_PROBECOVERAGE_H

#include "bpf/Probe.h"

/*
 * "TCP tx_bytes, rx_bytes (sock_io: hook unavailable); UDP ...": the
 * columns that probes which could not run provide and no running probe
 * does, by protocol, with the probes and their status; NULL when none.
 * Probes turned off in the config are not counted.
 */
char* ProbeCoverage_missing(const ProbeSet* set);

/*
 * Do the running probes measure traffic: make rows of a protocol and count
 * its bytes? 0 when they do, else -1 with *why (the caller frees it).
 */
int ProbeCoverage_check(const ProbeSet* set, char** why);

#endif
