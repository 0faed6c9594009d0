/*
 * Compiler.c: cache lookup in this process; compilation in forked children.
 *
 * A child dlopen()s tcptop-clang.so, parses the kernel BTF once, writes for
 * each probe a vmlinux.h trimmed to the types the probe names (falling back
 * to the full header when the trimmed one does not compile), compiles, and
 * streams the results back through a pipe. The parent never maps LLVM.
 */
#include "config.h"
#include "bpf/Compiler.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "bpf/StrSet.h"
#include "core/XUtils.h"
#include "bpf/BtfHeader.h"
#include "bpf/ClangBuild.h"
#include "bpf/EmbeddedHeaders.h"

#define COMPILER_KEY_VERSION "tcptop-cache-1"
#define COMPILER_MAX_JOBS 4
#define COMPILER_MAX_FILES 64

enum { RESULT_OK = 0, RESULT_ERROR = 1 };

typedef struct ResultHeader_ {
   uint32_t index;
   uint32_t status;
   uint64_t objectLen;
   uint64_t diagLen;
} ResultHeader;

/* API headers are kept as consecutive "name\0text\0" records in one Buf. */
static int Compiler_readApiHeaders(const char* dir, Buf* out, char** err) {
   DIR* d = opendir(dir);
   if (!d) {
      *err = xAsprintf("cannot read the probe API headers in %s: %s (reinstall tcptop)", dir, strerror(errno));
      return -1;
   }
   int rc = 0;
   for (struct dirent* e; rc == 0 && (e = readdir(d)) != NULL;) {
      if (e->d_name[0] == '.' || !XUtils_endsWith(e->d_name, ".h"))
         continue;
      char* path = xAsprintf("%s/%s", dir, e->d_name);
      Buf text;
      Buf_init(&text);
      int r = XUtils_readFile(path, &text);
      if (r) {
         *err = xAsprintf("cannot read %s: %s", path, strerror(r));
         rc = -1;
      } else {
         Buf_append(out, e->d_name, strlen(e->d_name) + 1);
         Buf_append(out, text.data, text.len + 1);
      }
      Buf_done(&text);
      free(path);
   }
   closedir(d);
   return rc;
}

static bool Compiler_nextRecord(const Buf* api, size_t* off, const char** name, const char** text, size_t* len) {
   if (*off >= api->len)
      return false;
   *name = api->data + *off;
   *text = *name + strlen(*name) + 1;
   *len = strlen(*text);
   *off = (size_t)(*text + *len + 1 - api->data);
   return true;
}

HashDigest Compiler_key(const CompilerConfig* cfg, const Probe* probe, const Buf* api) {
   Hash h;
   Hash_init(&h);
   Hash_str(&h, COMPILER_KEY_VERSION);
   Hash_str(&h, CLANGBUILD_TARGET_CPU);
   Hash_str(&h, cfg->compilerVersion ? cfg->compilerVersion : TCPTOP_LLVM_VERSION);
   for (int i = 0; i < cfg->nDefines; i++)
      Hash_str(&h, cfg->defines[i]);
   uint32_t abi = CLANGBUILD_ABI;
   Hash_field(&h, &abi, sizeof(abi));
   Hash_field(&h, &cfg->kernel->digest, sizeof(cfg->kernel->digest));
   Hash_str(&h, probe->path);
   Hash_field(&h, probe->source.data, probe->source.len);
   size_t off = 0;
   const char *name, *text;
   size_t len;
   while (Compiler_nextRecord(api, &off, &name, &text, &len)) {
      Hash_str(&h, name);
      Hash_field(&h, text, len);
   }
   for (unsigned i = 0; i < EmbeddedHeaders_count; i++) {
      Hash_str(&h, EmbeddedHeaders[i].name);
      Hash_field(&h, EmbeddedHeaders[i].data, EmbeddedHeaders[i].len);
   }
   return Hash_final(&h);
}

/* ---- child side ---------------------------------------------------------- */

typedef struct ChildCtx_ {
   const CompilerConfig* cfg;
   const Buf* api;
   ClangBuild_compile_fn compile;
   BtfHeader* btf;
   Buf fullHeader;        /* generated on first need */
   ClangBuild_File files[COMPILER_MAX_FILES];
   size_t nFiles;
   char* paths[COMPILER_MAX_FILES];
   int jobs;              /* compiles at once */
} ChildCtx;

