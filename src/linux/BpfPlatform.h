/*
 * BpfPlatform.h: the eBPF backend behind Platform.h (built unless
 * configure --disable-bpf): the probes compiled, loaded and read.
 */
#ifndef TCPTOP_BPFPLATFORM_H
#define TCPTOP_BPFPLATFORM_H

#include <stdbool.h>
#include <stdint.h>

#include "CommandLine.h"
#include "ConnTable.h"
#include "Paths.h"
#include "Probe.h"

typedef struct BpfPlatform_ BpfPlatform;

BpfPlatform* BpfPlatform_compile(const Settings* settings, const Paths* paths, ProbeSet* set, char** err);
void BpfPlatform_load(BpfPlatform* this, ProbeSet* set, bool attach);
void BpfPlatform_probeSettings(Probe* probe);
void BpfPlatform_free(BpfPlatform* this);
char* BpfPlatform_readyProblem(BpfPlatform* this);
void BpfPlatform_seed(BpfPlatform* this, ConnTable* table, double monoNow, double wallNow);
int BpfPlatform_poll(BpfPlatform* this, ConnTable* table, int timeoutMs, double monoNow, double wallNow);
int BpfPlatform_sample(BpfPlatform* this, ConnTable* table, double monoNow, double wallNow);
void BpfPlatform_forget(BpfPlatform* this, const Conn* conn);
uint64_t BpfPlatform_lost(BpfPlatform* this);
const char* BpfPlatform_versions(void);
char* BpfPlatform_enableStats(BpfPlatform* this);
const ProbeSet* BpfPlatform_probes(const BpfPlatform* this);
bool BpfPlatform_statsEnabled(const BpfPlatform* this);
bool BpfPlatform_probeRunStats(const BpfPlatform* this, const Probe* probe, uint64_t* count, uint64_t* ns);
int BpfPlatform_eventFd(BpfPlatform* this);
void BpfPlatform_probeCounts(BpfPlatform* this, int* attached, int* failed);

#endif
