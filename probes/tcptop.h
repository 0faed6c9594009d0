/*
 * tcptop.h: records shared by the probes (BPF side) and tcptop (user side).
 * Fixed-width __u64/__u32 types only: no size_t, no pointers, no bool.
 */
#ifndef TCPTOP_PROBE_ABI_H
#define TCPTOP_PROBE_ABI_H

#define TCPTOP_COMM_LEN 16

enum tcptop_event_type {
   TCPTOP_EV_STATE = 1,    /* TCP state change (open, established, close) */
};

/* Lifecycle event, sent through the "events" ring buffer. */
struct tcptop_event {
   __u64 ts_ns;          /* bpf_ktime_get_ns() */
   __u64 sk;             /* kernel socket address: the connection's identity */
   __u32 type;           /* enum tcptop_event_type */
   __u32 pid;            /* tgid of the current task (0 in softirq) */
   __u16 family;         /* AF_INET or AF_INET6 */
   __u16 protocol;       /* IPPROTO_TCP or IPPROTO_UDP */
   __u16 lport;          /* host byte order */
   __u16 rport;          /* host byte order */
   __u8 laddr[16];       /* IPv4 in the first 4 bytes */
   __u8 raddr[16];
   __s32 oldstate;
   __s32 newstate;
   char comm[TCPTOP_COMM_LEN];
};

#endif
