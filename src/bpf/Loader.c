/*
 * Loader.c: bpf_object__open_mem, map sharing, load, attach.
 */
#include "config.h"
#include "bpf/Loader.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/statfs.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/magic.h>

#include "core/XUtils.h"
#include "bpf/ProbeSettings.h"
#include "bpf/Variants.h"
#include "../probes/tcptop.h"

/*
 * libbpf's print callback has no context pointer, so its messages go to this
 * one buffer; the loader takes what it needs after each step.
 */
static Buf Loader_libbpfLog;

static int Loader_print(enum libbpf_print_level level, const char* fmt, va_list args) {
   if (level == LIBBPF_DEBUG)
      return 0;
   Buf_vprintf(&Loader_libbpfLog, fmt, args);
   return 0;
}

static void Loader_findCgroupRoot(Loader* this) {
   static const char* const candidates[] = { "/sys/fs/cgroup", "/sys/fs/cgroup/unified" };
   for (size_t i = 0; i < ARRAY_SIZE(candidates); i++) {
      struct statfs sf;
      if (statfs(candidates[i], &sf) == 0 && sf.f_type == CGROUP2_SUPER_MAGIC) {
         this->cgroupFd = open(candidates[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
         if (this->cgroupFd >= 0) {
            this->cgroupPath = xStrdup(candidates[i]);
            return;
         }
      }
   }
}

void Loader_init(Loader* this, Cache* cache, unsigned avoid, const ProbeLimits* limits) {
   memset(this, 0, sizeof(*this));
   this->cgroupFd = -1;
   this->limits = *limits;
   this->log = xMalloc(LOADER_LOG_SIZE);
   Buf_init(&Loader_libbpfLog);
   libbpf_set_print(Loader_print);
   libbpf_set_strict_mode(LIBBPF_STRICT_ALL);
   Loader_findCgroupRoot(this);
   Hooks_init(&this->hooks, cache, avoid);
}

static void LoadedProbe_destroy(LoadedProbe* lp) {
   for (int i = 0; i < lp->nLinks; i++)
      bpf_link__destroy(lp->links[i]);
   lp->nLinks = 0;
   bpf_object__close(lp->obj);
   lp->obj = NULL;
}

void Loader_done(Loader* this) {
   for (int i = 0; i < this->count; i++)
      LoadedProbe_destroy(&this->loaded[i]);
   for (int i = 0; i < this->nShared; i++) {
      close(this->shared[i].fd);
      free(this->shared[i].name);
   }
   if (this->cgroupFd >= 0)
      close(this->cgroupFd);
   free(this->loaded);
   free(this->shared);
   free(this->cgroupPath);
   free(this->log);
   Hooks_done(&this->hooks);
   Buf_done(&Loader_libbpfLog);
   memset(this, 0, sizeof(*this));
   this->cgroupFd = -1;
}

/* The last `lines` lines of a log, trimmed. */
static char* Loader_tail(const char* log, int lines) {
   size_t n = strlen(log);
   while (n > 0 && (log[n - 1] == '\n' || log[n - 1] == ' '))
      n--;
   size_t start = n;
   for (int seen = 0; start > 0; start--) {
      if (log[start - 1] == '\n' && ++seen == lines)
         break;
   }
   return xStrndup(log + start, n - start);
}

static int Loader_sharedFd(const Loader* this, const char* name) {
   for (int i = 0; i < this->nShared; i++) {
      if (strcmp(this->shared[i].name, name) == 0)
         return this->shared[i].fd;
   }
   return -1;
}

/* A map this probe defines like the one already created under its name? */
static char* Loader_sharedMismatch(struct bpf_map* map, int fd) {
   struct bpf_map_info info;
   __u32 len = sizeof(info);
   memset(&info, 0, sizeof(info));
   if (bpf_obj_get_info_by_fd(fd, &info, &len) < 0)
      return xAsprintf("cannot inspect the shared map \"%s\": %s", bpf_map__name(map), strerror(errno));
   if (info.type == bpf_map__type(map) && info.key_size == bpf_map__key_size(map) &&
       info.value_size == bpf_map__value_size(map) && info.max_entries == bpf_map__max_entries(map))
      return NULL;
   return xAsprintf("map \"%s\" is shared by name but defined differently here (type %u, key %u, value %u, "
                    "%u entries; the first probe made it type %u, key %u, value %u, %u entries): rename it or "
                    "define it the same way", bpf_map__name(map), bpf_map__type(map), bpf_map__key_size(map),
                    bpf_map__value_size(map), bpf_map__max_entries(map), info.type, info.key_size,
                    info.value_size, info.max_entries);
}

/*
 * The maps the probe API sizes with TCPTOP_MAX_TCP and TCPTOP_MAX_UDP, and
 * flow_skb's cache of recent flows (two entries per flow), get the run-time
 * capacities: in every probe's copy, before the shared maps are compared and
 * reused, so that all agree. A map compiled with another size (a probe that
 * defined TCPTOP_MAX_TCP itself) keeps it.
 */
static const struct { const char* name; uint32_t compiled; bool tcp; uint32_t per; } Loader_sized[] = {
   { "tcp_conns", TCPTOP_MAX_TCP, true, 1 },    { "tcp_metrics", TCPTOP_MAX_TCP, true, 1 },
   { "tcp_counts", TCPTOP_MAX_TCP, true, 1 },   { "tcp_free", TCPTOP_MAX_TCP, true, 1 },
   { "udp_flows", TCPTOP_MAX_UDP, false, 1 },   { "udp_owners", TCPTOP_MAX_UDP, false, 1 },
   { "udp_counts", TCPTOP_MAX_UDP, false, 1 },  { "udp_free", TCPTOP_MAX_UDP, false, 1 },
   { "flow_last", 2 * TCPTOP_MAX_UDP, false, 2 },
};

static char* Loader_resize(const Loader* this, struct bpf_object* obj) {
   for (size_t i = 0; i < ARRAY_SIZE(Loader_sized); i++) {
      struct bpf_map* map = bpf_object__find_map_by_name(obj, Loader_sized[i].name);
      if (!map || bpf_map__max_entries(map) != Loader_sized[i].compiled)
         continue;
      uint32_t n = (Loader_sized[i].tcp ? this->limits.maxTcp : this->limits.maxUdp) * Loader_sized[i].per;
      if (bpf_map__set_max_entries(map, n) < 0)
         return xAsprintf("cannot size the map \"%s\" to %u entries: %s", Loader_sized[i].name, n, strerror(errno));
   }
   return NULL;
}

/* Returns NULL, or why a shared map cannot be reused. */
static char* Loader_reuseShared(Loader* this, struct bpf_object* obj) {
   struct bpf_map* map;
   bpf_object__for_each_map(map, obj) {
      if (bpf_map__is_internal(map))
         continue;
      int fd = Loader_sharedFd(this, bpf_map__name(map));
      if (fd < 0)
         continue;
      char* why = Loader_sharedMismatch(map, fd);
      if (why)
         return why;
      if (bpf_map__reuse_fd(map, fd) < 0)
         return xAsprintf("cannot share map \"%s\" with another probe: %s", bpf_map__name(map), strerror(errno));
   }
   return NULL;
}

static void Loader_registerShared(Loader* this, struct bpf_object* obj) {
   struct bpf_map* map;
   bpf_object__for_each_map(map, obj) {
      if (bpf_map__is_internal(map) || Loader_sharedFd(this, bpf_map__name(map)) >= 0)
         continue;
      int fd = fcntl(bpf_map__fd(map), F_DUPFD_CLOEXEC, 3);
      if (fd < 0)
         continue;
      this->shared = xRealloc(this->shared, sizeof(SharedMap) * (size_t)(this->nShared + 1));
      this->shared[this->nShared++] = (SharedMap){ xStrdup(bpf_map__name(map)), fd };
   }
}

static bool Loader_isCgroupProg(enum bpf_prog_type type) {
   return type == BPF_PROG_TYPE_CGROUP_SKB || type == BPF_PROG_TYPE_SOCK_OPS ||
          type == BPF_PROG_TYPE_CGROUP_SOCK || type == BPF_PROG_TYPE_CGROUP_SOCK_ADDR ||
          type == BPF_PROG_TYPE_CGROUP_SOCKOPT;
}

static char* Loader_attachHint(enum bpf_prog_type type, int err) {
   if (type == BPF_PROG_TYPE_TRACEPOINT && err == EACCES)
      return xStrdup("the kernel refused it: the program reads past the end of the tracepoint's record "
                     "(check the field offsets against /sys/kernel/tracing/events/.../format)");
   if (type == BPF_PROG_TYPE_KPROBE)
      return xAsprintf("kprobes cannot be attached on this kernel (%s; needs CONFIG_KPROBE_EVENTS)", strerror(err));
   if (type == BPF_PROG_TYPE_TRACING)
      return xAsprintf("fentry/fexit cannot be attached on this kernel (%s)", strerror(err));
   if (err == ENOENT)
      return xStrdup("no such hook on this kernel (tracepoint or function not found)");
   return xStrdup(strerror(err));
}

/* "tracepoint/sock/x, sockops": the hooks a probe's programs attached to. */
static void Loader_noteAttached(Probe* p, struct bpf_program* prog) {
   char* old = p->attached;
   p->attached = xAsprintf("%s%s%s", old ? old : "", old ? ", " : "", bpf_program__section_name(prog));
   free(old);
}

/* Returns PROBE_OK, or the failure status with *why set and *failed the
 * program that could not attach. */
static ProbeStatus Loader_attach(Loader* this, LoadedProbe* lp, char** why, struct bpf_program** failed) {
   struct bpf_program* prog;
   free(lp->probe->attached);
   lp->probe->attached = NULL;
   bpf_object__for_each_program(prog, lp->obj) {
      if (!bpf_program__autoload(prog))
         continue;
      enum bpf_prog_type type = bpf_program__type(prog);
      *failed = prog;
      char* tracefs = NULL;
      if ((type == BPF_PROG_TYPE_TRACEPOINT || type == BPF_PROG_TYPE_KPROBE) &&
          Hooks_tracefs(&this->hooks, &tracefs) < 0) {
         *why = xAsprintf("%s: %s", bpf_program__section_name(prog), tracefs);
         free(tracefs);
         return PROBE_HOOK_UNAVAILABLE;
      }
      if (Loader_isCgroupProg(type) && this->cgroupFd < 0) {
         *why = xAsprintf("%s: no cgroup v2 hierarchy is mounted (/sys/fs/cgroup or /sys/fs/cgroup/unified)",
                          bpf_program__section_name(prog));
         return PROBE_HOOK_UNAVAILABLE;
      }
      struct bpf_link* link = Loader_isCgroupProg(type) ? bpf_program__attach_cgroup(prog, this->cgroupFd)
                                                        : bpf_program__attach(prog);
      if (!link) {
         int err = errno;
         char* hint = Loader_attachHint(type, err);
         *why = xAsprintf("%s: attach failed: %s", bpf_program__section_name(prog), hint);
         free(hint);
         /* EACCES on a tracepoint: the kernel's late context-size check. */
         return type == BPF_PROG_TYPE_TRACEPOINT && err == EACCES ? PROBE_VERIFIER_REJECTED : PROBE_HOOK_UNAVAILABLE;
      }
      if (lp->nLinks < LOADER_MAX_LINKS)
         lp->links[lp->nLinks++] = link;
      Loader_noteAttached(lp->probe, prog);
   }
   *failed = NULL;
   return PROBE_OK;
}

/* Why bpf_object__load failed, and the status that says so; *failed: the
 * program whose hook is unavailable, when that is why. */
static char* Loader_loadFailure(Loader* this, struct bpf_object* obj, int err, ProbeStatus* status,
                                struct bpf_program** failed) {
   *status = PROBE_VERIFIER_REJECTED;
   struct bpf_program* prog;
   bpf_object__for_each_program(prog, obj) {
      enum bpf_prog_type type = bpf_program__type(prog);
      /* Kernels without BTF tracing support refuse these with EPERM, EINVAL
       * or ENOTSUPP (524) and an empty verifier log (Hooks' trial attach
       * normally says so first). */
      if (bpf_program__autoload(prog) && (type == BPF_PROG_TYPE_TRACING || type == BPF_PROG_TYPE_LSM) &&
          (err == EPERM || err == ENOTSUP || err == 524 || err == EINVAL) && !this->log[0]) {
         *status = PROBE_HOOK_UNAVAILABLE;
         *failed = prog;
         return xAsprintf("%s: BTF tracing programs (fentry/fexit/LSM) are not available on this kernel",
                          bpf_program__section_name(prog));
      }
   }
   if (this->log[0])
      return Loader_tail(this->log, LOADER_LOG_TAIL);
   if (Loader_libbpfLog.len)
      return Loader_tail(Buf_cstr(&Loader_libbpfLog), 3);
   return xStrdup(strerror(err));
}

/*
 * CO-RE against the object's own BTF. The object was compiled from this very
 * kernel's BTF (its digest is part of the cache key), so the types in its
 * .BTF are the kernel's, and relocating against them gives the offsets the
 * full vmlinux BTF would, without libbpf parsing 6 MB of it at every start.
 * Not for probes with "___" type flavors: their base type may be absent from
 * the object. Returns a memfd holding the object (or -1: use vmlinux BTF).
 */
static int Loader_selfBtf(const Probe* p, char* path, size_t size) {
   if (!p->source.data || strstr(p->source.data, "___"))
      return -1;
   int fd = memfd_create("tcptop-core-btf", MFD_CLOEXEC);
   if (fd < 0)
      return -1;
   if (write(fd, p->object, p->objectLen) != (ssize_t)p->objectLen) {
      close(fd);
      return -1;
   }
   snprintf(path, size, "/proc/self/fd/%d", fd);
   return fd;
}

/* One attempt with the variants picked so far. Returns NULL (loaded: *lp),
 * or why not, with *retry when another variant is left to try. */
static char* Loader_try(Loader* this, Probe* p, bool attach, Variants* v, LoadedProbe* lp, ProbeStatus* failure,
                        bool* retry) {
   this->log[0] = '\0';
   Loader_libbpfLog.len = 0;
   *retry = false;
   char btfPath[64];
   int btfFd = Loader_selfBtf(p, btfPath, sizeof(btfPath));
   LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = p->name,
               .kernel_log_buf = this->log, .kernel_log_size = LOADER_LOG_SIZE,
               .btf_custom_path = btfFd >= 0 ? btfPath : NULL);
   struct bpf_object* obj = bpf_object__open_mem(p->object, p->objectLen, &opts);
   *failure = PROBE_LOAD_ERROR;
   if (!obj) {
      if (btfFd >= 0)
         close(btfFd);
      return xAsprintf("libbpf cannot open the compiled object: %s", strerror(errno));
   }
   struct bpf_program* failed = NULL;
   char* why = NULL;
   if (Variants_choose(v, obj, &this->hooks, failure, &why) == 0 &&
       ProbeSettings_apply(obj, p, &this->limits, &why) < 0)
      *failure = PROBE_LOAD_ERROR;
   if (!why && (why = Loader_resize(this, obj)))
      *failure = PROBE_LOAD_ERROR;
   if (!why && (why = Loader_reuseShared(this, obj)))
      *failure = PROBE_LOAD_ERROR;
   int err = 0;
   if (!why && (err = bpf_object__load(obj)) < 0)
      why = Loader_loadFailure(this, obj, -err, failure, &failed);
   if (btfFd >= 0)
      close(btfFd);   /* libbpf reads the custom BTF during load */
   *lp = (LoadedProbe){ .probe = p, .obj = obj };
   if (!why && attach)
      *failure = Loader_attach(this, lp, &why, &failed);
   if (why) {
      *retry = *failure == PROBE_HOOK_UNAVAILABLE && failed && Variants_reject(v, obj, failed, why);
      LoadedProbe_destroy(lp);
   }
   return why;
}

static void Loader_loadOne(Loader* this, Probe* p, bool attach) {
   Variants v;
   LoadedProbe lp;
   ProbeStatus failure = PROBE_BAD_METADATA;
   bool retry = false;
   char* why = NULL;
   if (Variants_parse(&v, &p->meta, &why) == 0) {
      do {
         free(why);
         why = Loader_try(this, p, attach, &v, &lp, &failure, &retry);
      } while (retry);
   }
   free(p->variant);
   p->variant = v.skipped.len ? xStrdup(Buf_cstr(&v.skipped)) : NULL;
   Variants_done(&v);
   if (why) {
      Probe_setStatus(p, failure, why);
      free(why);
      return;
   }
   Loader_registerShared(this, lp.obj);
   Probe_setStatus(p, attach ? PROBE_OK : PROBE_LOADED, NULL);
   this->loaded = xRealloc(this->loaded, sizeof(LoadedProbe) * (size_t)(this->count + 1));
   this->loaded[this->count++] = lp;
}

void Loader_loadAll(Loader* this, ProbeSet* set, bool attach) {
   for (int i = 0; i < set->count; i++) {
      Probe* p = set->probes[i];
      if (p->status == PROBE_COMPILED)
         Loader_loadOne(this, p, attach);
   }
   Hooks_release(&this->hooks);   /* the BTF read for fentry checks: 6 MB of RSS */
}

struct bpf_map* Loader_findMap(const Loader* this, const char* name) {
   for (int i = 0; i < this->count; i++) {
      struct bpf_map* map = bpf_object__find_map_by_name(this->loaded[i].obj, name);
      if (map)
         return map;
   }
   return NULL;
}

/* The kernel's statistics of a loaded program; false when not loaded. */
static bool Loader_progInfo(const struct bpf_program* prog, struct bpf_prog_info* info) {
   __u32 len = sizeof(*info);
   memset(info, 0, sizeof(*info));
   int fd = bpf_program__fd(prog);
   return fd >= 0 && bpf_obj_get_info_by_fd(fd, info, &len) == 0;
}

/* Whether prog is one of a pair X, X_twin both loaded from obj: the twin
 * runs when X was skipped, X runs where the twin is (probes/tcp_state.bpf.c). */
static bool Loader_twinned(struct bpf_object* obj, const struct bpf_program* prog) {
   const char* name = bpf_program__name(prog);
   size_t n = strlen(name);
   char other[128];
   if (n > 5 && strcmp(name + n - 5, "_twin") == 0)
      snprintf(other, sizeof(other), "%.*s", (int)(n - 5), name);
   else if (snprintf(other, sizeof(other), "%s_twin", name) >= (int)sizeof(other))
      return false;
   struct bpf_program* p = bpf_object__find_program_by_name(obj, other);
   return p && bpf_program__fd(p) >= 0 && bpf_program__fd(prog) >= 0;
}

uint64_t Loader_missedRuns(const Loader* this) {
   uint64_t missed = 0;
   for (int i = 0; i < this->count; i++) {
      struct bpf_program* prog;
      bpf_object__for_each_program(prog, this->loaded[i].obj) {
         struct bpf_prog_info info;
         if (!Loader_twinned(this->loaded[i].obj, prog) && Loader_progInfo(prog, &info))
            missed += info.recursion_misses;
      }
   }
   return missed;
}

bool Loader_runStats(const Loader* this, const Probe* probe, uint64_t* count, uint64_t* ns) {
   *count = *ns = 0;
   for (int i = 0; i < this->count; i++) {
      if (this->loaded[i].probe != probe)
         continue;
      struct bpf_program* prog;
      bpf_object__for_each_program(prog, this->loaded[i].obj) {
         struct bpf_prog_info info;
         if (Loader_progInfo(prog, &info)) {
            *count += info.run_cnt;
            *ns += info.run_time_ns;
         }
      }
      return true;
   }
   return false;
}
