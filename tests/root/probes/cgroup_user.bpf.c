// @description sock_ops and cgroup_skb on the cgroup root
// @hooks sockops, cgroup_skb/egress
#include "tcptop.bpf.h"
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, __u64); } cnt SEC(".maps");
SEC("sockops")
int cgroup_user(struct bpf_sock_ops* skops) { __u64 c = bpf_get_socket_cookie(skops); return c ? 1 : 1; }
SEC("cgroup_skb/egress")
int eg(struct __sk_buff* skb) { __u32 k = 0; __u64* v = bpf_map_lookup_elem(&cnt, &k); if (v) __sync_fetch_and_add(v, 1); return 1; }
char LICENSE[] SEC("license") = "GPL";
