/*
 * EventStream.h: the lifecycle ring buffer ("events") read until a signal.
 */
#ifndef TCPTOP_EVENTSTREAM_H
#define TCPTOP_EVENTSTREAM_H

#include "Probe.h"
#include "linux/Loader.h"

/* Prints one line per lifecycle event; returns the exit code. */
int EventStream_run(Loader* loader, const ProbeSet* set);

#endif
