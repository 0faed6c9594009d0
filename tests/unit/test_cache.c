/* Cache keys change with every input; entries survive a round trip; corrupt
 * or untrusted entries are refused. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "bpf/Cache.h"
#include "bpf/Probe.h"
#include "core/XUtils.h"
#include "bpf/Compiler.h"
#include "check.h"

static char root[] = "/tmp/tcptop-test-cache-XXXXXX";

static bool same(HashDigest a, HashDigest b) {
   return a.hi == b.hi && a.lo == b.lo;
}

static void test_keys(void) {
   KernelTypes kt = { .haveBtf = true, .digest = { 1, 2 } };
   CompilerConfig cfg = { .kernel = &kt };
   Probe p = { .path = "/p/x.bpf.c" };
   Buf_init(&p.source);
   Buf_appendStr(&p.source, "int x;\n");
   Buf api;
   Buf_init(&api);
   Buf_append(&api, "tcptop.bpf.h", 13);
   Buf_append(&api, "#define A 1\n", 13);

   HashDigest base = Compiler_key(&cfg, &p, &api);
   CHECK(same(base, Compiler_key(&cfg, &p, &api)));

   Buf_appendStr(&p.source, " ");                         /* probe source */
   CHECK(!same(base, Compiler_key(&cfg, &p, &api)));
   p.source.len--;
   CHECK(same(base, Compiler_key(&cfg, &p, &api)));

   api.data[13] = 'X';                                    /* an API header */
   CHECK(!same(base, Compiler_key(&cfg, &p, &api)));
   api.data[13] = '#';

   kt.digest.lo = 3;                                      /* kernel BTF */
   CHECK(!same(base, Compiler_key(&cfg, &p, &api)));
   kt.digest.lo = 2;

   cfg.compilerVersion = "99.0.0";                        /* compiler */
   CHECK(!same(base, Compiler_key(&cfg, &p, &api)));
   cfg.compilerVersion = NULL;

   const char* defs[] = { "-DSAMPLE_EVERY=4" };           /* defines */
   cfg.defines = defs;
   cfg.nDefines = 1;
   HashDigest withDef = Compiler_key(&cfg, &p, &api);
   CHECK(!same(base, withDef));
   defs[0] = "-DSAMPLE_EVERY=8";
   CHECK(!same(withDef, Compiler_key(&cfg, &p, &api)));
   cfg.nDefines = 0;

   p.path = "/q/x.bpf.c";                                 /* file name (in debug info) */
   CHECK(!same(base, Compiler_key(&cfg, &p, &api)));
   Buf_done(&p.source);
   Buf_done(&api);
}

static void test_roundTrip(void) {
   char* dir = xAsprintf("%s/c", root);
   Cache c;
   Cache_open(&c, dir);
   CHECK(c.usable);
   HashDigest key = { 42, 43 };
   const char obj[] = "\177ELF pretend object";
   CHECK(Cache_put(&c, key, CACHE_OBJECT, obj, sizeof(obj)) == 0);
   size_t len = 0;
   char* why = NULL;
   char* got = Cache_get(&c, key, CACHE_OBJECT, &len, &why);
   CHECK(got && len == sizeof(obj) && memcmp(got, obj, len) == 0);
   CHECK(why == NULL);
   free(got);
   char* path = Cache_entryPath(&c, key, CACHE_OBJECT);
   struct stat st;
   CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);

   /* Flip one payload byte: refused as corrupt. */
   FILE* f = fopen(path, "r+");
   fseek(f, 40, SEEK_SET);
   fputc('#', f);
   fclose(f);
   CHECK(Cache_get(&c, key, CACHE_OBJECT, &len, &why) == NULL);
   CHECK_CONTAINS(why, "corrupt");
   free(why);
   why = NULL;

   /* Truncated: refused. */
   CHECK(Cache_put(&c, key, CACHE_OBJECT, obj, sizeof(obj)) == 0);
   CHECK(truncate(path, 20) == 0);
   CHECK(Cache_get(&c, key, CACHE_OBJECT, &len, &why) == NULL);
   CHECK_CONTAINS(why, "not a tcptop cache entry");
   free(why);
   why = NULL;

   /* Writable by others: refused, never loaded. */
   CHECK(Cache_put(&c, key, CACHE_OBJECT, obj, sizeof(obj)) == 0);
   CHECK(chmod(path, 0666) == 0);
   CHECK(Cache_get(&c, key, CACHE_OBJECT, &len, &why) == NULL);
   CHECK_CONTAINS(why, "writable only by its owner");
   free(why);
   why = NULL;

   /* Owned by someone else (needs root to set up). */
   if (geteuid() == 0) {
      CHECK(Cache_put(&c, key, CACHE_OBJECT, obj, sizeof(obj)) == 0);
      CHECK(chown(path, 65534, 65534) == 0);
      CHECK(Cache_get(&c, key, CACHE_OBJECT, &len, &why) == NULL);
      CHECK_CONTAINS(why, "owned by root");
      free(why);
   } else {
      printf("test_cache: not root, skipped the foreign-owner case\n");
   }
   free(path);
   Cache_close(&c);

   /* A group-writable cache directory is not used at all. */
   CHECK(chmod(dir, 0770) == 0);
   Cache_open(&c, dir);
   CHECK(!c.usable);
   CHECK_CONTAINS(c.problem, "not using it");
   CHECK(Cache_get(&c, key, CACHE_OBJECT, &len, NULL) == NULL);
   Cache_close(&c);
   free(dir);
}

int main(void) {
   if (!mkdtemp(root)) {
      perror("mkdtemp");
      return 99;
   }
   test_keys();
   test_roundTrip();
   check_rmtree(root);
   return check_done("test_cache");
}
