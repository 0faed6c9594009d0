/*
 * Batch.h: the -b view: every interval, the rows as text, CSV or JSON on
 * standard output, like top -b.
 */
#ifndef TCPTOP_BATCH_H
#define TCPTOP_BATCH_H

#include "core/Monitor.h"

/* Runs until -n intervals were printed or a signal; returns the exit code. */
int Batch_run(Monitor* monitor);
/* Headless: samples every interval for the monitor's hook (the metrics
 * endpoint) and prints only errors, until a signal; the exit code. */
int Batch_serve(Monitor* monitor);

#endif
