// SPDX-License-Identifier: GPL-2.0
// @name        tcp_retrans
// @description Bytes and segments each TCP connection sent again (retransmissions), as columns
// @hooks       fexit/tcp_retransmit_skb, tracepoint/tcp/tcp_retransmit_skb
// @variants    retx_fexit, tcp_retrans
// @provides    retx_bytes, retx_segs
#include "tcptop.bpf.h"

/*
 * An example probe: copy it to /etc/tcptop/probes.d, restart tcptop, and
 * `--columns ...,retx_bytes,retx_segs` (or --sort retx_bytes) shows it.
 * The tracepoint fires each time the kernel sends a segment again, with the
 * socket and the buffer it sent; skb->len is the payload it carried. (The
 * record is struct trace_event_raw_tcp_retransmit_skb since Linux 6.12;
 * older kernels call it trace_event_raw_tcp_event_sk_skb.)
 */
TCPTOP_METRIC(retx_bytes, "RTXBYTES", "bytes", SUM);
TCPTOP_METRIC(retx_segs, "RTXSEGS", "segments", SUM);

/*
 * Two variants of one program (@variants: best first). tcptop loads the
 * first; where this kernel cannot attach it (no BTF tracing programs: fexit
 * unavailable) it loads the next instead, and --list-probes says which it
 * skipped and why. fexit sees the return value, so only retransmissions
 * that were sent count; the tracepoint fires only for those anyway.
 */
SEC("fexit/tcp_retransmit_skb")
int BPF_PROG(retx_fexit, struct sock* sk, struct sk_buff* skb, int segs, int ret) {
   if (ret)
      return 0;
   __u64 cookie = tcptop_sk_cookie(sk);
   tcptop_metric_add(cookie, retx_bytes, BPF_CORE_READ(skb, len));
   tcptop_metric_add(cookie, retx_segs, 1);
   return 0;
}

SEC("tracepoint/tcp/tcp_retransmit_skb")
int tcp_retrans(struct trace_event_raw_tcp_retransmit_skb* ctx) {
   __u64 cookie = tcptop_sk_cookie(ctx->skaddr);
   struct sk_buff* skb = (struct sk_buff*)ctx->skbaddr;
   tcptop_metric_add(cookie, retx_bytes, BPF_CORE_READ(skb, len));
   tcptop_metric_add(cookie, retx_segs, 1);
   return 0;
}

char LICENSE[] SEC("license") = "GPL";
