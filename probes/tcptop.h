/*
 * tcptop.h: records shared by the probes (BPF side) and tcptop (user side).
 * Fixed-width __u64/__u32 types only: no size_t, no pointers, no bool.
 *
 * A TCP connection is identified by its socket cookie (bpf_get_socket_cookie,
 * SO_COOKIE, sock_diag's idiag_cookie: unique for the life of the system).
 * A UDP flow is a socket cookie plus the remote address and port, so an
 * unconnected socket has one flow per peer.
 */
#ifndef TCPTOP_PROBE_ABI_H
#define TCPTOP_PROBE_ABI_H

#define TCPTOP_COMM_LEN 16

/*
 * Map capacities (entries) as compiled. tcptop sizes the maps declared with
 * these at load time from [probes] max_tcp_connections and max_udp_flows
 * (bpf_map__set_max_entries), so the compiled objects and the cache key do
 * not depend on them; code that needs the size reads tcptop_max_tcp or
 * tcptop_max_udp (tcptop.bpf.h). A probe may define them before including:
 * a map then keeps the size it was given.
 */
#ifndef TCPTOP_MAX_TCP
#define TCPTOP_MAX_TCP 65536
#endif
#ifndef TCPTOP_MAX_UDP
#define TCPTOP_MAX_UDP 32768   /* also the slots of udp_counts (128 bytes each) */
#endif

/* Per-connection metrics that probes declare (TCPTOP_METRIC): slots in a
 * record of their own (struct tcptop_metrics), made for a connection on its
 * first update, so connections pay nothing when no probe declares any. */
#define TCPTOP_MAX_METRICS 16
#define TCPTOP_METRIC_UNSET 0xffffffffu
#define TCPTOP_METRIC_KEY_LEN 24
#define TCPTOP_METRIC_TITLE_LEN 12
#define TCPTOP_METRIC_UNIT_LEN 12

/* How a metric's updates combine, in the kernel. */
enum tcptop_metric_agg {
   TCPTOP_AGG_SUM = 1,    /* atomic add */
   TCPTOP_AGG_MAX = 2,    /* the largest value (compare-and-swap) */
   TCPTOP_AGG_LAST = 3,   /* the last value stored */
};

/*
 * A metric's declaration, a global of the probe's .rodata named
 * tcptop_metric_<key>: tcptop reads it from the compiled object (through its
 * BTF) and writes `slot` before the load, like a load-time setting.
 */
struct tcptop_metric {
   __u32 slot;                              /* index in tcptop_conn.metrics */
   __u32 agg;                               /* enum tcptop_metric_agg */
   char key[TCPTOP_METRIC_KEY_LEN];         /* column key: --columns, CSV, JSON */
   char title[TCPTOP_METRIC_TITLE_LEN];     /* column title */
   char unit[TCPTOP_METRIC_UNIT_LEN];       /* "bytes" is shown as 1.2M */
};

enum tcptop_event_type {
   TCPTOP_EV_TCP_OPEN = 1,    /* a record to show before the next read (unused by tcptop's probes: it is in tcp_conns) */
   TCPTOP_EV_TCP_CLOSE = 2,   /* final record of a socket's failed connect(), before it connects again */
   TCPTOP_EV_UDP_RELEASE = 3, /* a UDP socket was closed: its flows are final */
};

/* tcptop_conn.flags */
#define TCPTOP_F_CLOSED   1u   /* TCP reached TCP_CLOSE */
#define TCPTOP_F_RELEASED 2u   /* the owning process closed the socket (or it had none) */
#define TCPTOP_F_SEEDED   4u   /* existed before tcptop started (from sock_diag) */
#define TCPTOP_F_PASSIVE  8u   /* accepted (server side) */
#define TCPTOP_F_METRICS  16u  /* has a tcp_metrics entry (a probe's metric updated it) */
#define TCPTOP_F_FINAL    32u  /* closed and released: the final record, kept until tcptop reads and deletes it */
#define TCPTOP_F_GONE     64u  /* in a final line: its record is deleted already (tcptop_tcp_finish_now) */