static int Child_writeAll(int fd, const void* data, size_t len) {
   const char* p = data;
   while (len > 0) {
      ssize_t n = write(fd, p, len);
      if (n < 0 && errno == EINTR)
         continue;
      if (n <= 0)
         return -1;
      p += n;
      len -= (size_t)n;
   }
   return 0;
}

static void Child_send(int fd, uint32_t index, uint32_t status, const char* obj, size_t objLen, const char* diag) {
   ResultHeader rh = { index, status, objLen, diag ? strlen(diag) : 0 };
   if (Child_writeAll(fd, &rh, sizeof(rh)) < 0 || Child_writeAll(fd, obj, objLen) < 0 ||
       Child_writeAll(fd, diag, rh.diagLen) < 0)
      _exit(3);
}

static void Child_addFile(ChildCtx* c, char* path, const char* data, size_t len) {
   if (c->nFiles >= COMPILER_MAX_FILES - 1)
      return;
   c->paths[c->nFiles] = path;
   c->files[c->nFiles++] = (ClangBuild_File){ path, data, len };
}

static void Child_setupFiles(ChildCtx* c) {
   size_t off = 0;
   const char *name, *text;
   size_t len;
   while (Compiler_nextRecord(c->api, &off, &name, &text, &len))
      Child_addFile(c, xAsprintf("%s/%s", COMPILER_INCLUDE_DIR, name), text, len);
   for (unsigned i = 0; i < EmbeddedHeaders_count; i++)
      Child_addFile(c, xAsprintf("%s/%s", COMPILER_INCLUDE_DIR, EmbeddedHeaders[i].name),
                    EmbeddedHeaders[i].data, EmbeddedHeaders[i].len);
}

static int Child_compileWith(ChildCtx* c, const Probe* p, const char* vmlinux, size_t vlen, ClangBuild_Output* out) {
   c->files[c->nFiles] = (ClangBuild_File){ COMPILER_INCLUDE_DIR "/vmlinux.h", vmlinux, vlen };
   const char* args[64] = { "-I" COMPILER_INCLUDE_DIR };
   size_t nArgs = 1;
   for (int i = 0; i < c->cfg->nDefines && nArgs < 32; i++)
      args[nArgs++] = c->cfg->defines[i];
   if (!c->cfg->kernel->haveBtf) {
      for (const char* const* a = KernelTypes_headerArgs(c->cfg->kernel); *a && nArgs < 63; a++)
         args[nArgs++] = *a;
   }
   ClangBuild_Input in = {
      .sourcePath = p->path, .source = p->source.data, .sourceLen = p->source.len,
      .files = c->files, .nFiles = c->nFiles + 1,
      .args = args, .nArgs = nArgs, .resourceDir = TCPTOP_CLANG_RESOURCE_DIR,
   };
   return c->compile(&in, out);
}

static void Child_freeOutput(ClangBuild_Output* out) {
   free(out->object);
   free(out->diagnostics);
   memset(out, 0, sizeof(*out));
}

/* vmlinux.h trimmed to the names the probe and the API headers use. */
static void Child_trimmedHeader(ChildCtx* c, const Probe* p, Buf* out) {
   StrSet names;
   StrSet_init(&names);
   BtfHeader_addBaseNames(&names);
   StrSet_addIdentifiers(&names, p->source.data, p->source.len);
   for (size_t i = 0; i < c->nFiles; i++)
      StrSet_addIdentifiers(&names, c->files[i].data, c->files[i].len);
   char* err = NULL;
   if (BtfHeader_dumpNamed(c->btf, &names, out, &err) < 0) {
      out->len = 0;   /* the full header is tried instead */
      free(err);
   }
   StrSet_done(&names);
}

/* Trimmed vmlinux.h first (made ahead, while clang loads); the full one when that fails. */
static int Child_compileProbe(ChildCtx* c, const Probe* p, const Buf* trimmed, ClangBuild_Output* out) {
   if (!c->btf) {
      const char* shim = KernelTypes_headersShim();
      return Child_compileWith(c, p, shim, strlen(shim), out);
   }
   if (trimmed->len > 0 && Child_compileWith(c, p, trimmed->data, trimmed->len, out) == 0)
      return 0;
   Child_freeOutput(out);
   char* err = NULL;
   if (c->fullHeader.len == 0 && BtfHeader_dumpAll(c->btf, &c->fullHeader, &err) < 0) {
      out->diagnostics = xStrdup("cannot generate vmlinux.h from the kernel BTF");
      free(err);
      return -1;
   }
   return Child_compileWith(c, p, c->fullHeader.data, c->fullHeader.len, out);
}

