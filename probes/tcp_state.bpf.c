// SPDX-License-Identifier: GPL-2.0
// @name        tcp_state
// @description TCP state of every tracked connection; final RTT, segments and retransmits at close
// @hooks       raw_tracepoint/inet_sock_set_state, raw_tracepoint/tcp_destroy_sock
// @provides    tcp: state, rtt_us, retrans, tx_packets, rx_packets, netns
#include "tcptop.bpf.h"

#ifndef TCP_CLOSE
#define TCP_CLOSE 7
#endif

/* Final counters straight from the tcp_sock: the last segments may have
 * passed after the last cgroup_skb snapshot. */
static __always_inline void tcp_state_snapshot(struct sock* sk, struct tcptop_tcp_line* c) {
   struct tcp_sock* tp = (struct tcp_sock*)sk;
   c->tx_packets = BPF_CORE_READ(tp, segs_out);
   c->rx_packets = BPF_CORE_READ(tp, segs_in);
   c->srtt_us = BPF_CORE_READ(tp, srtt_us) >> 3;
   c->retrans = BPF_CORE_READ(tp, total_retrans);
}

/*
 * A raw tracepoint, not tracepoint/sock/inet_sock_set_state: the kernel
 * skips a (perf) tracepoint program that fires while another BPF program
 * runs on that CPU (the global bpf_prog_active), and a connection's last
 * state changes often come in a softirq that interrupted sock_io's
 * programs: bpftool counted recursion_misses 512 in a 40,000-connection
 * churn (bench/churn.sh), and 11 client ends were never closed. A raw
 * tracepoint is only kept from running inside itself (per-program; see
 * tcp_state_twin). Arguments: TP_PROTO(const struct sock *sk, const int oldstate, const int
 * newstate), include/trace/events/sock.h.
 */
static __always_inline int tcp_state_on(struct bpf_raw_tracepoint_args* ctx) {
   struct sock* sk = (struct sock*)ctx->args[0];
   int newstate = (int)ctx->args[2];
   if (BPF_CORE_READ(sk, sk_protocol) != IPPROTO_TCP)
      return 0;
   /* No cookie, no record yet: a client's SYN_SENT comes before tcp_open's
    * connect callback, an accepted socket's changes before its passive
    * one (its ESTABLISHED comes after it: seen on 6.1, 6.12 and 6.18). */
   __u64 cookie = BPF_CORE_READ(sk, __sk_common.skc_cookie.counter);
   if (!cookie)
      return 0;
   struct tcptop_conn* c;
   struct tcptop_tcp_line* l = tcptop_tcp_lookup(cookie, &c);
   if (!l)
      return 0;
   l->state = newstate;
   if (!c->netns) {
      c->netns = tcptop_sk_netns(sk);   /* tcp_open could not read it */
      tcptop_tcp_dirty(l, TCPTOP_DIRTY_IDENTITY);
   }
   if (newstate != TCP_CLOSE) {
      tcptop_tcp_dirty(l, TCPTOP_DIRTY_COUNTERS);
      return 0;
   }
   tcp_state_snapshot(sk, l);
   tcptop_tcp_end(l, TCPTOP_F_CLOSED);
   return 0;
}

/* Per CPU: 1 while tcp_state runs (tcp_state_twin reads it). */
struct {
   __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
   __uint(max_entries, 1);
   __type(key, __u32);
   __type(value, __u32);
} tcp_state_busy SEC(".maps");

SEC("raw_tracepoint/inet_sock_set_state")
int tcp_state(struct bpf_raw_tracepoint_args* ctx) {
   __u32 zero = 0;
   __u32* busy = bpf_map_lookup_elem(&tcp_state_busy, &zero);
   if (busy)
      *busy = 1;
   tcp_state_on(ctx);
   if (busy)
      *busy = 0;
   return 0;
}

/*
 * A raw tracepoint program is still skipped when it fires inside itself
 * (the per-program, per-CPU prog->active, counted as recursion_misses): a
 * softirq that closes a connection while tcp_state runs in a process on
 * that CPU. bpftool listed recursion_misses 1,036 and 1,924 on tcp_state
 * in two long-running tcptops on 6.18; a skipped TCP_CLOSE
 * leaves a row open and its record in tcp_conns for good. The twin, on
 * the same tracepoint, has its own prog->active: it does the work only
 * when tcp_state is busy on this CPU, that is, for the change tcp_state
 * was skipped for; where the twin is skipped (inside itself), tcp_state
 * was not. So neither program's skipped runs lose a change, and tcptop
 * does not count them as lost (Loader_missedRuns: a program X_twin covers
 * X).
 */
SEC("raw_tracepoint/inet_sock_set_state")
int tcp_state_twin(struct bpf_raw_tracepoint_args* ctx) {
   __u32 zero = 0;
   __u32* busy = bpf_map_lookup_elem(&tcp_state_busy, &zero);
   if (busy && *busy)
      tcp_state_on(ctx);
   return 0;
}

/*
 * A socket destroyed: no process can read it any more, so it is released
 * (idempotent where sock_release said so). For a socket no process ever
 * had, cgroup/sock_release never runs: a connection a listener queued and
 * closed without accepting stayed open in CLOSE, its record in tcp_conns
 * for good. TP_PROTO(struct sock *sk), include/trace/events/tcp.h, fired
 * by tcp_v4_destroy_sock (IPv6 too), always after TCP_CLOSE.
 */
SEC("raw_tracepoint/tcp_destroy_sock")
int tcp_destroy(struct bpf_raw_tracepoint_args* ctx) {
   struct sock* sk = (struct sock*)ctx->args[0];
   __u64 cookie = BPF_CORE_READ(sk, __sk_common.skc_cookie.counter);
   if (!cookie)
      return 0;
   struct tcptop_tcp_line* l = tcptop_tcp_lookup(cookie, NULL);
   if (l && !(l->flags & TCPTOP_F_RELEASED))
      tcptop_tcp_end(l, TCPTOP_F_RELEASED);
   return 0;
}

char LICENSE[] SEC("license") = "GPL";
