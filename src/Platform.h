/*
 * Platform.h: what each backend directory (linux/, darwin/) provides.
 */
#ifndef TCPTOP_PLATFORM_H
#define TCPTOP_PLATFORM_H

#include <stdbool.h>

#include "CommandLine.h"
#include "Paths.h"
#include "Probe.h"

typedef struct Platform_ Platform;

/*
 * Compiles the probe set and, when `load`, loads it (and attaches when
 * `attach`). Each probe gets its status; one failing probe never stops the
 * others. Returns NULL with *err set only when nothing can work at all.
 */
Platform* Platform_setup(const Settings* settings, const Paths* paths, ProbeSet* set, bool load, bool attach, char** err);
void Platform_free(Platform* this);

/* Runs until SIGINT/SIGTERM; returns the exit code. */
int Platform_run(Platform* this, const ProbeSet* set);

/* Backend versions for --version. */
const char* Platform_versions(void);

#endif
