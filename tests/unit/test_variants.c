/* @variants lines: alternatives, '+' sets, '-' last, and the errors. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "bpf/Probe.h"
#include "bpf/Variants.h"
#include "check.h"

/* NULL when the line parses, else why not. */
static char* parse(const char* line, Variants* v) {
   ProbeMeta meta;
   memset(&meta, 0, sizeof(meta));
   char* lines[] = { (char*)line };
   meta.variants = lines;
   meta.nVariants = 1;
   char* why = NULL;
   int rc = Variants_parse(v, &meta, &why);
   CHECK((rc == 0) == (why == NULL));   /* -1 exactly when there is a reason */
   return why;
}

static void test_forms(void) {
   Variants v;
   CHECK(parse("sock_send, send_fexit+send6_fexit, send_kprobe+send_kretprobe", &v) == NULL);
   CHECK(v.n == 1 && v.groups[0].nAlts == 3);
   CHECK_STR(v.groups[0].alts[1], "send_fexit+send6_fexit");
   CHECK(v.groups[0].pick == 0);
   Variants_done(&v);
   CHECK(parse("page_fexit page_kprobe+page_kretprobe -", &v) == NULL);   /* blanks separate too */
   CHECK(v.groups[0].nAlts == 3);
   CHECK_STR(v.groups[0].alts[2], "-");
   Variants_done(&v);
}

static void test_errors(void) {
   Variants v;
   char* why = parse("a, -, b", &v);
   CHECK_STR(why, "@variants a, -, b: '-' (run nothing) can only be the last alternative");
   free(why);
   Variants_done(&v);
   why = parse("a, b++c", &v);
   CHECK_STR(why, "@variants a, b++c: 'b++c' is not NAME or NAME+NAME...");
   free(why);
   Variants_done(&v);
   why = parse("a+, b", &v);
   CHECK_CONTAINS(why, "'a+' is not NAME or NAME+NAME...");
   free(why);
   Variants_done(&v);
   why = parse("-", &v);
   CHECK_STR(why, "@variants -: names no program");
   free(why);
   Variants_done(&v);
}

int main(void) {
   test_forms();
   test_errors();
   return check_done("test_variants");
}
