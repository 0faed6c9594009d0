// SPDX-License-Identifier: GPL-2.0
// @name        sock_release
// @description Sockets closed by their process: ends a TCP record (with tcp_state) and a UDP socket's flows
// @hooks       cgroup/sock_release
// @provides    udp: state
#include "tcptop.bpf.h"

SEC("cgroup/sock_release")
int sock_release(struct bpf_sock* sk) {
   __u64 cookie = bpf_get_socket_cookie(sk);
   if (sk->protocol == IPPROTO_TCP) {
      struct tcptop_tcp_line* l = tcptop_tcp_lookup(cookie, NULL);
      if (l)
         tcptop_tcp_end(l, TCPTOP_F_RELEASED);
      return 1;
   }
   if (sk->protocol != IPPROTO_UDP || !bpf_map_lookup_elem(&udp_owners, &cookie))
      return 1;
   tcptop_emit(TCPTOP_EV_UDP_RELEASE, cookie, NULL);
   bpf_map_delete_elem(&udp_owners, &cookie);
   return 1;
}

char LICENSE[] SEC("license") = "GPL";
