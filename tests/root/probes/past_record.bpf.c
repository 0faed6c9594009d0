// @description reads past the tracepoint record
// @hooks tracepoint/sock/inet_sock_set_state
#include "tcptop.bpf.h"
SEC("tracepoint/sock/inet_sock_set_state")
int past_record(struct trace_event_raw_inet_sock_set_state* ctx) { return *(volatile int*)((char*)ctx + 4000); }
char LICENSE[] SEC("license") = "GPL";
