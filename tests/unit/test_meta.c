/* Probe metadata parsing: valid forms, each error message. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "bpf/Probe.h"
#include "check.h"

static int parse(const char* text, ProbeMeta* m, char** err) {
   return ProbeMeta_parse(text, strlen(text), m, err);
}

static void test_lineComments(void) {
   ProbeMeta m;
   char* err = NULL;
   const char* src =
      "// SPDX-License-Identifier: GPL-2.0\n"
      "// @name        tcp_state\n"
      "// @description TCP lifecycle events\n"
      "// @hooks       tracepoint/sock/inet_sock_set_state, tracepoint/tcp/tcp_retransmit_skb\n"
      "// @provides    state pid\n"
      "#include \"tcptop.bpf.h\"\n"
      "// @description ignored: after the leading comment\n";
   CHECK(parse(src, &m, &err) == 0);
   CHECK_STR(m.name, "tcp_state");
   CHECK_STR(m.description, "TCP lifecycle events");
   CHECK(m.nHooks == 2);
   CHECK_STR(m.hooks[0], "tracepoint/sock/inet_sock_set_state");
   CHECK_STR(m.hooks[1], "tracepoint/tcp/tcp_retransmit_skb");
   CHECK(m.nProvides == 2);
   CHECK_STR(m.provides[1], "pid");
   ProbeMeta_done(&m);
}

/* @variants: one line per group of alternative programs, kept as written. */
static void test_variants(void) {
   ProbeMeta m;
   char* err = NULL;
   const char* src =
      "// @description d\n"
      "// @hooks       fexit/tcp_retransmit_skb, tracepoint/tcp/tcp_retransmit_skb\n"
      "// @variants    retx_fexit, retx_tp\n"
      "// @variants    a b\n";
   CHECK(parse(src, &m, &err) == 0);
   CHECK(m.nVariants == 2);
   CHECK_STR(m.variants[0], "retx_fexit, retx_tp");
   CHECK_STR(m.variants[1], "a b");
   ProbeMeta_done(&m);
   CHECK(parse("// @description d\n// @hooks h\n// @variant x\n", &m, &err) < 0);
   CHECK_CONTAINS(err, "unknown metadata key @variant (valid keys: @name, @description, @hooks, @provides, @setting, @variants)");
   free(err);
}

static void test_blockComment(void) {
   ProbeMeta m;
   char* err = NULL;
   const char* src =
      "/*\n"
      " * A probe.\n"
      " * @description Counts things\n"
      " * @hooks sockops\n"
      " */\n"
      "\n"
      "int x;\n";
   CHECK(parse(src, &m, &err) == 0);
   CHECK_STR(m.description, "Counts things");
   CHECK(m.nHooks == 1);
   CHECK_STR(m.hooks[0], "sockops");
   CHECK(m.name == NULL);
   ProbeMeta_done(&m);
   CHECK(parse("/* @description One line @hooks x */\nint y;\n", &m, &err) == -1);
   free(err);
}

static void test_errors(void) {
   ProbeMeta m;
   char* err = NULL;
   CHECK(parse("// @hooks a\nint x;\n", &m, &err) == -1);
   CHECK_CONTAINS(err, "no @description");
   free(err);
   CHECK(parse("// @description d\nint x;\n", &m, &err) == -1);
   CHECK_CONTAINS(err, "no @hooks");
   free(err);
   CHECK(parse("// @description d\n// @hooks h\n// @colour red\n", &m, &err) == -1);
   CHECK_CONTAINS(err, "line 3: unknown metadata key @colour");
   CHECK_CONTAINS(err, "@provides");
   free(err);
   CHECK(parse("// @description\n// @hooks h\n", &m, &err) == -1);
   CHECK_CONTAINS(err, "line 1: @description has no value");
   free(err);
   CHECK(parse("// @description a\n// @description b\n// @hooks h\n", &m, &err) == -1);
   CHECK_CONTAINS(err, "line 2: @description given twice");
   free(err);
   CHECK(parse("", &m, &err) == -1);
   free(err);
}

int main(void) {
   test_lineComments();
   test_variants();
   test_blockComment();
   test_errors();
   return check_done("test_meta");
}
