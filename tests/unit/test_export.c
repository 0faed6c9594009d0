/*
 * test_export.c: the metrics endpoint's aggregation (export/Metrics,
 * Labels) and its settings' parsing (config/NetSpec), without a socket.
 */
#include "config.h"

#include <netinet/in.h>
#include <string.h>

#include "check.h"
#include "config/NetSpec.h"
#include "config/Settings.h"
#include "core/Names.h"
#include "export/Metrics.h"

static Conn test_conn(uint64_t cookie, const char* comm, uint16_t rport) {
   Conn c;
   memset(&c, 0, sizeof(c));
   c.cookie = cookie;
   c.proto = IPPROTO_TCP;
   c.family = AF_INET;
   c.state = CONN_ESTABLISHED;
   c.rport = rport;
   if (comm) {
      c.hasOwner = true;
      c.pid = 1;
      snprintf(c.comm, sizeof(c.comm), "%s", comm);
   }
   return c;
}

/* The value of a line of the exposition starting with `series `, or -1. */
static long long test_value(const Metrics* m, const char* series) {
   Buf b;
   Buf_init(&b);
   Metrics_render(m, &b, false);
   char* want = xAsprintf("\n%s ", series);
   const char* at = strstr(Buf_cstr(&b), want);
   long long v = at ? atoll(at + strlen(want)) : -1;
   free(want);
   Buf_done(&b);
   return v;
}

#define TX(comm) "tcptop_bytes_total{proto=\"tcp\",comm=\"" comm "\",direction=\"tx\"}"

/* Closed and forgotten rows stay counted; a process found later keeps
 * what `unknown` had; nothing goes down. */
static void test_counters(void) {
   Settings s;
   Settings_init(&s);
   Metrics m;
   char* err = NULL;
   CHECK(Metrics_init(&m, &s, &err) == 0);
   Conn a = test_conn(1, NULL, 80), b = test_conn(2, "curl", 443);
   a.txBytes = 100;
   b.txBytes = 1000;
   Conn* rows[2] = { &a, &b };
   Metrics_sample(&m, rows, 2, 0, NULL);
   CHECK(test_value(&m, TX("unknown")) == 100);
   a.hasOwner = true;   /* its process is learned: later growth goes to curl */
   snprintf(a.comm, sizeof(a.comm), "curl");
   a.txBytes = 150;
   b.txBytes = 1500;
   b.state = CONN_CLOSED;
   Metrics_sample(&m, rows, 2, 0, NULL);
   CHECK(test_value(&m, TX("unknown")) == 100);
   CHECK(test_value(&m, TX("curl")) == 1550);
   Metrics_sample(&m, rows, 1, 0, NULL);   /* b forgotten */
   CHECK(test_value(&m, TX("curl")) == 1550);
   CHECK(test_value(&m, "tcptop_connections_closed_total{proto=\"tcp\"}") == 1);
   CHECK(test_value(&m, "tcptop_connections_opened_total{proto=\"tcp\"}") == 2);
   CHECK(test_value(&m, "tcptop_connections{proto=\"tcp\",state=\"ESTABLISHED\"}") == 1);
   Metrics_done(&m);
   Settings_done(&s);
}

/* max_series 10: 5 label sets, 2 of them `other`; later ones overflow. */
static void test_cap(void) {
   Settings s;
   Settings_init(&s);
   s.maxSeries = 10;
   s.exportLabels = SETTINGS_LABEL_SERVICE;
   Metrics m;
   char* err = NULL;
   CHECK(Metrics_init(&m, &s, &err) == 0);
   Conn c[20];
   Conn* rows[20];
   for (int i = 0; i < 20; i++) {
      c[i] = test_conn((uint64_t)i + 1, "fan", (uint16_t)(1000 + i));
      c[i].txBytes = 10;
      rows[i] = &c[i];
   }
   Metrics_sample(&m, rows, 20, 0, NULL);
   CHECK(m.nSeries == 4);   /* 3 regular, the tcp `other` */
   CHECK(test_value(&m, "tcptop_bytes_total{proto=\"tcp\",comm=\"other\",service=\"other\",direction=\"tx\"}") == 170);
   CHECK(test_value(&m, "tcptop_bytes_total{proto=\"tcp\",comm=\"fan\",service=\"1000\",direction=\"tx\"}") == 10);
   Metrics_done(&m);
   Settings_done(&s);
}

