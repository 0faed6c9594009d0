/* The embedded compiler, without root: a good probe becomes a BPF ELF object;
 * a broken one gives "file:line:col: error: message" with its real name;
 * the identifier scan that trims vmlinux.h sees code, not comments. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include "bpf/Probe.h"
#include "bpf/StrSet.h"
#include "core/XUtils.h"
#include "bpf/Compiler.h"
#include "check.h"

static char root[] = "/tmp/tcptop-test-compile-XXXXXX";

static void writeFile(const char* path, const char* text) {
   FILE* f = fopen(path, "w");
   if (!f) {
      perror(path);
      exit(99);
   }
   fputs(text, f);
   fclose(f);
}

static void test_identifiers(void) {
   StrSet s;
   StrSet_init(&s);
   const char* src = "struct sock *sk; // struct in_comment\n/* tcp_sock */ char* s = \"udp_sock\"; int x2 = 0x1f;";
   StrSet_addIdentifiers(&s, src, strlen(src));
   CHECK(StrSet_has(&s, "sock") && StrSet_has(&s, "sk") && StrSet_has(&s, "x2"));
   CHECK(!StrSet_has(&s, "in_comment") && !StrSet_has(&s, "tcp_sock") && !StrSet_has(&s, "udp_sock"));
   CHECK(!StrSet_has(&s, "x1f") && !StrSet_has(&s, "f"));
   StrSet_done(&s);
}

static void test_compile(void) {
   char* good = xAsprintf("%s/good.bpf.c", root);
   char* bad = xAsprintf("%s/bad.bpf.c", root);
   writeFile(good, "// @description good\n// @hooks tracepoint/sock/inet_sock_set_state\n"
                   "#include \"tcptop.bpf.h\"\n"
                   "SEC(\"tracepoint/sock/inet_sock_set_state\")\n"
                   "int good(struct trace_event_raw_inet_sock_set_state* ctx) { return ctx->protocol == IPPROTO_TCP; }\n"
                   "char LICENSE[] SEC(\"license\") = \"GPL\";\n");
   writeFile(bad, "// @description bad\n// @hooks tracepoint/sock/inet_sock_set_state\n"
                  "#include \"tcptop.bpf.h\"\n"
                  "SEC(\"tracepoint/sock/inet_sock_set_state\")\n"
                  "int bad(void* ctx) {\n"
                  "   return no_such_thing;\n"
                  "}\n");
   ProbeSet set;
   ProbeSet_init(&set);
   char* err = NULL;
   CHECK(ProbeSet_addDir(&set, root, false, false, &err) == 0);
   KernelTypes kt;
   KernelTypes_find(&kt, NULL, NULL, NULL);
   if (kt.error) {
      printf("SKIP: test_compile: %s\n", kt.error);
      exit(77);
   }
   CompilerConfig cfg = { .modulePath = TEST_BUILDDIR "/.libs/tcptop-clang.so",
                          .includeDir = TEST_SRCDIR "/probes", .kernel = &kt };
   Cache none;
   Cache_open(&none, NULL);
   cfg.cache = &none;
   CHECK(Compiler_compileAll(&cfg, &set, &err) == 0);
   Probe* g = ProbeSet_find(&set, "good");
   Probe* b = ProbeSet_find(&set, "bad");
   CHECK(g && g->status == PROBE_COMPILED && g->objectLen > 64 && memcmp(g->object, "\177ELF", 4) == 0);
   CHECK(b && b->status == PROBE_COMPILE_ERROR);
   char* where = xAsprintf("%s:6:11: error: use of undeclared identifier 'no_such_thing'", bad);
   CHECK_CONTAINS(b ? b->message : NULL, where);
   CHECK_CONTAINS(b ? b->message : NULL, "return no_such_thing;");
   free(where);

   /* A missing compiler module is reported per probe, not as a crash. */
   ProbeSet_done(&set);
   ProbeSet_init(&set);
   CHECK(ProbeSet_addDir(&set, root, false, false, &err) == 0);
   cfg.modulePath = "/nonexistent/tcptop-clang.so";
   CHECK(Compiler_compileAll(&cfg, &set, &err) == 0);
   g = ProbeSet_find(&set, "good");
   CHECK(g && g->status == PROBE_COMPILE_ERROR);
   CHECK_CONTAINS(g ? g->message : NULL, "cannot load the probe compiler");
   ProbeSet_done(&set);
   KernelTypes_done(&kt);
   free(good);
   free(bad);
}

/* Kernel types: BTF when present; kernel headers as the fallback; with
 * neither, one error saying what to install. */
static void test_kernelTypes(void) {
   KernelTypes kt;
   KernelTypes_find(&kt, NULL, NULL, NULL);
   HashDigest first = kt.digest;
   bool btf = kt.haveBtf;
   KernelTypes_done(&kt);
   if (btf) {
      KernelTypes_find(&kt, NULL, NULL, NULL);
      CHECK(kt.haveBtf && kt.error == NULL && kt.digest.hi == first.hi && kt.digest.lo == first.lo);
      KernelTypes_done(&kt);
   }

   struct utsname u;
   uname(&u);
   char* modules = xAsprintf("%s/modules", root);
   mkdir(modules, 0755);
   KernelTypes_find(&kt, "/nonexistent/vmlinux", modules, NULL);
   CHECK(!kt.haveBtf && kt.headersDir == NULL);
   char* expected = xAsprintf("this kernel has no BTF (/nonexistent/vmlinux: No such file or directory) and no "
                              "headers (%s/%s/build): use a kernel built with CONFIG_DEBUG_INFO_BTF=y, or install "
                              "the linux-headers-%s package", modules, u.release, u.release);
   CHECK_STR(kt.error, expected);
   free(expected);
   CompilerConfig cfg = { .kernel = &kt, .includeDir = TEST_SRCDIR "/probes" };
   ProbeSet set;
   ProbeSet_init(&set);
   char* err = NULL;
   CHECK(Compiler_compileAll(&cfg, &set, &err) == -1);
   CHECK_CONTAINS(err, "this kernel has no BTF");
   free(err);
   KernelTypes_done(&kt);

   char* release = xAsprintf("%s/%s", modules, u.release);
   mkdir(release, 0755);
   free(release);
   char* build = xAsprintf("%s/%s/build", modules, u.release);
   char* sub[] = { "", "/include", "/include/linux" };
   for (size_t i = 0; i < ARRAY_SIZE(sub); i++) {
      char* d = xAsprintf("%s%s", build, sub[i]);
      mkdir(d, 0755);
      free(d);
   }
   char* kconfig = xAsprintf("%s/include/linux/kconfig.h", build);
   writeFile(kconfig, "/* kconfig */\n");
   KernelTypes_find(&kt, "/nonexistent/vmlinux", modules, NULL);
   CHECK(!kt.haveBtf && kt.error == NULL);
   CHECK_STR(kt.headersDir, build);
   const char* const* args = KernelTypes_headerArgs(&kt);
   bool kernelDef = false, include = false;
   char* inc = xAsprintf("-I%s/include", build);
   for (int i = 0; args[i]; i++) {
      kernelDef |= strcmp(args[i], "-D__KERNEL__") == 0;
      include |= strcmp(args[i], inc) == 0;
   }
   CHECK(kernelDef && include);
   KernelTypes_done(&kt);
   free(inc);
   free(kconfig);
   free(build);
   free(modules);
}

int main(void) {
   if (!mkdtemp(root)) {
      perror("mkdtemp");
      return 99;
   }
   test_identifiers();
   test_kernelTypes();
   test_compile();
   check_rmtree(root);
   return check_done("test_compile");
}
