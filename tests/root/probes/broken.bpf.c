// @description deliberately broken
// @hooks tracepoint/sock/inet_sock_set_state
#include "tcptop.bpf.h"

SEC("tracepoint/sock/inet_sock_set_state")
int broken(void* ctx) { return undeclared_thing + 1; }