/*
 * Each probe is compiled in a fork of this child (clang already loaded, the
 * BTF already parsed), never two in one process: LLVM 14's BPF backend keeps
 * a process-wide cache of CO-RE relocation globals (BPFAbstractMemberAccess's
 * GEPGlobals) that dangles once the first module is freed, so a second
 * module touching the same field (say __sk_buff.len) crashes the compiler.
 * The forks run side by side, up to `jobs` at once, each writing its result
 * to a pipe of its own; this child passes the results on whole.
 */
typedef struct Grandchild_ {
   pid_t pid;
   int fd;              /* read end, -1 once at EOF */
   uint32_t index;      /* the probe */
   Buf result;          /* what it wrote */
} Grandchild;

static void Grandchild_start(Grandchild* g, ChildCtx* c, const Probe* p, const Buf* trimmed) {
   int pfd[2];
   g->fd = -1;
   g->pid = -1;
   if (pipe(pfd) < 0)
      return;
   g->pid = fork();
   if (g->pid == 0) {
      close(pfd[0]);
      ClangBuild_Output out = {0};
      int rc = Child_compileProbe(c, p, trimmed, &out);
      Child_send(pfd[1], g->index, rc == 0 ? RESULT_OK : RESULT_ERROR, out.object, out.objectLen, out.diagnostics);
      _exit(0);
   }
   close(pfd[1]);
   if (g->pid < 0)
      close(pfd[0]);
   else
      g->fd = pfd[0];
}

/* Reads what g has written; false at EOF. */
static bool Grandchild_read(Grandchild* g) {
   Buf_reserve(&g->result, 65536);
   ssize_t r = read(g->fd, g->result.data + g->result.len, g->result.cap - g->result.len);
   if (r < 0 && errno == EINTR)
      return true;
   if (r <= 0)
      return false;
   g->result.len += (size_t)r;
   return true;
}

/* Waits for g and passes its result on, or why it has none. */
static void Grandchild_finish(Grandchild* g, int fd) {
   int status = 0;
   while (g->pid > 0 && waitpid(g->pid, &status, 0) < 0 && errno == EINTR)
      continue;
   bool ok = g->pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0 && g->result.len >= sizeof(ResultHeader);
   if (ok) {
      if (Child_writeAll(fd, g->result.data, g->result.len) < 0)
         _exit(3);
   } else {
      char* why = g->pid < 0 ? xAsprintf("cannot start the probe compiler: %s", strerror(errno))
                  : WIFSIGNALED(status) ? xAsprintf("the probe compiler crashed (signal %d) while compiling this probe",
                                                    WTERMSIG(status))
                                        : xStrdup("the probe compiler failed while compiling this probe");
      Child_send(fd, g->index, RESULT_ERROR, NULL, 0, why);
      free(why);
   }
   Buf_done(&g->result);
}

/* Collects from the running forks until one ends; returns its slot. */
static int Grandchild_waitAny(Grandchild* g, int n) {
   struct pollfd pfds[COMPILER_MAX_JOBS];
   int slot[COMPILER_MAX_JOBS], m = 0;
   for (int i = 0; i < n; i++) {
      if (g[i].fd >= 0) {
         pfds[m] = (struct pollfd){ .fd = g[i].fd, .events = POLLIN };
         slot[m++] = i;
      } else {
         return i;   /* never started: done at once */
      }
   }
   for (;;) {
      if (poll(pfds, (nfds_t)m, -1) < 0 && errno != EINTR)
         return slot[0];
      for (int k = 0; k < m; k++) {
         if (pfds[k].revents && !Grandchild_read(&g[slot[k]])) {
            close(g[slot[k]].fd);
            g[slot[k]].fd = -1;
            return slot[k];
         }
      }
   }
}

static void Child_compileAll(ChildCtx* c, ProbeSet* set, const int* todo, const Buf* trimmed, int n, int fd) {
   Grandchild running[COMPILER_MAX_JOBS];
   memset(running, 0, sizeof(running));
   int jobs = c->jobs < COMPILER_MAX_JOBS ? c->jobs : COMPILER_MAX_JOBS;
   int next = 0, active = 0;
   while (next < n || active > 0) {
      if (next < n && active < jobs) {
         Grandchild* g = &running[active++];
         memset(g, 0, sizeof(*g));
         Buf_init(&g->result);
         g->index = (uint32_t)todo[next];
         Grandchild_start(g, c, set->probes[todo[next]], &trimmed[next]);
         next++;
         continue;
      }
      int done = Grandchild_waitAny(running, active);
      Grandchild_finish(&running[done], fd);
      running[done] = running[--active];
   }
}

