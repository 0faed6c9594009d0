// SPDX-License-Identifier: GPL-2.0
// @name        tcp_window
// @description Congestion window (now and largest) and zero windows the peer advertised, per TCP connection
// @hooks       tracepoint/tcp/tcp_probe
// @provides    cwnd, max_cwnd, zero_windows
// @setting     every_nth look at one received segment in N (1: all); zero windows are counted in those
#include "tcptop.bpf.h"

/*
 * An example probe: copy it to /etc/tcptop/probes.d and restart tcptop.
 * tcp:tcp_probe fires for each segment a TCP connection receives in the
 * established state, with the sender's state after it: snd_cwnd (segments)
 * and snd_wnd, the window the peer advertised (0: it cannot take more data,
 * its application does not read). The tracepoint gives the socket cookie.
 * One declaration per column, one call per update; three aggregations.
 */
const volatile __u32 every_nth = 1;

TCPTOP_METRIC(cwnd, "CWND", "segments", LAST);
TCPTOP_METRIC(max_cwnd, "MAXCWND", "segments", MAX);
TCPTOP_METRIC(zero_windows, "ZEROWIN", "events", SUM);

SEC("tracepoint/tcp/tcp_probe")
int tcp_window(struct trace_event_raw_tcp_probe* ctx) {
   if (every_nth > 1 && bpf_get_prandom_u32() % every_nth)
      return 0;
   __u64 cookie = ctx->sock_cookie;
   tcptop_metric_add(cookie, cwnd, ctx->snd_cwnd);
   tcptop_metric_add(cookie, max_cwnd, ctx->snd_cwnd);
   if (ctx->snd_wnd == 0)
      tcptop_metric_add(cookie, zero_windows, 1);
   return 0;
}

char LICENSE[] SEC("license") = "GPL";
