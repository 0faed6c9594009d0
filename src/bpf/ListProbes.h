/*
 * ListProbes.h: the --list-probes table.
 */
#ifndef TCPTOP_LISTPROBES_H
#define TCPTOP_LISTPROBES_H

#include <stdbool.h>
#include <stdio.h>

#include "bpf/BpfBackend.h"
#include "bpf/Probe.h"

#define LISTPROBES_MEASURE_SECONDS 1

/* One row per probe; the reason under each probe that is not fine; the
 * columns (metrics) and hooks of the others. */
void ListProbes_print(FILE* out, const ProbeSet* set, bool loadChecked);

/*
 * --check-probe: the probe's verdict, then its diagnostics, or the hooks it
 * attached to, its metrics and its settings. Returns the exit status: 0 when
 * it loaded and attached (only compiled, when not loadChecked), else 1.
 */
int ListProbes_check(FILE* out, const Probe* p, bool loadChecked);

/* Turns the BPF statistics on, waits `seconds`, and returns the probes'
 * health lines over that time (malloc'd), or NULL with *err. */
char* ListProbes_measure(BpfBackend* backend, int seconds, char** err);

#endif
