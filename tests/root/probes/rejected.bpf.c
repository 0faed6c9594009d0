// @description uses a map value without the NULL check: the verifier must refuse it
// @hooks tracepoint/sock/inet_sock_set_state
#include "tcptop.bpf.h"
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 8); __type(key, __u32); __type(value, __u64); } counts SEC(".maps");
SEC("tracepoint/sock/inet_sock_set_state")
int rejected(void* ctx) {
   __u32 k = 1;
   __u64* v = bpf_map_lookup_elem(&counts, &k);
   return *v;
}
char LICENSE[] SEC("license") = "GPL";