/* tcptop_stats indexes: per-CPU counters of what the probes could not record. */
enum tcptop_stat {
   TCPTOP_STAT_RINGBUF_FULL = 0,   /* an event was dropped: ring buffer full */
   TCPTOP_STAT_TCP_MAP_FULL = 1,   /* a connection was not tracked: tcp_conns full (E2BIG) */
   TCPTOP_STAT_UDP_MAP_FULL = 2,   /* a flow was not tracked: udp_flows full (E2BIG) or no slot left in udp_counts */
   TCPTOP_STAT_NO_MEMORY = 3,      /* a connection or flow was not tracked: the kernel had no memory for it */
   TCPTOP_STAT_COUNT = 4,
};

/* Key of udp_flows. Zeroed before filling: the padding is part of the key. */
struct tcptop_flow_key {
   __u64 cookie;
   __u8 raddr[16];       /* IPv4 in the first 4 bytes */
   __u16 rport;          /* host byte order */
   __u16 family;         /* AF_INET or AF_INET6 */
   __u32 pad;
};

/* Value of tcp_conns (key: cookie) and of udp_flows. */
struct tcptop_conn {
   /*
    * Two groups, the first 64 bytes, so that the fields written on sends,
    * receives and flow_skb's snapshots do not share a cache line with the
    * map's key, which comes just before the record and which every lookup
    * reads, on every CPU.
    */
   /* written once, or rarely */
   __u64 start_ns;       /* bpf_ktime_get_ns() when first seen */
   __u8 laddr[16];
   __u8 raddr[16];
   char comm[TCPTOP_COMM_LEN];   /* with pid and uid, when the process changes */
   __u16 family;
   __u16 lport;          /* host byte order */
   __u16 rport;
   __u16 state;          /* TCP state (TCP_ESTABLISHED ...) */
   /* written on sends and receives, and by flow_skb's snapshots */
   /* TCP: in tcp_conns these stay 0, the connection's line in tcp_counts
    * holds them (struct tcptop_tcp_line); a TCP_CLOSE event carries them */
   __u64 tx_bytes;       /* TCP: application payload sent */
   __u64 rx_bytes;       /* TCP: application payload received */
   __u64 tx_packets;     /* TCP: segs_out (UDP's counters: struct tcptop_udp_dir) */
   __u64 rx_packets;     /* TCP: segs_in */
   __u32 srtt_us;        /* smoothed RTT, microseconds (TCP) */
   __u32 retrans;        /* total retransmitted segments (TCP) */
   __u32 pid;            /* tgid of the last process that used it, 0 unknown */
   __u32 uid;
   __u32 flags;          /* TCPTOP_F_* (TCP: SEEDED, PASSIVE, METRICS; the rest in its line) */
   __u32 slot;           /* the counters' slot: UDP in udp_counts, TCP in tcp_counts */
   /* the socket's network namespace (its inode), 0 unknown: read where
    * pid is, on the same cache line; with pid: the owner's cgroup v2 id
    * (the inode of its directory), 0 unknown */
   __u32 netns;
   __u32 pad;
   __u64 cgroup_id;
};
_Static_assert(__builtin_offsetof(struct tcptop_conn, tx_bytes) >= 64,
               "the fields written on send must not share a cache line with the map's key");

/*
 * A TCP connection's counters, state and flags: slot tcptop_conn.slot of
 * tcp_counts, an mmapable array, one cache line per connection (no false
 * sharing between two connections updated on two CPUs). tcptop maps it and
 * reads only the lines whose dirty word is set, so a connection that did
 * not change costs one cache line read per sample, no system call. A
 * writer checks that the line names its connection (cookie), updates it,
 * then sets one byte of dirty (after the fields, ordered: see
 * tcptop_tcp_dirty and Sampler_scanLines): dirty.kind[TCPTOP_DIRTY_COUNTERS]
 * for counters, state and flags, [TCPTOP_DIRTY_IDENTITY] when tcptop must
 * read the record in tcp_conns again (a new record, its owner or netns
 * changed). One byte per kind, so two CPUs setting different kinds never
 * lose each other's; tcptop exchanges the whole word with 0.
 * Slots come from tcp_free (slots tcptop freed) or tcp_next, as UDP's.
 */
