/*
 * Probe.h: a probe source file, its metadata, and the set of probes found in
 * the built-in directory, /etc/tcptop/probes.d and any --probe-dir.
 */
#ifndef TCPTOP_PROBE_H
#define TCPTOP_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "core/XUtils.h"

#define PROBE_SUFFIX ".bpf.c"

typedef enum ProbeOrigin_ {
   PROBE_BUILTIN,
   PROBE_OVERRIDE,   /* a user file replacing a built-in of the same name */
   PROBE_USER,
} ProbeOrigin;

typedef enum ProbeStatus_ {
   PROBE_PENDING,
   PROBE_OK,               /* compiled, loaded and attached */
   PROBE_COMPILED,         /* compiled; load not attempted (not root, or check only) */
   PROBE_LOADED,           /* verified by the kernel, not attached */
   PROBE_BAD_METADATA,
   PROBE_UNREADABLE,
   PROBE_COMPILE_ERROR,
   PROBE_VERIFIER_REJECTED,
   PROBE_HOOK_UNAVAILABLE,
   PROBE_LOAD_ERROR,
   PROBE_INSECURE,         /* file or directory not owned by root, or writable by others: refused */
   PROBE_DISABLED,         /* "<probe> = off" in the config: neither compiled nor loaded */
} ProbeStatus;

/*
 * A load-time setting a compiled probe declares: a global
 * `const volatile <integer type> <name> = <default>;` (in .rodata), written
 * by tcptop before the probe is loaded, from "<probe>.<name> = <value>" in
 * the config's [probes].
 */
typedef struct ProbeSetting_ {
   char* name;
   char* help;          /* NULL */
   int size;            /* bytes: 1, 2, 4 or 8 */
   bool isSigned;
   long long defaultValue;
   long long value;     /* the default, or the configured value */
   bool configured;
} ProbeSetting;

/* How a metric's updates combine (the values of tcptop.h's tcptop_metric_agg). */
typedef enum ProbeMetricAgg_ {
   PROBE_METRIC_SUM = 1,
   PROBE_METRIC_MAX = 2,
   PROBE_METRIC_LAST = 3,
} ProbeMetricAgg;

/*
 * A per-connection metric a compiled probe declares (TCPTOP_METRIC in the
 * probe API): a column of its own once the probe is loaded.
 */
typedef struct ProbeMetric_ {
   char* key;
   char* title;
   char* unit;
   ProbeMetricAgg agg;
   int slot;            /* index in Conn.metrics; -1 until assigned */
} ProbeMetric;

typedef struct ProbeMeta_ {
   char* name;          /* optional @name; must match the file name */
   char* description;
   char** hooks;
   int nHooks;
   char** provides;
   int nProvides;
   char** settings;     /* "@setting <name> <help>": help for a load-time setting */
   int nSettings;
   char** variants;     /* "@variants a, b": programs (function names), one per
                         * line a group of alternatives, best first */
   int nVariants;
} ProbeMeta;

typedef struct Probe_ {
   char* name;          /* file name without .bpf.c */
   char* path;
   ProbeOrigin origin;
   ProbeMeta meta;
   Buf source;
   ProbeStatus status;
   char* message;       /* diagnostics or the reason for the status */
   char* object;        /* compiled BPF ELF */
   size_t objectLen;
   bool fromCache;
   ProbeSetting* settings;   /* filled on demand (ProbeSettings_fill) */
   int nSettings;
   ProbeMetric* metrics;     /* filled with the settings */
   int nMetrics;
   bool settingsRead;
   char* attached;      /* "tracepoint/sock/inet_sock_set_state, ...": what it attached to */
   char* variant;       /* "fexit/x skipped: why": the variants passed over, or NULL */
} Probe;

typedef struct ProbeSet_ {
   Probe** probes;
   int count;
   /* Probe files and directories must belong to root or this user (root
    * itself, unless the caller says tcptop only compiles) and be writable
    * by their owner only: root loads them into the kernel. */
   uid_t trustedUid;
} ProbeSet;

/* Parses the leading comment's @key lines. Returns 0, or -1 with *err set. */
int ProbeMeta_parse(const char* text, size_t len, ProbeMeta* meta, char** err);
void ProbeMeta_done(ProbeMeta* meta);

const char* Probe_originName(ProbeOrigin origin);
const char* Probe_statusName(ProbeStatus status);
void Probe_setStatus(Probe* this, ProbeStatus status, const char* message);
/* Status that stops the probe from going further (compile, load). */
bool Probe_failed(const Probe* this);

ProbeSetting* ProbeSetting_find(const Probe* this, const char* name);
void Probe_addSetting(Probe* this, const ProbeSetting* setting);
/* "a, b" or "(none)" */
char* Probe_settingNames(const Probe* this);

void Probe_addMetric(Probe* this, const ProbeMetric* metric);
const char* ProbeMetric_aggName(ProbeMetricAgg agg);

/* trustedUid: the effective user (root: root only). */
void ProbeSet_init(ProbeSet* this);
/* Frees the probes; trustedUid is kept. */
void ProbeSet_done(ProbeSet* this);
/* 0 when code in this file or directory may be loaded, else -1 with *why:
 * not owned by root (or trusted), or writable by group or others. (A path
 * that cannot be read passes: reading it says why.) */
int ProbeSet_checkTrust(const ProbeSet* this, const char* path, bool isDir, char** why);
/*
 * Adds the probes of one directory; later directories override earlier ones
 * by name. A missing optional directory is skipped. Returns 0, or -1 with
 * *err naming the directory and the problem.
 */
int ProbeSet_addDir(ProbeSet* this, const char* dir, bool builtin, bool optional, char** err);
/* Adds one probe file (--check-probe), overriding by name. Returns it, or
 * NULL with *err when the file name is not a probe's. */
Probe* ProbeSet_addFile(ProbeSet* this, const char* path, char** err);
Probe* ProbeSet_find(const ProbeSet* this, const char* name);
/* "a, b, c": the probes' names, for messages. */
char* ProbeSet_names(const ProbeSet* this);

#endif
