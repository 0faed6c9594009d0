/*
 * Attribution.h: which process owns the socket of a flow seen in packets.
 * One implementation per platform: src/linux/ (sock_diag, then /proc/PID/fd)
 * and src/darwin/ (nothing to do: PKTAP puts the process in every packet).
 */
#ifndef TCPTOP_ATTRIBUTION_H
#define TCPTOP_ATTRIBUTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct OwnerQuery_ {
   uint8_t family, proto;
   uint8_t laddr[16], raddr[16];   /* the local side is the host's */
   uint16_t lport, rport;
   bool found;                     /* out */
   uint32_t pid, uid;
   char comm[16];
   uint64_t cgroupId;              /* out: the owner's cgroup v2 id, 0 unknown */
} OwnerQuery;

/* Fills the queries whose socket is found in this network namespace. */
void Attribution_find(OwnerQuery* queries, size_t n);

/* Whether the process of another user's socket can be found as tcptop runs
 * now: one real attempt (Linux: listing another user's /proc/PID/fd). */
bool Attribution_worksUnprivileged(void);

#endif
