// SPDX-License-Identifier: GPL-2.0
// @name        tcp_open
// @description TCP connections as they open (connect, established, accepted), with the connecting process
// @hooks       sockops
// @variants    tcp_open, tcp_open_plain+connect_fexit, tcp_open_plain+connect_kprobe+connect_kretprobe, tcp_open_plain
// @variants    accept_fexit, accept_kprobe+accept_kretprobe, -
// @provides    tcp: rows, proto, laddr, lport, raddr, rport, pid, comm, user, cgroup, netns, age_s
#include "tcptop.bpf.h"

/*
 * A sockops program sees a connection open: connect() (in the connecting
 * process), then established, or accepted (in softirq). The connecting
 * process is its owner: tcp_open takes it in the sockops program itself
 * where this kernel lets sockops call the process helpers (6.18); else
 * (6.1: no bpf_get_current_pid_tgid there, 6.12: no
 * bpf_get_current_uid_gid) tcp_open_plain makes the record without it, and
 * fexit on tcp_connect, or a kretprobe, which runs in connect() just after
 * the sockops program, sets it. The accepting process is set by fexit (or
 * a kretprobe) on inet_accept, which accept() runs in the server's process
 * for IPv4 and IPv6 after the sockops program made the record (a
 * connection is established before it is queued). Without these hooks the
 * owner is the first process to send or receive (sock_io).
 */

#ifndef TCP_ESTABLISHED
#define TCP_ESTABLISHED 1
#define TCP_SYN_SENT 2
#endif

static __always_inline void tcp_open_addrs(struct bpf_sock_ops* ops, struct tcptop_conn* c) {
   c->family = ops->family;
   c->lport = ops->local_port;                          /* host order */
   c->rport = bpf_ntohl(ops->remote_port) & 0xffff;     /* network order in a u32 */
   if (ops->family == AF_INET) {
      __builtin_memcpy(c->laddr, &ops->local_ip4, 4);   /* both network order */
      __builtin_memcpy(c->raddr, &ops->remote_ip4, 4);
      return;
   }
   __u32 l[4] = { ops->local_ip6[0], ops->local_ip6[1], ops->local_ip6[2], ops->local_ip6[3] };
   __u32 r[4] = { ops->remote_ip6[0], ops->remote_ip6[1], ops->remote_ip6[2], ops->remote_ip6[3] };
   __builtin_memcpy(c->laddr, l, 16);
   __builtin_memcpy(c->raddr, r, 16);
}

/*
 * The socket's network namespace (its inode), in the record from its
 * creation: the process hooks, sock_io and tcp_state come later or not at
 * all (no fexit or kprobes on 6.18; a socket waiting in the accept queue,
 * or in SYN_SENT, may never meet them), and --netns hides a row whose
 * namespace is unknown. ops->sk is a struct bpf_sock*, on which the
 * verifier forbids the offset bpf_probe_read_kernel would need ("pointer
 * arithmetic on sock prohibited"); bpf_skc_to_tcp_sock (networking
 * programs such as sockops may call it from 5.10, older than the 5.12 the
 * other probes need) turns it into a BTF pointer, whose fields the program
 * reads directly: loaded on 6.1, 6.12 and 6.18.
 */
static __always_inline __u32 tcp_open_netns(struct bpf_sock_ops* ops) {
   struct bpf_sock* sk = ops->sk;
   struct tcp_sock* tp = sk ? bpf_skc_to_tcp_sock(sk) : NULL;
   return tp ? tp->inet_conn.icsk_inet.sk.__sk_common.skc_net.net->ns.inum : 0;
}

static __always_inline struct tcptop_conn* tcp_open_record(struct bpf_sock_ops* ops, __u64 cookie, __u32 op,
                                                           int owner) {
   struct tcptop_conn n = {};
   n.start_ns = bpf_ktime_get_ns();
   tcp_open_addrs(ops, &n);
   n.netns = tcp_open_netns(ops);
   /* connect() runs in the process; the passive side runs in softirq. */
   if (op == BPF_SOCK_OPS_TCP_CONNECT_CB && owner)
      tcptop_set_owner(&n.pid, &n.uid, n.comm, &n.cgroup_id);
   else if (op == BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB)
      n.flags = TCPTOP_F_PASSIVE;
   struct tcptop_tcp_line line = {};
   long err = tcptop_tcp_create(cookie, &n, &line);
   /* counted once per connection: a connect() that found no room is tried
    * again (and counted) when it is established */
   if (err && err != -17 /* EEXIST */ && op != BPF_SOCK_OPS_TCP_CONNECT_CB)
      tcptop_count(err == -7 /* E2BIG */ ? TCPTOP_STAT_TCP_MAP_FULL : TCPTOP_STAT_NO_MEMORY);
   return bpf_map_lookup_elem(&tcp_conns, &cookie);
}

