/*
 * bpf/Hooks.c: a program's type, hook and helpers against this kernel,
 * before it is loaded.
 */
#include "config.h"
#include "bpf/Hooks.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "config/Settings.h"
#include "bpf/Hash.h"
#include "core/XUtils.h"

#define HOOKS_TRACEFS "/sys/kernel/tracing"
#define HOOKS_DEBUG_TRACEFS "/sys/kernel/debug/tracing"

void Hooks_init(Hooks* this, Cache* cache, unsigned avoid) {
   memset(this, 0, sizeof(*this));
   this->cache = cache;
   this->avoid = avoid;
}

void Hooks_release(Hooks* this) {
   StrSet_done(&this->kfuncs);   /* empty again: initialised when read */
   this->kfuncsRead = false;
   btf__free(this->vmlinux);
   this->vmlinux = NULL;
   this->vmlinuxTried = false;
}

void Hooks_done(Hooks* this) {
   Hooks_release(this);
   for (size_t i = 0; i < this->nAnswers; i++) {
      free(this->answers[i].key);
      free(this->answers[i].problem);
   }
   free(this->answers);
   free(this->tracefsProblem);
   memset(this, 0, sizeof(*this));
}

/* A cached answer: true with *problem set (NULL: available), or false. */
static bool Hooks_recall(const Hooks* this, const char* key, const char** problem) {
   for (size_t i = 0; i < this->nAnswers; i++) {
      if (strcmp(this->answers[i].key, key) == 0) {
         *problem = this->answers[i].problem;
         return true;
      }
   }
   return false;
}

/* A caller's copy of an answer (NULL: available). */
static char* Hooks_copy(const char* problem) {
   return problem ? xStrdup(problem) : NULL;
}

/* Keeps problem (owned from now on) as the answer for key; returns the
 * caller's copy. */
static char* Hooks_remember(Hooks* this, const char* key, char* problem) {
   this->answers = xRealloc(this->answers, sizeof(HookAnswer) * (this->nAnswers + 1));
   this->answers[this->nAnswers++] = (HookAnswer){ xStrdup(key), problem };
   return Hooks_copy(problem);
}

/* Mounts tracefs where it is missing, once: NULL, or why it cannot be had
 * (kept in the Hooks). */
static const char* Hooks_mountTracefs(Hooks* this) {
   if (this->tracefsChecked)
      return this->tracefsProblem;
   this->tracefsChecked = true;
   if (access(HOOKS_TRACEFS "/events", F_OK) == 0 || access(HOOKS_DEBUG_TRACEFS "/events", F_OK) == 0)
      return NULL;
   if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
       mount("tracefs", HOOKS_TRACEFS, "tracefs", 0, NULL) < 0)
      this->tracefsProblem = xAsprintf("tracefs is not mounted at " HOOKS_TRACEFS " and tcptop could not mount it "
                                       "(%s): mount it with 'mount -t tracefs nodev " HOOKS_TRACEFS "'",
                                       strerror(errno));
   return this->tracefsProblem;
}

int Hooks_tracefs(Hooks* this, char** why) {
   const char* problem = Hooks_mountTracefs(this);
   if (!problem)
      return 0;
   *why = xStrdup(problem);
   return -1;
}

/* A path under the mounted tracefs, e.g. "events/sock/inet_sock_set_state". */
static void Hooks_tracefsPath(char* out, size_t size, const char* rel) {
   snprintf(out, size, HOOKS_TRACEFS "/%s", rel);
   if (access(HOOKS_TRACEFS "/events", F_OK) != 0)
      snprintf(out, size, HOOKS_DEBUG_TRACEFS "/%s", rel);
}

/* The hook's name: what follows the section's first '/' ("" when none). */
static const char* Hooks_target(const struct bpf_program* prog) {
   const char* slash = strchr(bpf_program__section_name(prog), '/');
   return slash ? slash + 1 : "";
}

static bool Hooks_sectionIs(const struct bpf_program* prog, const char* prefix) {
   return strncmp(bpf_program__section_name(prog), prefix, strlen(prefix)) == 0;
}

/* tracepoint/CATEGORY/NAME or tp/CATEGORY/NAME: its directory in tracefs. */
static char* Hooks_tracepoint(Hooks* this, const struct bpf_program* prog) {
   char* why = NULL;
   if (Hooks_tracefs(this, &why) < 0)
      return why;
   char rel[512], path[600];
   snprintf(rel, sizeof(rel), "events/%s", Hooks_target(prog));
   Hooks_tracefsPath(path, sizeof(path), rel);
   if (access(path, F_OK) == 0)
      return NULL;
   return xAsprintf("no tracepoint %s on this kernel", Hooks_target(prog));
}