#define TCPTOP_DIRTY_COUNTERS 0
#define TCPTOP_DIRTY_IDENTITY 1
struct tcptop_tcp_line {
   __u64 cookie;         /* whose line: 0 free */
   __u64 start_ns;       /* the record's start_ns */
   __u64 tx_bytes;       /* application payload sent */
   __u64 rx_bytes;       /* application payload received */
   __u32 tx_packets;     /* segs_out (a __u32 in the kernel too) */
   __u32 rx_packets;     /* segs_in */
   __u32 srtt_us;        /* smoothed RTT, microseconds */
   __u32 retrans;        /* total retransmitted segments */
   __u32 flags;          /* TCPTOP_F_CLOSED, _RELEASED, _FINAL (and SEEDED, PASSIVE as made) */
   __u16 state;          /* TCP state */
   __u16 pad;
   union {
      __u32 any;
      __u8 kind[4];      /* [TCPTOP_DIRTY_*]: 1 changed since tcptop's last read */
   } dirty;
   __u32 pad2;
};
_Static_assert(sizeof(struct tcptop_tcp_line) == 64, "one cache line per connection");

/*
 * A UDP flow's counters: slot tcptop_conn.slot of udp_counts, an array
 * whose used slots tcptop reads each interval (an mmap of it would add its
 * 4 MiB to tcptop's RSS). The record (udp_flows) says who the flow is;
 * the counters live here because a datagram reaches them without a hash
 * lookup: flow_skb remembers the slots of recent flows in a cache that may
 * be wrong, so each line also names its flow (socket cookie and peer) and
 * the slot's generation, checked on the line counted into anyway. tcptop
 * raises gen when it frees the slot (the flow expired or its socket
 * closed). Sent and received counters are on separate cache lines: the
 * sending process's CPU writes one, the CPU where datagrams arrive the
 * other.
 */
struct tcptop_udp_dir {
   __u64 bytes;          /* payload */
   __u64 packets;        /* datagrams (GSO segments) */
   __u32 gen;
   __u16 rport;          /* the flow's peer, as in its key */
   __u16 family;
   __u8 raddr[16];
   __u64 cookie;
   __u8 spacer[16];
};
struct tcptop_udp_counts {
   struct tcptop_udp_dir tx;
   struct tcptop_udp_dir rx;
};
_Static_assert(sizeof(struct tcptop_udp_dir) == 64, "one cache line per direction");
_Static_assert(__builtin_offsetof(struct tcptop_udp_dir, family) - __builtin_offsetof(struct tcptop_udp_dir, rport) ==
               __builtin_offsetof(struct tcptop_flow_key, family) - __builtin_offsetof(struct tcptop_flow_key, rport),
               "a line's peer is compared with a key's as one word");

/* Per-socket owner of UDP sockets (key: cookie). */
struct tcptop_owner {
   __u32 pid;
   __u32 uid;
   char comm[TCPTOP_COMM_LEN];
   __u32 netns;          /* as in tcptop_conn */
   __u32 pad;
   __u64 cgroup_id;
};

/* Lifecycle event, sent through the "events" ring buffer. */
struct tcptop_event {
   __u64 ts_ns;
   __u64 cookie;
   __u32 type;           /* enum tcptop_event_type */
   __u32 pad;
   struct tcptop_conn conn;   /* TCP: the record; UDP_RELEASE: unused */
   __u64 metrics[TCPTOP_MAX_METRICS];   /* TCP_CLOSE: the final metric values */
};

/* A TCP connection's probe metrics (key: cookie), by slot. */
struct tcptop_metrics {
   __u64 start_ns;       /* the connection record's, so tcptop finds its row */
   __u64 v[TCPTOP_MAX_METRICS];
};

#endif