static __always_inline int tcp_open_cb(struct bpf_sock_ops* ops, int owner) {
   __u32 op = ops->op;
   if (op != BPF_SOCK_OPS_TCP_CONNECT_CB && op != BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB &&
       op != BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB)
      return 1;
   if (ops->family != AF_INET && ops->family != AF_INET6)
      return 1;
   __u64 cookie = bpf_get_socket_cookie(ops);
   struct tcptop_conn* c = bpf_map_lookup_elem(&tcp_conns, &cookie);
   if (c && op == BPF_SOCK_OPS_TCP_CONNECT_CB) {
      /* connect() again on a socket whose last attempt failed: that
       * attempt is reported, and this one starts a new record */
      tcptop_tcp_finish_now(cookie, c);
      c = NULL;
   }
   if (!c)
      c = tcp_open_record(ops, cookie, op, owner);
   struct tcptop_tcp_line* l = c ? tcptop_tcp_line(cookie, c) : NULL;
   if (!l)
      return 1;
   /* tcptop reads the line: no event */
   l->state = op == BPF_SOCK_OPS_TCP_CONNECT_CB ? TCP_SYN_SENT : TCP_ESTABLISHED;
   tcptop_tcp_dirty(l, TCPTOP_DIRTY_COUNTERS);
   return 1;
}

SEC("sockops")
int tcp_open(struct bpf_sock_ops* ops) {
   return tcp_open_cb(ops, 1);
}

SEC("sockops")
int tcp_open_plain(struct bpf_sock_ops* ops) {
   return tcp_open_cb(ops, 0);
}

/* The current process as the owner of a socket's record (connect, accept);
 * the record has its network namespace from tcp_open_record. */
static __always_inline void tcp_open_owner(struct sock* sk) {
   __u64 cookie = BPF_CORE_READ(sk, __sk_common.skc_cookie.counter);
   struct tcptop_conn* c = cookie ? bpf_map_lookup_elem(&tcp_conns, &cookie) : NULL;
   if (!c)
      return;
   tcptop_set_owner(&c->pid, &c->uid, c->comm, &c->cgroup_id);
   struct tcptop_tcp_line* l = tcptop_tcp_line(cookie, c);
   if (l)
      tcptop_tcp_dirty(l, TCPTOP_DIRTY_IDENTITY);
}

/* The connecting process, where sockops could not take it: tcp_connect()
 * has run the sockops program (which made the record) by its return. */
SEC("fexit/tcp_connect")
int BPF_PROG(connect_fexit, struct sock* sk, int ret) {
   tcp_open_owner(sk);
   return 0;
}

/* The accepting process: newsock, inet_accept's second argument (the same
 * from 5.8 to 6.10's change of the others), holds the connection. */
SEC("fexit/inet_accept")
int BPF_PROG(accept_fexit, struct socket* sock, struct socket* newsock) {
   struct sock* sk = newsock->sk;
   if (sk)
      tcp_open_owner(sk);
   return 0;
}

/* kprobes: the connecting struct sock* or the accepting struct socket*,
 * remembered by thread from the entry to the return. */
struct {
   __uint(type, BPF_MAP_TYPE_HASH);
   __uint(map_flags, BPF_F_NO_PREALLOC);
   __uint(max_entries, 16384);
   __type(key, __u64);
   __type(value, __u64);
} tcp_open_calls SEC(".maps");

static __always_inline void tcp_open_enter(const void* p) {
   __u64 tid = bpf_get_current_pid_tgid(), v = (__u64)p;
   bpf_map_update_elem(&tcp_open_calls, &tid, &v, BPF_ANY);
}

/* What the thread's entry remembered, forgotten; 0 when none. */
static __always_inline __u64 tcp_open_exit(void) {
   __u64 tid = bpf_get_current_pid_tgid();
   __u64* v = bpf_map_lookup_elem(&tcp_open_calls, &tid);
   if (!v)
      return 0;
   __u64 p = *v;
   bpf_map_delete_elem(&tcp_open_calls, &tid);
   return p;
}

SEC("kprobe/tcp_connect")
int BPF_KPROBE(connect_kprobe, struct sock* sk) {
   tcp_open_enter(sk);
   return 0;
}

SEC("kretprobe/tcp_connect")
int BPF_KRETPROBE(connect_kretprobe, int ret) {
   struct sock* sk = (struct sock*)tcp_open_exit();
   if (sk)
      tcp_open_owner(sk);
   return 0;
}

SEC("kprobe/inet_accept")
int BPF_KPROBE(accept_kprobe, struct socket* sock, struct socket* newsock) {
   tcp_open_enter(newsock);
   return 0;
}

SEC("kretprobe/inet_accept")
int BPF_KRETPROBE(accept_kretprobe, int ret) {
   struct socket* newsock = (struct socket*)tcp_open_exit();
   struct sock* sk = newsock ? BPF_CORE_READ(newsock, sk) : NULL;
   if (sk)
      tcp_open_owner(sk);
   return 0;
}

char LICENSE[] SEC("license") = "GPL";
