// @description kprobe variant
// @hooks kprobe/tcp_sendmsg
#include "tcptop.bpf.h"
SEC("kprobe/tcp_sendmsg")
int BPF_KPROBE(kprobe_variant, struct sock* sk) { return 0; }
char LICENSE[] SEC("license") = "GPL";
