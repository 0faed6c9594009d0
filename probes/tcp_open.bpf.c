// SPDX-License-Identifier: GPL-2.0
// @name        tcp_open
// @description TCP connections as they open (connect, established, accepted), with the connecting process
// @hooks       sockops
// @provides    proto, laddr, lport, raddr, rport, pid, comm, user, age_s
#include "tcptop.bpf.h"

#ifndef TCP_ESTABLISHED
#define TCP_ESTABLISHED 1
#define TCP_SYN_SENT 2
#endif

static __always_inline void tcp_open_addrs(struct bpf_sock_ops* ops, struct tcptop_conn* c) {
   c->family = ops->family;
   c->lport = ops->local_port;                          /* host order */
   c->rport = bpf_ntohl(ops->remote_port) & 0xffff;     /* network order in a u32 */
   if (ops->family == AF_INET) {
      __builtin_memcpy(c->laddr, &ops->local_ip4, 4);   /* both network order */
      __builtin_memcpy(c->raddr, &ops->remote_ip4, 4);
      return;
   }
   __u32 l[4] = { ops->local_ip6[0], ops->local_ip6[1], ops->local_ip6[2], ops->local_ip6[3] };
   __u32 r[4] = { ops->remote_ip6[0], ops->remote_ip6[1], ops->remote_ip6[2], ops->remote_ip6[3] };
   __builtin_memcpy(c->laddr, l, 16);
   __builtin_memcpy(c->raddr, r, 16);
}

static __always_inline struct tcptop_conn* tcp_open_record(struct bpf_sock_ops* ops, __u64 cookie, __u32 op) {
   struct tcptop_conn n = {};
   n.start_ns = bpf_ktime_get_ns();
   tcp_open_addrs(ops, &n);
   /* connect() runs in the process; the passive side runs in softirq. */
   if (op == BPF_SOCK_OPS_TCP_CONNECT_CB)
      tcptop_set_owner(&n.pid, &n.uid, n.comm);
   else if (op == BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB)
      n.flags = TCPTOP_F_PASSIVE;
   long err = bpf_map_update_elem(&tcp_conns, &cookie, &n, BPF_NOEXIST);
   if (err && err != -17 /* EEXIST */)
      tcptop_count(TCPTOP_STAT_TCP_MAP_FULL);
   return bpf_map_lookup_elem(&tcp_conns, &cookie);
}

SEC("sockops")
int tcp_open(struct bpf_sock_ops* ops) {
   __u32 op = ops->op;
   if (op != BPF_SOCK_OPS_TCP_CONNECT_CB && op != BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB &&
       op != BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB)
      return 1;
   if (ops->family != AF_INET && ops->family != AF_INET6)
      return 1;
   __u64 cookie = bpf_get_socket_cookie(ops);
   struct tcptop_conn* c = bpf_map_lookup_elem(&tcp_conns, &cookie);
   if (c && op == BPF_SOCK_OPS_TCP_CONNECT_CB) {
      /* connect() again on a socket whose last attempt failed: that
       * attempt is reported, and this one starts a new record */
      tcptop_tcp_finish(cookie, c);
      c = NULL;
   }
   if (!c)
      c = tcp_open_record(ops, cookie, op);
   if (!c)
      return 1;
   if (op == BPF_SOCK_OPS_TCP_CONNECT_CB) {
      c->state = TCP_SYN_SENT;
      return 1;
   }
   c->state = TCP_ESTABLISHED;
   tcptop_emit(TCPTOP_EV_TCP_OPEN, cookie, c);
   return 1;
}

char LICENSE[] SEC("license") = "GPL";