static void test_netspec(void) {
   NetListen l;
   char* why = NULL;
   CHECK(NetSpec_parseListen("9100", &l, &why) == 0 && l.addr.ss_family == AF_INET);
   CHECK(NetSpec_parseListen("[::1]:9100", &l, &why) == 0 && l.addr.ss_family == AF_INET6);
   CHECK(NetSpec_parseListen("::1:9100", &l, &why) < 0);
   free(why);
   why = NULL;
   CHECK(NetSpec_parseListen("127.0.0.1:0", &l, &why) < 0);
   free(why);
   why = NULL;
   NetCidrs list;
   CHECK(NetSpec_parseCidrs("10.1.2.3/8, fd00::/8", &list, &why) == 0 && list.count == 2);
   CHECK_STR(list.items[0].text, "10.0.0.0/8");
   uint8_t in[16] = { 10, 9, 9, 9 }, out[16] = { 11, 0, 0, 1 };
   CHECK(NetCidrs_match(&list, AF_INET, in) == &list.items[0]);
   CHECK(NetCidrs_match(&list, AF_INET, out) == NULL);
   NetCidrs_done(&list);
   CHECK(NetSpec_parseCidrs("10.0.0.0/33", &list, &why) < 0);
   NetCidrs_done(&list);
   free(why);
}

/* A cgroup table of two ids; 43 is not found (yet). */
static const char* test_cgroupPath(uint64_t id) {
   return id == 42 ? "/test.slice/web.service" : NULL;
}
static const char* test_noName(uint64_t id) {
   (void)id;
   return NULL;
}
static const char* test_noNetns(uint32_t inode) {
   (void)inode;
   return NULL;
}

/* labels = cgroup: the owner's path from the kernel's id (a process that
 * exited is still named); an id not found yet is labelled again later. */
static void test_cgroup_label(void) {
   static const NamesOps ops = { .cgroupPath = test_cgroupPath, .cgroupName = test_noName, .netns = test_noNetns };
   Names_use(&ops);
   Settings s;
   Settings_init(&s);
   s.exportLabels = SETTINGS_LABEL_CGROUP;
   Metrics m;
   char* err = NULL;
   CHECK(Metrics_init(&m, &s, &err) == 0);
   Conn a = test_conn(1, "web", 80), b = test_conn(2, "web", 80);
   a.cgroupId = 42;
   b.cgroupId = 43;
   a.txBytes = 100;
   b.txBytes = 7;
   Conn* rows[2] = { &a, &b };
   Metrics_sample(&m, rows, 2, 0, NULL);
   CHECK(test_value(&m, "tcptop_bytes_total{proto=\"tcp\",comm=\"web\",cgroup=\"/test.slice/web.service\",direction=\"tx\"}") == 100);
   CHECK(test_value(&m, "tcptop_bytes_total{proto=\"tcp\",comm=\"web\",cgroup=\"unknown\",direction=\"tx\"}") == 7);
   b.cgroupId = 42;   /* stands for its path found at a later rescan */
   b.txBytes = 10;
   Metrics_sample(&m, rows, 2, 0, NULL);
   CHECK(test_value(&m, "tcptop_bytes_total{proto=\"tcp\",comm=\"web\",cgroup=\"/test.slice/web.service\",direction=\"tx\"}") == 103);
   CHECK(test_value(&m, "tcptop_bytes_total{proto=\"tcp\",comm=\"web\",cgroup=\"unknown\",direction=\"tx\"}") == 7);
   Metrics_done(&m);
   Settings_done(&s);
   Names_use(NULL);
}

int main(void) {
   test_counters();
   test_cgroup_label();
   test_cap();
   test_netspec();
   return check_done("test_export");
}