typedef struct ModuleLoad_ {
   const char* path;
   void* handle;
   ClangBuild_compile_fn compile;
   char* problem;
} ModuleLoad;

/* dlopen of libclang-cpp + libLLVM (~20 ms of relocations) runs in a thread
 * while the main thread parses the kernel BTF. */
static void* Child_loadModule(void* arg) {
   ModuleLoad* m = arg;
   m->handle = dlopen(m->path, RTLD_NOW | RTLD_LOCAL);
   if (!m->handle) {
      m->problem = xAsprintf("cannot load the probe compiler: %s (reinstall tcptop)", dlerror());
      return NULL;
   }
   ClangBuild_abi_fn abi = (ClangBuild_abi_fn)dlsym(m->handle, "ClangBuild_abi");
   m->compile = (ClangBuild_compile_fn)dlsym(m->handle, "ClangBuild_compile");
   if (!abi || !m->compile || abi() != CLANGBUILD_ABI)
      m->problem = xAsprintf("the probe compiler %s does not match this tcptop (reinstall tcptop)", m->path);
   return NULL;
}

static void Child_run(const CompilerConfig* cfg, const Buf* api, ProbeSet* set, const int* todo, int n, int jobs, int fd) {
   ChildCtx c = { .cfg = cfg, .api = api, .jobs = jobs };
   Buf_init(&c.fullHeader);
   ModuleLoad m = { .path = cfg->modulePath };
   pthread_t loader;
   bool threaded = pthread_create(&loader, NULL, Child_loadModule, &m) == 0;
   if (!threaded)
      Child_loadModule(&m);
   char* btfProblem = NULL;
   if (cfg->kernel->haveBtf)
      c.btf = BtfHeader_open(cfg->kernel->btfPath, &btfProblem);
   Child_setupFiles(&c);
   Buf* trimmed = xCalloc((size_t)n, sizeof(Buf));
   for (int i = 0; i < n && c.btf; i++)
      Child_trimmedHeader(&c, set->probes[todo[i]], &trimmed[i]);
   if (threaded)
      pthread_join(loader, NULL);
   c.compile = m.compile;
   char* problem = m.problem ? m.problem : btfProblem;
   for (int i = 0; i < n && problem; i++)
      Child_send(fd, (uint32_t)todo[i], RESULT_ERROR, NULL, 0, problem);
   if (!problem)
      Child_compileAll(&c, set, todo, trimmed, n, fd);
   close(fd);   /* EOF for the parent now, not after the address space is torn down */
   _exit(0);
}

/* ---- parent side --------------------------------------------------------- */

static void Compiler_takeResults(ProbeSet* set, const Buf* in) {
   size_t off = 0;
   while (off + sizeof(ResultHeader) <= in->len) {
      ResultHeader rh;
      memcpy(&rh, in->data + off, sizeof(rh));
      off += sizeof(rh);
      if (rh.index >= (uint32_t)set->count || off + rh.objectLen + rh.diagLen > in->len)
         return;
      Probe* p = set->probes[rh.index];
      char* diag = xStrndup(in->data + off + rh.objectLen, rh.diagLen);
      if (rh.status == RESULT_OK) {
         p->object = xMalloc(rh.objectLen);
         memcpy(p->object, in->data + off, rh.objectLen);
         p->objectLen = rh.objectLen;
         Probe_setStatus(p, PROBE_COMPILED, rh.diagLen ? diag : NULL);
      } else {
         Probe_setStatus(p, PROBE_COMPILE_ERROR, rh.diagLen ? diag : "compilation failed without diagnostics");
      }
      free(diag);
      off += rh.objectLen + rh.diagLen;
   }
}

static void Compiler_failPending(ProbeSet* set, const int* todo, int n, const char* msg) {
   for (int i = 0; i < n; i++) {
      Probe* p = set->probes[todo[i]];
      if (p->status == PROBE_PENDING)
         Probe_setStatus(p, PROBE_COMPILE_ERROR, msg);
   }
}

