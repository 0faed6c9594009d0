/*
 * Platform.h: what each backend directory (linux/, darwin/) provides.
 */
#ifndef TCPTOP_PLATFORM_H
#define TCPTOP_PLATFORM_H

#include <stdbool.h>
#include <stdint.h>

#include "CommandLine.h"
#include "ConnTable.h"
#include "Paths.h"
#include "Probe.h"

typedef struct Platform_ Platform;

/*
 * Compiles the probe set (probes not failed or disabled). Each probe gets its
 * status; one failing probe never stops the others. Returns NULL with *err
 * set only when nothing can work at all.
 */
Platform* Platform_compile(const Settings* settings, const Paths* paths, ProbeSet* set, char** err);

/*
 * Loads every compiled probe, with its settings' values (Probe.settings
 * marked configured), and attaches it when `attach`.
 */
void Platform_load(Platform* this, ProbeSet* set, bool attach);

/*
 * Fills a compiled probe's settings (Probe.settings: the `const volatile`
 * integers it declares) once. A probe whose object cannot be read gets a
 * failed status.
 */
void Platform_probeSettings(Probe* probe);
void Platform_free(Platform* this);

/*
 * Turns on the kernel's BPF run-time statistics (BPF_ENABLE_STATS: off again
 * when the platform is freed, or tcptop dies). NULL, or why not.
 */
char* Platform_enableStats(Platform* this);
/* The probe set given to Platform_load (NULL before). */
const ProbeSet* Platform_probes(const Platform* this);
bool Platform_statsEnabled(const Platform* this);
/* A loaded probe's program runs and the nanoseconds they took, since it was
 * loaded (counted only while the statistics are on). false: not loaded. */
bool Platform_probeRunStats(const Platform* this, const Probe* probe, uint64_t* count, uint64_t* ns);

/* Checks that the attached probes can feed the table; NULL or why not. */
char* Platform_readyProblem(Platform* this);

/* Adds the connections that existed before tcptop started. */
void Platform_seed(Platform* this, ConnTable* table, double monoNow, double wallNow);

/*
 * Waits up to timeoutMs for lifecycle events (opens, closes) and folds them
 * into the table. Returns 0 (also when interrupted by a signal) or -errno.
 */
int Platform_poll(Platform* this, ConnTable* table, int timeoutMs, double monoNow, double wallNow);

/* A descriptor that polls readable when events wait (for a view that polls
 * its own input too; then Platform_poll with timeout 0), or -1. */
int Platform_eventFd(Platform* this);

/* Reads every connection's counters into the table. 0 or -errno. */
int Platform_sample(Platform* this, ConnTable* table, double monoNow, double wallNow);

/* Drops the backend's record of a flow tcptop has expired. */
void Platform_forget(Platform* this, const Conn* conn);

/* Events the probes could not deliver, since start. */
uint64_t Platform_lost(Platform* this);

/* Probes attached and probes that failed (any status but ok). */
void Platform_probeCounts(Platform* this, int* attached, int* failed);

/* Backend versions for --version. */
const char* Platform_versions(void);

#endif