/* Adds the word in column `col` (0-based) of each line of a file. */
static void Hooks_readNames(Hooks* this, const char* path, int col) {
   FILE* f = fopen(path, "re");
   if (!f)
      return;
   char line[512];
   while (fgets(line, sizeof(line), f)) {
      char* save = NULL;
      char* word = strtok_r(line, " \t\n", &save);
      for (int i = 0; word && i < col; i++)
         word = strtok_r(NULL, " \t\n", &save);
      if (word)
         StrSet_add(&this->kfuncs, word);
   }
   fclose(f);
}

/* The functions kprobes can attach to: available_filter_functions, else
 * /proc/kallsyms. */
static void Hooks_readKfuncs(Hooks* this) {
   this->kfuncsRead = true;
   StrSet_init(&this->kfuncs);
   char path[256];
   Hooks_tracefsPath(path, sizeof(path), "available_filter_functions");
   Hooks_readNames(this, path, 0);
   if (this->kfuncs.count == 0)
      Hooks_readNames(this, "/proc/kallsyms", 2);
}

/* kprobe/FUNC, kretprobe/FUNC: kprobes on this kernel, and the function. */
static char* Hooks_kprobe(Hooks* this, const struct bpf_program* prog) {
   char* why = NULL;
   if (Hooks_tracefs(this, &why) < 0)
      return why;
   char events[256];
   Hooks_tracefsPath(events, sizeof(events), "kprobe_events");
   if (access("/sys/bus/event_source/devices/kprobe/type", F_OK) != 0 && access(events, F_OK) != 0)
      return xStrdup("kprobes are not available on this kernel (no kprobe PMU, no kprobe_events: "
                     "needs CONFIG_KPROBES and CONFIG_KPROBE_EVENTS)");
   if (!this->kfuncsRead)
      Hooks_readKfuncs(this);
   char name[256];
   snprintf(name, sizeof(name), "%s", Hooks_target(prog));
   name[strcspn(name, "+")] = '\0';   /* kprobe/func+offset */
   if (this->kfuncs.count && !StrSet_has(&this->kfuncs, name))
      return xAsprintf("no kernel function %s that kprobes can attach to on this kernel", name);
   return NULL;
}

/* Loads a no-op fentry/fexit program on function `id` and attaches it
 * (libbpf-tools' fentry_try_attach): NULL, or why it cannot. */
static char* Hooks_tryTracing(int id, enum bpf_attach_type type, const char* name) {
   struct bpf_insn insns[] = {
      { .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
      { .code = BPF_JMP | BPF_EXIT },
   };
   LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = type, .attach_btf_id = (__u32)id);
   int fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, "tcptop_hook", "GPL", insns, ARRAY_SIZE(insns), &opts);
   if (fd < 0)
      return xAsprintf("BTF tracing programs (fentry/fexit) cannot be loaded on this kernel (%s)", strerror(errno));
   int link = bpf_raw_tracepoint_open(NULL, fd);
   int err = errno;
   close(fd);
   if (link < 0)
      return xAsprintf("fentry/fexit cannot attach to %s on this kernel (%s)", name, strerror(err));
   close(link);
   return NULL;
}

/* fentry/FUNC, fexit/FUNC: FUNC in the kernel's BTF, and a trial attach. */
static char* Hooks_tracing(Hooks* this, const struct bpf_program* prog) {
   enum bpf_attach_type type = bpf_program__expected_attach_type(prog);
   if (type != BPF_TRACE_FENTRY && type != BPF_TRACE_FEXIT)
      return NULL;   /* tp_btf, fmod_ret, iterators: judged at load */
   if (!this->vmlinuxTried) {
      this->vmlinuxTried = true;
      this->vmlinux = btf__load_vmlinux_btf();   /* NULL on failure */
   }
   if (!this->vmlinux)
      return xStrdup("fentry/fexit need the kernel's BTF (/sys/kernel/btf/vmlinux), which cannot be read");
   const char* name = Hooks_target(prog);
   int id = btf__find_by_name_kind(this->vmlinux, name, BTF_KIND_FUNC);
   if (id <= 0)
      return xAsprintf("no function %s in this kernel's BTF", name);
   return Hooks_tryTracing(id, type, name);
}

/* The helpers whose availability differs by program type and kernel
 * version, with the arguments that make a call to them valid. */
