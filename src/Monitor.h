/*
 * Monitor.h: the sampling loop behind -b (and, for now, the default view):
 * every interval, read the backend into the connection table, derive rates
 * and UDP idle/expiry, print the filtered and sorted rows, log them as CSV.
 */
#ifndef TCPTOP_MONITOR_H
#define TCPTOP_MONITOR_H

#include "CommandLine.h"
#include "Column.h"
#include "Platform.h"

/* Closed connections stay visible this long (and are printed at least once). */
#define MONITOR_CLOSED_LINGER 5.0

/* Validates --columns and --sort; 0, or -1 with *err. */
int Monitor_checkSettings(const Settings* settings, ColumnList* columns, SortOrder* sort, char** err);

/* Runs until -n intervals were printed or a signal; returns the exit code. */
int Monitor_run(const Settings* settings, Platform* platform);

#endif
