/*
 * EventStream.c: ring buffer consumer; stops cleanly on SIGINT/SIGTERM.
 */
#include "config.h"
#include "linux/EventStream.h"

#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <bpf/libbpf.h>
#include <linux/types.h>

#include "XUtils.h"
#include "../probes/tcptop.h"

static volatile sig_atomic_t EventStream_stop;

static void EventStream_onSignal(int sig) {
   (void)sig;
   EventStream_stop = 1;
}

static const char* EventStream_stateName(int s) {
   static const char* const names[] = {
      "?", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2", "TIME_WAIT",
      "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING", "NEW_SYN_RECV",
   };
   return s >= 0 && s < (int)ARRAY_SIZE(names) ? names[s] : "?";
}

static void EventStream_addr(const struct tcptop_event* e, const __u8* a, __u16 port, char* out, size_t size) {
   char ip[INET6_ADDRSTRLEN] = "?";
   inet_ntop(e->family == 10 ? AF_INET6 : AF_INET, a, ip, sizeof(ip));
   snprintf(out, size, e->family == 10 ? "[%s]:%u" : "%s:%u", ip, port);
}

static int EventStream_handle(void* ctx, void* data, size_t len) {
   (void)ctx;
   const struct tcptop_event* e = data;
   if (len < sizeof(*e) || e->type != TCPTOP_EV_STATE)
      return 0;
   char l[64], r[64], ts[16];
   EventStream_addr(e, e->laddr, e->lport, l, sizeof(l));
   EventStream_addr(e, e->raddr, e->rport, r, sizeof(r));
   time_t now = time(NULL);
   strftime(ts, sizeof(ts), "%H:%M:%S", localtime(&now));
   printf("%s %-7u %-16.16s %-46s %-46s %s -> %s\n", ts, e->pid, e->comm, l, r,
          EventStream_stateName(e->oldstate), EventStream_stateName(e->newstate));
   return 0;
}

int EventStream_run(Loader* loader, const ProbeSet* set) {
   (void)set;
   struct bpf_map* map = Loader_findMap(loader, "events");
   if (!map) {
      XUtils_error("no loaded probe provides the \"events\" ring buffer: check 'tcptop --list-probes'");
      return 1;
   }
   struct ring_buffer* rb = ring_buffer__new(bpf_map__fd(map), EventStream_handle, NULL, NULL);
   if (!rb) {
      XUtils_error("cannot read the events ring buffer: %s", strerror(errno));
      return 1;
   }
   struct sigaction sa = { .sa_handler = EventStream_onSignal };
   sigaction(SIGINT, &sa, NULL);
   sigaction(SIGTERM, &sa, NULL);
   printf("%-8s %-7s %-16s %-46s %-46s %s\n", "TIME", "PID", "COMM", "LOCAL", "REMOTE", "STATE");
   fflush(stdout);
   int rc = 0;
   while (!EventStream_stop) {
      int n = ring_buffer__poll(rb, 200);
      if (n < 0 && n != -EINTR) {
         XUtils_error("reading events failed: %s", strerror(-n));
         rc = 1;
         break;
      }
      fflush(stdout);
   }
   ring_buffer__free(rb);
   return rc;
}
