/*
 * Loader.h: compiled probe objects into the kernel with libbpf (from memory),
 * verified, attached to their hooks; maps shared between probes by name.
 */
#ifndef TCPTOP_LOADER_H
#define TCPTOP_LOADER_H

#include <stdbool.h>
#include <stdint.h>

#include "bpf/Probe.h"
#include "bpf/Hooks.h"
#include "bpf/ProbeSettings.h"

#define LOADER_MAX_LINKS 32
#define LOADER_LOG_SIZE (1 << 20)
#define LOADER_LOG_TAIL 12

struct bpf_object;
struct bpf_link;
struct bpf_map;

typedef struct LoadedProbe_ {
   Probe* probe;
   struct bpf_object* obj;
   struct bpf_link* links[LOADER_MAX_LINKS];
   int nLinks;
} LoadedProbe;

typedef struct SharedMap_ {
   char* name;
   int fd;
} SharedMap;

typedef struct Loader_ {
   LoadedProbe* loaded;
   int count;
   SharedMap* shared;
   int nShared;
   int cgroupFd;        /* cgroup v2 root, for cgroup_skb and sock_ops */
   char* cgroupPath;
   char* log;           /* verifier log buffer */
   Hooks hooks;         /* what this kernel can run, asked before each load */
   ProbeLimits limits;  /* the maps' capacities, given to every probe's copy */
} Loader;

/* cache: where the kernel's answers about hooks are remembered for the boot
 * (NULL); avoid: kinds of hook not to use (enum SettingsHook); limits: the
 * capacities of the maps the probe API sizes with TCPTOP_MAX_TCP and
 * TCPTOP_MAX_UDP, set in each probe's object before its load. */
void Loader_init(Loader* this, Cache* cache, unsigned avoid, const ProbeLimits* limits);
/* Detaches and unloads everything. */
void Loader_done(Loader* this);

/*
 * Loads every compiled probe of the set; attaches it too when `attach`.
 * Sets each probe's status: PROBE_OK (attached), PROBE_LOADED (verified,
 * not attached), or why not (verifier log tail, hook unavailable and why).
 * A probe that fails is unloaded; the others are unaffected.
 */
void Loader_loadAll(Loader* this, ProbeSet* set, bool attach);

/* A map by name, from any loaded probe. */
struct bpf_map* Loader_findMap(const Loader* this, const char* name);

/* A loaded probe's runs and nanoseconds in them, all its programs together
 * (kernel BPF statistics: zero unless enabled). false: not loaded. */
bool Loader_runStats(const Loader* this, const Probe* probe, uint64_t* count, uint64_t* ns);

/* Runs of the loaded programs the kernel skipped (bpf_prog_info's
 * recursion_misses: a tracepoint or kprobe program that fired while a
 * program ran on its CPU, a raw tracepoint or fentry within itself), what
 * they did not record; except a pair X and X_twin, which cover each
 * other's (docs/PROBES.md). */
uint64_t Loader_missedRuns(const Loader* this);

#endif
