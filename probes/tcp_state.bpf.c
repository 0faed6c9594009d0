// SPDX-License-Identifier: GPL-2.0
// @name        tcp_state
// @description TCP lifecycle: every state change of every TCP socket, with the process that caused it
// @hooks       tracepoint/sock/inet_sock_set_state
// @provides    state, laddr, lport, raddr, rport, pid, comm
#include "tcptop.bpf.h"

struct {
   __uint(type, BPF_MAP_TYPE_RINGBUF);
   __uint(max_entries, TCPTOP_EVENTS_SIZE);
} events SEC(".maps");

SEC("tracepoint/sock/inet_sock_set_state")
int tcp_state(struct trace_event_raw_inet_sock_set_state* ctx) {
   if (ctx->protocol != IPPROTO_TCP)
      return 0;
   struct tcptop_event* e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
   if (!e)
      return 0;
   __u64 id = bpf_get_current_pid_tgid();
   e->ts_ns = bpf_ktime_get_ns();
   e->sk = (__u64)(unsigned long)ctx->skaddr;
   e->type = TCPTOP_EV_STATE;
   e->pid = id >> 32;
   e->family = ctx->family;
   e->protocol = IPPROTO_TCP;
   e->lport = ctx->sport;
   e->rport = ctx->dport;
   /* Copies of the address arrays go through bpf_probe_read_kernel: with
    * CO-RE the field offset is a relocated register value, and the verifier
    * refuses to dereference a ctx pointer moved by a register. */
   __builtin_memset(e->laddr, 0, sizeof(e->laddr));
   __builtin_memset(e->raddr, 0, sizeof(e->raddr));
   if (ctx->family == AF_INET6) {
      bpf_probe_read_kernel(e->laddr, 16, ctx->saddr_v6);
      bpf_probe_read_kernel(e->raddr, 16, ctx->daddr_v6);
   } else {
      bpf_probe_read_kernel(e->laddr, 4, ctx->saddr);
      bpf_probe_read_kernel(e->raddr, 4, ctx->daddr);
   }
   e->oldstate = ctx->oldstate;
   e->newstate = ctx->newstate;
   bpf_get_current_comm(e->comm, sizeof(e->comm));
   bpf_ringbuf_submit(e, 0);
   return 0;
}

char LICENSE[] SEC("license") = "GPL";
