// SPDX-License-Identifier: GPL-2.0
// @description Redefines a shared map with another size: refused, the others run
// @hooks       tracepoint/sock/inet_sock_set_state
#define TCPTOP_MAX_TCP 10
#include "tcptop.bpf.h"

SEC("tracepoint/sock/inet_sock_set_state")
int badshare(void* ctx) { __u64 k = 0; return bpf_map_lookup_elem(&tcp_conns, &k) != 0; }

char LICENSE[] SEC("license") = "GPL";
