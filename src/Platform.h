/*
 * Platform.h: the backend seam, implemented by src/Platform.c over the eBPF
 * backend (src/linux/BpfPlatform.c, unless configure --disable-bpf) and the
 * pcap backend (src/pcap/: capture files and live capture; process
 * attribution from src/linux/ or src/darwin/).
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
 * The pcap backend: replays settings->readFile, or captures live on
 * settings->iface ("any" when NULL). NULL with *err (one line) when the file
 * or interface cannot be opened.
 */
Platform* Platform_openCapture(const Settings* settings, char** err);

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
/*
 * Replays run on the capture's clock: true with *mono and *wall set to the
 * capture time reached (both seconds since the epoch); false for live
 * backends, which use the system clocks.
 */
bool Platform_captureTime(Platform* this, double* mono, double* wall);

/* A replayed capture has no more packets: the last sample is final. */
bool Platform_ended(Platform* this);

/* Whether this is the pcap backend (the summary shows malformed packets). */
bool Platform_isCapture(const Platform* this);

/* Packets that could not be parsed (pcap backend), since start. */
uint64_t Platform_malformed(Platform* this);

/* A problem to say once at the end (a capture file cut short), or NULL. */
const char* Platform_endProblem(Platform* this);

/* Backend versions for --version. */
const char* Platform_versions(void);

#endif
