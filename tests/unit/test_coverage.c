/* ProbeCoverage: the columns without data and whether traffic is measured,
 * from the built-in probes' own @provides lines, as on kernels where some
 * of them cannot run. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "bpf/Probe.h"
#include "bpf/ProbeCoverage.h"
#include "core/XUtils.h"
#include "check.h"

static const char* const names[] = { "flow_skb", "sock_io", "sock_release", "tcp_open", "tcp_state" };
#define NPROBES (sizeof(names) / sizeof(names[0]))

static Probe probes[NPROBES];
static Probe* list[NPROBES];
static ProbeSet set = { list, NPROBES, 0 };

static void load(void) {
   for (size_t i = 0; i < NPROBES; i++) {
      char* path = xAsprintf("%s/probes/%s.bpf.c", TEST_SRCDIR, names[i]);
      Buf text;
      Buf_init(&text);
      char* err = NULL;
      CHECK(XUtils_readFile(path, &text) == 0);
      CHECK(ProbeMeta_parse(text.data, text.len, &probes[i].meta, &err) == 0);
      probes[i].name = (char*)names[i];
      list[i] = &probes[i];
      Buf_done(&text);
      free(path);
   }
}

/* Every probe ok but those named, which get status. */
static void statuses(ProbeStatus status, const char* failing) {
   for (size_t i = 0; i < NPROBES; i++)
      probes[i].status = strstr(failing, names[i]) ? status : PROBE_OK;
}

static void test_allRunning(void) {
   statuses(PROBE_OK, "");
   char* why = NULL;
   CHECK(ProbeCoverage_missing(&set) == NULL);
   CHECK(ProbeCoverage_check(&set, &why) == 0);
}

/* Debian 12's 6.1 before the probes had variants: only tcp_state and
 * sock_release ran. */
static void test_onlyLifecycle(void) {
   statuses(PROBE_VERIFIER_REJECTED, "flow_skb tcp_open sock_io");
   char* missing = ProbeCoverage_missing(&set);
   CHECK_STR(missing, "TCP connections (tcp_open: verifier rejected); UDP connections (flow_skb: verifier rejected)");
   char* why = NULL;
   CHECK(ProbeCoverage_check(&set, &why) < 0);
   CHECK_CONTAINS(why, "no running probe counts the bytes of TCP or UDP rows; without data: TCP connections");
   free(missing);
   free(why);
}

static void test_noBytes(void) {
   statuses(PROBE_HOOK_UNAVAILABLE, "sock_io");
   char* missing = ProbeCoverage_missing(&set);
   CHECK_STR(missing, "TCP tx_bytes, rx_bytes (sock_io: hook unavailable); UDP netns (sock_io: hook unavailable)");
   char* why = NULL;
   CHECK(ProbeCoverage_check(&set, &why) == 0);   /* UDP flows still are */
   free(missing);
}

static void test_noPackets(void) {
   statuses(PROBE_HOOK_UNAVAILABLE, "flow_skb tcp_state");
   char* missing = ProbeCoverage_missing(&set);
   CHECK_STR(missing, "TCP tx_packets, rx_packets, rtt_us, retrans, state (flow_skb: hook unavailable, "
                      "tcp_state: hook unavailable); UDP connections (flow_skb: hook unavailable)");
   free(missing);
}

/* Turned off in the config: not missing, and not measuring. */
static void test_disabled(void) {
   statuses(PROBE_DISABLED, "sock_io flow_skb");
   CHECK(ProbeCoverage_missing(&set) == NULL);
   char* why = NULL;
   CHECK(ProbeCoverage_check(&set, &why) < 0);
   CHECK_STR(why, "no running probe counts the bytes of TCP or UDP rows; see 'tcptop --list-probes'");
   free(why);
}

int main(void) {
   load();
   test_allRunning();
   test_onlyLifecycle();
   test_noBytes();
   test_noPackets();
   test_disabled();
   for (size_t i = 0; i < NPROBES; i++)
      ProbeMeta_done(&probes[i].meta);
   return check_done("test_coverage");
}
