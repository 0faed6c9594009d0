/*
 * ListProbes.h: the --list-probes table.
 */
#ifndef TCPTOP_LISTPROBES_H
#define TCPTOP_LISTPROBES_H

#include <stdbool.h>
#include <stdio.h>

#include "Probe.h"

/* One row per probe; the reason under each probe that is not fine. */
void ListProbes_print(FILE* out, const ProbeSet* set, bool loadChecked);

#endif
