/* Probe discovery: which files count, override order, origins, errors. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "bpf/Probe.h"
#include "core/XUtils.h"
#include "check.h"

static char root[] = "/tmp/tcptop-test-discovery-XXXXXX";

static char* mkdirIn(const char* name) {
   char* d = xAsprintf("%s/%s", root, name);
   mkdir(d, 0755);
   return d;
}

static void writeProbe(const char* dir, const char* file, const char* desc) {
   char* path = xAsprintf("%s/%s", dir, file);
   char* text = xAsprintf("// @description %s\n// @hooks tracepoint/a/b\nint x;\n", desc);
   FILE* f = fopen(path, "w");
   fputs(text, f);
   fclose(f);
   free(path);
   free(text);
}

static void test_override(void) {
   char* a = mkdirIn("builtin");
   char* b = mkdirIn("system");
   char* c = mkdirIn("cmdline");
   writeProbe(a, "p1.bpf.c", "builtin p1");
   writeProbe(a, "p2.bpf.c", "builtin p2");
   writeProbe(a, "notes.txt", "not a probe");
   writeProbe(a, ".hidden.bpf.c", "hidden");
   writeProbe(a, "bad name.bpf.c", "spaces");
   writeProbe(b, "p2.bpf.c", "system p2");
   writeProbe(b, "p3.bpf.c", "system p3");
   writeProbe(c, "p3.bpf.c", "cmdline p3");
   writeProbe(c, "p1.bpf.c", "cmdline p1");

   ProbeSet set;
   ProbeSet_init(&set);
   char* err = NULL;
   CHECK(ProbeSet_addDir(&set, a, true, false, &err) == 0);
   CHECK(set.count == 2);
   CHECK(ProbeSet_addDir(&set, b, false, true, &err) == 0);
   CHECK(ProbeSet_addDir(&set, c, false, false, &err) == 0);
   CHECK(set.count == 3);
   Probe* p1 = ProbeSet_find(&set, "p1");
   Probe* p2 = ProbeSet_find(&set, "p2");
   Probe* p3 = ProbeSet_find(&set, "p3");
   CHECK(p1 && p1->origin == PROBE_OVERRIDE);
   CHECK_STR(p1 ? p1->meta.description : NULL, "cmdline p1");
   CHECK(p2 && p2->origin == PROBE_OVERRIDE);
   CHECK_STR(p2 ? p2->meta.description : NULL, "system p2");
   CHECK(p3 && p3->origin == PROBE_USER);
   CHECK_STR(p3 ? p3->meta.description : NULL, "cmdline p3");
   char* expected = xAsprintf("%s/p3.bpf.c", c);
   CHECK_STR(p3 ? p3->path : NULL, expected);
   free(expected);
   CHECK(ProbeSet_find(&set, "notes") == NULL && ProbeSet_find(&set, ".hidden") == NULL);
   CHECK(ProbeSet_find(&set, "bad name") == NULL);
   /* Built-in order is kept: p1 then p2, p3 appended. */
   CHECK_STR(set.probes[0]->name, "p1");
   CHECK_STR(set.probes[2]->name, "p3");
   ProbeSet_done(&set);
   free(a);
   free(b);
   free(c);
}

static void test_dirs(void) {
   ProbeSet set;
   ProbeSet_init(&set);
   char* err = NULL;
   char* missing = xAsprintf("%s/missing", root);
   CHECK(ProbeSet_addDir(&set, missing, false, true, &err) == 0);
   CHECK(ProbeSet_addDir(&set, missing, false, false, &err) == -1);
   CHECK_CONTAINS(err, "cannot read probe directory");
   CHECK_CONTAINS(err, "No such file or directory");
   free(err);
   free(missing);
   ProbeSet_done(&set);
}

static void test_badMetadata(void) {
   char* d = mkdirIn("bad");
   char* path = xAsprintf("%s/q.bpf.c", d);
   FILE* f = fopen(path, "w");
   fputs("// @name other\n// @description x\n// @hooks h\n", f);
   fclose(f);
   ProbeSet set;
   ProbeSet_init(&set);
   char* err = NULL;
   CHECK(ProbeSet_addDir(&set, d, false, false, &err) == 0);
   CHECK(set.count == 1 && set.probes[0]->status == PROBE_BAD_METADATA);
   CHECK_CONTAINS(set.count ? set.probes[0]->message : NULL, "@name other does not match the file name (expected q)");
   CHECK_CONTAINS(set.count ? set.probes[0]->message : NULL, path);
   ProbeSet_done(&set);
   free(path);
   free(d);
}

int main(void) {
   if (!mkdtemp(root)) {
      perror("mkdtemp");
      return 99;
   }
   test_override();
   test_dirs();
   test_badMetadata();
   check_rmtree(root);
   return check_done("test_discovery");
}
