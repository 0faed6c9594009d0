// @description Counts the send calls of each TCP connection, the largest and the last
// @hooks       tracepoint/sock/sock_send_length
// @provides    sends, max_send, last_send
// @setting     min_bytes count only sends of at least this many bytes
#include "tcptop.bpf.h"

const volatile __u32 min_bytes = 1;

TCPTOP_METRIC(sends, "SENDS", "calls", SUM);
TCPTOP_METRIC(max_send, "MAXSEND", "bytes", MAX);
TCPTOP_METRIC(last_send, "LASTSEND", "bytes", LAST);

SEC("tracepoint/sock/sock_send_length")
int count_sends(struct tcptop_sock_msg_length* ctx) {
   if (ctx->protocol != IPPROTO_TCP || ctx->ret < (int)min_bytes)
      return 0;
   __u64 cookie = tcptop_sk_cookie(ctx->sk);
   tcptop_metric_add(cookie, sends, 1);
   tcptop_metric_add(cookie, max_send, ctx->ret);
   tcptop_metric_add(cookie, last_send, ctx->ret);
   return 0;
}

char LICENSE[] SEC("license") = "GPL";