static const struct {
   int id;
   const char* name;
   bool stackArgs;      /* (buffer on the stack, 16): bpf_get_current_comm */
} Hooks_helpers[] = {
   { BPF_FUNC_get_current_pid_tgid, "bpf_get_current_pid_tgid", false },
   { BPF_FUNC_get_current_uid_gid, "bpf_get_current_uid_gid", false },
   { BPF_FUNC_get_current_comm, "bpf_get_current_comm", true },
   { BPF_FUNC_get_current_task, "bpf_get_current_task", false },
   { BPF_FUNC_get_current_cgroup_id, "bpf_get_current_cgroup_id", false },
};

/* Loads "[call helper;] r0 = 1; exit" as a program of this type: 0, or -errno. */
static int Hooks_tryHelper(enum bpf_prog_type type, enum bpf_attach_type attach, int helper, bool stackArgs) {
   struct bpf_insn insns[8];
   int n = 0;
   if (helper >= 0) {
      if (stackArgs) {
         insns[n++] = (struct bpf_insn){ .code = BPF_ALU64 | BPF_MOV | BPF_X, .dst_reg = BPF_REG_1, .src_reg = BPF_REG_10 };
         insns[n++] = (struct bpf_insn){ .code = BPF_ALU64 | BPF_ADD | BPF_K, .dst_reg = BPF_REG_1, .imm = -16 };
         insns[n++] = (struct bpf_insn){ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_2, .imm = 16 };
      }
      insns[n++] = (struct bpf_insn){ .code = BPF_JMP | BPF_CALL, .imm = helper };
   }
   insns[n++] = (struct bpf_insn){ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 1 };
   insns[n++] = (struct bpf_insn){ .code = BPF_JMP | BPF_EXIT };
   LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = attach);
   int fd = bpf_prog_load(type, "tcptop_helper", "GPL", insns, (size_t)n, &opts);
   if (fd < 0)
      return -errno;
   close(fd);
   return 0;
}

/*
 * Helper h for programs of this type: a program that calls it with valid
 * arguments is refused while the same program without the call loads. Not
 * for BTF tracing programs (fentry/fexit): they need a target to load, and
 * have had every bpf_get_current_* helper since they exist (5.5).
 */
static char* Hooks_helper(Hooks* this, const struct bpf_program* prog, int h) {
   enum bpf_prog_type type = bpf_program__type(prog);
   enum bpf_attach_type attach = bpf_program__expected_attach_type(prog);
   if (type == BPF_PROG_TYPE_TRACING || type == BPF_PROG_TYPE_LSM || type == BPF_PROG_TYPE_EXT ||
       type == BPF_PROG_TYPE_STRUCT_OPS)
      return NULL;
   char key[64];
   const char* problem;
   snprintf(key, sizeof(key), "helper:%d:%d:%d", (int)type, (int)attach, Hooks_helpers[h].id);
   if (Hooks_recall(this, key, &problem))
      return Hooks_copy(problem);
   char* why = NULL;
   if (Hooks_tryHelper(type, attach, Hooks_helpers[h].id, Hooks_helpers[h].stackArgs) < 0 &&
       Hooks_tryHelper(type, attach, -1, false) == 0)
      why = xAsprintf("%s programs cannot call %s on this kernel", libbpf_bpf_prog_type_str(type),
                      Hooks_helpers[h].name);
   return Hooks_remember(this, key, why);
}

/* Each helper of Hooks_helpers the program calls (its own instructions;
 * subprograms are checked by the verifier). */
static char* Hooks_helpersProblem(Hooks* this, const struct bpf_program* prog) {
   const struct bpf_insn* insns = bpf_program__insns(prog);
   size_t n = bpf_program__insn_cnt(prog);
   for (size_t h = 0; h < ARRAY_SIZE(Hooks_helpers); h++) {
      for (size_t i = 0; insns && i < n; i++) {
         if (insns[i].code == (BPF_JMP | BPF_CALL) && insns[i].src_reg == 0 && insns[i].imm == Hooks_helpers[h].id) {
            char* why = Hooks_helper(this, prog, (int)h);
            if (why)
               return why;
            break;
         }
      }
   }
   return NULL;
}

/* The program's type at all (BTF tracing types need a target: judged by
 * their trial attach). */