static void Compiler_collect(ProbeSet* set, int fd, pid_t pid, const int* todo, int n) {
   if (fd < 0 || pid <= 0) {
      char* msg = xAsprintf("cannot start the probe compiler process: %s", strerror(errno));
      Compiler_failPending(set, todo, n, msg);
      free(msg);
      return;
   }
   Buf in;
   Buf_init(&in);
   for (;;) {
      Buf_reserve(&in, 65536);
      ssize_t r = read(fd, in.data + in.len, in.cap - in.len - 1);
      if (r < 0 && errno == EINTR)
         continue;
      if (r <= 0)
         break;
      in.len += (size_t)r;
   }
   close(fd);
   int status = 0;
   while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
      ;
   Compiler_takeResults(set, &in);
   Buf_done(&in);
   char* msg = WIFSIGNALED(status)
      ? xAsprintf("the probe compiler crashed (signal %d) while compiling this probe", WTERMSIG(status))
      : xAsprintf("the probe compiler exited (status %d) before compiling this probe", WEXITSTATUS(status));
   Compiler_failPending(set, todo, n, msg);
   free(msg);
}

static int Compiler_jobs(const CompilerConfig* cfg, int misses) {
   long cpus = sysconf(_SC_NPROCESSORS_ONLN);
   int jobs = cfg->jobs > 0 ? cfg->jobs : (int)(cpus > 0 ? cpus : 1);
   if (jobs > COMPILER_MAX_JOBS)
      jobs = COMPILER_MAX_JOBS;
   return jobs < misses ? jobs : misses;
}

static const ProbeSet* Compiler_sortSet;

static int Compiler_cmpSize(const void* a, const void* b) {
   size_t x = Compiler_sortSet->probes[*(const int*)a]->source.len;
   size_t y = Compiler_sortSet->probes[*(const int*)b]->source.len;
   return x < y ? 1 : x > y ? -1 : 0;
}

/* One compiler child (clang is loaded once), which compiles the misses
 * side by side, the largest sources (the longest compiles) first; waits for
 * all of them. */
static void Compiler_spawn(const CompilerConfig* cfg, const Buf* api, ProbeSet* set, int* misses, int n) {
   Compiler_sortSet = set;
   qsort(misses, (size_t)n, sizeof(int), Compiler_cmpSize);
   Compiler_sortSet = NULL;
   int jobs = Compiler_jobs(cfg, n);
   int pfd[2];
   pid_t pid = -1;
   fflush(NULL);
   if (pipe(pfd) == 0) {
      pid = fork();
      if (pid == 0) {
         close(pfd[0]);
         Child_run(cfg, api, set, misses, n, jobs, pfd[1]);
      }
      close(pfd[1]);
      if (pid < 0)
         close(pfd[0]);
   }
   Compiler_collect(set, pid > 0 ? pfd[0] : -1, pid, misses, n);
}

int Compiler_compileAll(const CompilerConfig* cfg, ProbeSet* set, char** err) {
   if (cfg->kernel->error) {
      *err = xStrdup(cfg->kernel->error);
      return -1;
   }
   Buf api;
   Buf_init(&api);
   if (Compiler_readApiHeaders(cfg->includeDir, &api, err) < 0) {
      Buf_done(&api);
      return -1;
   }
   int* misses = xCalloc((size_t)set->count + 1, sizeof(int));
   HashDigest* keys = xCalloc((size_t)set->count + 1, sizeof(HashDigest));
   int nMiss = 0;
   for (int i = 0; i < set->count; i++) {
      Probe* p = set->probes[i];
      if (Probe_failed(p))
         continue;
      Probe_setStatus(p, PROBE_PENDING, NULL);
      keys[i] = Compiler_key(cfg, p, &api);
      char* why = NULL;
      p->object = Cache_get(cfg->cache, keys[i], CACHE_OBJECT, &p->objectLen, &why);
      if (p->object) {
         p->fromCache = true;
         Probe_setStatus(p, PROBE_COMPILED, NULL);
      } else {
         misses[nMiss++] = i;
      }
      if (why)
         XUtils_error("%s", why);
      free(why);
   }
   if (nMiss > 0)
      Compiler_spawn(cfg, &api, set, misses, nMiss);
   for (int i = 0; i < nMiss; i++) {
      Probe* p = set->probes[misses[i]];
      if (p->status == PROBE_COMPILED)
         Cache_put(cfg->cache, keys[misses[i]], CACHE_OBJECT, p->object, p->objectLen);
   }
   free(misses);
   free(keys);
   Buf_done(&api);
   return 0;
}
