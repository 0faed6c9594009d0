/*
 * Privilege.h: can this process load and attach eBPF programs?
 */
#ifndef TCPTOP_PRIVILEGE_H
#define TCPTOP_PRIVILEGE_H

#include <stdbool.h>

/* Root, or CAP_BPF + CAP_PERFMON + CAP_NET_ADMIN (or CAP_SYS_ADMIN). */
bool Privilege_canLoad(void);
/* The one-line explanation printed when it cannot (malloc'd). */
char* Privilege_message(void);
/* Root, or CAP_NET_RAW: what live packet capture (the pcap backend) needs. */
bool Privilege_canCapture(void);

#endif
