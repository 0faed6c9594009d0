/*
 * BpfBackend.h: the eBPF backend (core/Backend.h; built unless configure
 * --disable-bpf): the probe set found, compiled against this kernel's
 * types, loaded, attached and read. It owns the probe set and the paths.
 */
#ifndef TCPTOP_BPFBACKEND_H
#define TCPTOP_BPFBACKEND_H

#include <stdbool.h>

#include "bpf/Paths.h"
#include "bpf/Probe.h"
#include "config/Settings.h"
#include "core/Backend.h"

typedef struct BpfBackend_ BpfBackend;

/* The paths, and an empty probe set: root's files only when privileged. */
BpfBackend* BpfBackend_new(const Settings* settings, bool privileged);
void BpfBackend_free(BpfBackend* this);

ProbeSet* BpfBackend_probes(BpfBackend* this);
const Paths* BpfBackend_paths(const BpfBackend* this);
/* The seam the sampling loop uses; freeing it frees the backend. */
Backend* BpfBackend_base(BpfBackend* this);

/*
 * Compiles the probe set (probes not failed or disabled). Each probe gets its
 * status; one failing probe never stops the others. -1 with *err only when
 * nothing can work at all.
 */
int BpfBackend_compile(BpfBackend* this, char** err);

/* Loads every compiled probe with its settings' values (Probe.settings marked
 * configured), and attaches it when `attach`. */
void BpfBackend_load(BpfBackend* this, bool attach);

/* Opens the maps and ring buffer the attached probes feed: 0, or -1 with
 * *err when they cannot feed the table. */
int BpfBackend_ready(BpfBackend* this, char** err);

/* Turns on the kernel's BPF run-time statistics (BPF_ENABLE_STATS: off again
 * when the backend is freed, or tcptop dies). 0, or -1 with *err. */
int BpfBackend_enableStats(BpfBackend* this, char** err);

/* LLVM/clang and libbpf versions, for --version. */
const char* BpfBackend_version(void);

#endif
