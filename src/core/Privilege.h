/*
 * Privilege.h: what this process may do (src/linux/, src/darwin/): load
 * eBPF programs, capture packets.
 */
#ifndef TCPTOP_PRIVILEGE_H
#define TCPTOP_PRIVILEGE_H

#include <stdbool.h>

/* Root, or CAP_BPF + CAP_PERFMON + CAP_NET_ADMIN (or CAP_SYS_ADMIN). */
bool Privilege_canLoad(void);
/* Why it cannot load, and how to grant it, in one line. Malloc'd. */
char* Privilege_loadMessage(void);
/* Root, or CAP_NET_RAW: what live packet capture (the pcap backend) needs. */
bool Privilege_canCapture(void);

#endif
