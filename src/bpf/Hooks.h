/*
 * Hooks.h: can a program run on this kernel? Its program type, its hook (a
 * tracepoint, a kernel function for fentry/fexit or kprobe/kretprobe) and
 * the process helpers it calls, checked before the probe is loaded, so that
 * a probe's @variants pick the first that can run here (libbpf-tools'
 * tracepoint_exists / fentry_can_attach / kprobe_exists) and say why the
 * others cannot. Every answer is cached for the life of the Hooks.
 */
#ifndef TCPTOP_HOOKS_H
#define TCPTOP_HOOKS_H

#include <stdbool.h>
#include <stddef.h>

#include "bpf/Cache.h"
#include "bpf/StrSet.h"

struct bpf_program;
struct btf;

typedef struct HookAnswer_ {
   char* key;           /* "fentry:tcp_connect", "helper:14:13", ... */
   char* problem;       /* NULL: available */
} HookAnswer;

typedef struct Hooks_ {
   unsigned avoid;      /* enum SettingsHook: kinds of hook not to use (--avoid-hooks) */
   Cache* cache;        /* remembers the costly answers for the boot; NULL */
   HookAnswer* answers;
   size_t nAnswers;
   struct btf* vmlinux; /* loaded on the first fentry/fexit check */
   bool vmlinuxTried;
   StrSet kfuncs;       /* kprobe-able functions, read on the first kprobe check */
   bool kfuncsRead;
   bool tracefsChecked;
   char* tracefsProblem;
} Hooks;

/* cache: where answers are remembered for this boot (NULL: nowhere);
 * avoid: enum SettingsHook bits, kinds of hook the user ruled out. */
void Hooks_init(Hooks* this, Cache* cache, unsigned avoid);
void Hooks_done(Hooks* this);
/* Frees what only checking needed (the kernel's BTF, 6 MB, read for
 * fentry; the kprobe functions), keeping the answers. */
void Hooks_release(Hooks* this);

/*
 * 0 when `prog` can run on this kernel, else -1 with *why, one line
 * ("fexit/inet_sendmsg: ..."; the caller frees it): its program type
 * unsupported, its tracepoint or kernel function absent, fentry/fexit or
 * kprobes not available, or a helper it calls not allowed for its program
 * type on this kernel (6.1: no bpf_get_current_pid_tgid in sockops and
 * cgroup_skb; 6.12: no bpf_get_current_uid_gid there).
 */
int Hooks_check(Hooks* this, const struct bpf_program* prog, char** why);

/*
 * Tracepoint and kprobe attachment reads event ids from tracefs. Where it is
 * not mounted, it is mounted in a mount namespace of tcptop's own (tried
 * once). 0 when tracefs is there, else -1 with *why (the caller frees it).
 */
int Hooks_tracefs(Hooks* this, char** why);

#endif
