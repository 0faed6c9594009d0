/*
 * Variants.h: a probe's @variants, the programs it loads on this kernel.
 *
 * Each @variants line is a group: alternatives for one job, best first,
 * separated by commas. An alternative is one program (by C function name),
 * several that only work together joined by '+' (fexit on inet_sendmsg and
 * on inet6_sendmsg), or '-', last: the job is optional, and nothing runs
 * for it when no alternative can. Only the alternative picked in each group
 * is loaded (bpf_program__set_autoload); the pick starts at the first whose
 * programs Hooks says can run here, and moves on when one fails to load or
 * attach for want of its hook.
 */
#ifndef TCPTOP_VARIANTS_H
#define TCPTOP_VARIANTS_H

#include <stdbool.h>

#include "bpf/Probe.h"
#include "core/XUtils.h"
#include "bpf/Hooks.h"

struct bpf_object;
struct bpf_program;

typedef struct VariantGroup_ {
   char** alts;         /* "a", "a+b", or "-" */
   int nAlts;
   int pick;            /* the alternative tried now */
   size_t noteStart;    /* where this group's notes start in Variants.skipped */
} VariantGroup;

typedef struct Variants_ {
   VariantGroup* groups;
   int n;
   Buf skipped;         /* "<section>: why; ...": the alternatives passed over */
} Variants;

/* Parses the probe's @variants lines. 0, or -1 with *err: why they are
 * wrong. Variants_done either way. */
int Variants_parse(Variants* this, const ProbeMeta* meta, char** err);
void Variants_done(Variants* this);

/*
 * Sets which programs of a freshly opened object load: in each group the
 * alternative picked, from the current pick on the first that can run;
 * every program in no group too. 0, or -1 with *err, why the probe cannot
 * load, and *status PROBE_HOOK_UNAVAILABLE (a group has no alternative
 * left, or a program outside the groups cannot run) or PROBE_BAD_METADATA
 * (a name that is no program of the probe).
 */
int Variants_choose(Variants* this, struct bpf_object* obj, Hooks* hooks, ProbeStatus* status, char** err);

/*
 * prog, picked, failed to load or attach for want of its hook: its group
 * moves on to its next alternative, noting why. false: prog is in no group,
 * or its group has no alternative left.
 */
bool Variants_reject(Variants* this, struct bpf_object* obj, const struct bpf_program* prog, const char* why);

#endif