static char* Hooks_type(Hooks* this, const struct bpf_program* prog) {
   enum bpf_prog_type type = bpf_program__type(prog);
   if (type == BPF_PROG_TYPE_TRACING || type == BPF_PROG_TYPE_LSM || type == BPF_PROG_TYPE_EXT)
      return NULL;
   char key[32];
   const char* problem;
   snprintf(key, sizeof(key), "type:%d", (int)type);
   if (Hooks_recall(this, key, &problem))
      return Hooks_copy(problem);
   char* why = libbpf_probe_bpf_prog_type(type, NULL) == 0
                  ? xAsprintf("this kernel does not support %s programs", libbpf_bpf_prog_type_str(type))
                  : NULL;
   return Hooks_remember(this, key, why);
}

/* The memo's key for a hook's answer: this boot and the section. */
static bool Hooks_memoKey(const char* section, HashDigest* key) {
   Hash h;
   if (!Cache_bootKey(&h, "hook-answer-1"))
      return false;
   Hash_str(&h, section);
   *key = Hash_final(&h);
   return true;
}

/* A kprobe or fentry/fexit answer as remembered for this boot: true with
 * *why set (NULL: available), or false. */
static bool Hooks_memoGet(Hooks* this, const char* section, HashDigest* key, bool* keyed, char** why) {
   *keyed = this->cache && this->cache->usable && Hooks_memoKey(section, key);
   size_t len = 0;
   char* got = *keyed ? Cache_get(this->cache, *key, CACHE_HOOK_ANSWER, &len, NULL) : NULL;
   if (!got)
      return false;
   *why = len ? xStrndup(got, len) : NULL;
   free(got);
   return true;
}

/*
 * The hook itself, cached by section. The answers that cost most (fentry:
 * the kernel's 6 MB BTF read and a trial attach, 7 ms and more; kprobes:
 * the list of functions) are remembered for the boot in the cache
 * directory, so a warm start asks the kernel nothing it asked before.
 */
static char* Hooks_hook(Hooks* this, const struct bpf_program* prog) {
   enum bpf_prog_type type = bpf_program__type(prog);
   const char* section = bpf_program__section_name(prog);
   const char* problem;
   if (Hooks_recall(this, section, &problem))
      return Hooks_copy(problem);
   bool kprobe = type == BPF_PROG_TYPE_KPROBE && (Hooks_sectionIs(prog, "kprobe/") || Hooks_sectionIs(prog, "kretprobe/"));
   HashDigest key;
   bool keyed = false;
   char* why = NULL;
   if (type == BPF_PROG_TYPE_TRACEPOINT) {
      why = Hooks_tracepoint(this, prog);
   } else if ((kprobe || type == BPF_PROG_TYPE_TRACING) && !Hooks_memoGet(this, section, &key, &keyed, &why)) {
      why = kprobe ? Hooks_kprobe(this, prog) : Hooks_tracing(this, prog);
      if (keyed)
         Cache_put(this->cache, key, CACHE_HOOK_ANSWER, why ? why : "", why ? strlen(why) : 0);
   }
   return Hooks_remember(this, section, why);
}

/* A kind of hook --avoid-hooks rules out. */
static char* Hooks_avoided(const Hooks* this, const struct bpf_program* prog) {
   enum bpf_prog_type type = bpf_program__type(prog);
   enum bpf_attach_type attach = bpf_program__expected_attach_type(prog);
   if ((this->avoid & SETTINGS_HOOK_FENTRY) && type == BPF_PROG_TYPE_TRACING &&
       (attach == BPF_TRACE_FENTRY || attach == BPF_TRACE_FEXIT))
      return xStrdup("fentry/fexit avoided (--avoid-hooks, [probes] avoid_hooks)");
   if ((this->avoid & SETTINGS_HOOK_KPROBE) && type == BPF_PROG_TYPE_KPROBE)
      return xStrdup("kprobes avoided (--avoid-hooks, [probes] avoid_hooks)");
   if ((this->avoid & SETTINGS_HOOK_TRACEPOINT) && type == BPF_PROG_TYPE_TRACEPOINT)
      return xStrdup("tracepoints avoided (--avoid-hooks, [probes] avoid_hooks)");
   return NULL;
}

int Hooks_check(Hooks* this, const struct bpf_program* prog, char** why) {
   char* problem = Hooks_avoided(this, prog);
   if (!problem)
      problem = Hooks_type(this, prog);
   if (!problem)
      problem = Hooks_hook(this, prog);
   if (!problem)
      problem = Hooks_helpersProblem(this, prog);
   if (!problem)
      return 0;
   *why = xAsprintf("%s: %s", bpf_program__section_name(prog), problem);
   free(problem);
   return -1;
}
