// @description fentry variant
// @hooks fentry/tcp_sendmsg
#include "tcptop.bpf.h"
SEC("fentry/tcp_sendmsg")
int BPF_PROG(fentry_variant, struct sock* sk) { return 0; }
char LICENSE[] SEC("license") = "GPL";
