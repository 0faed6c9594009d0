// SPDX-License-Identifier: GPL-2.0
// @name        sock_io
// @description Application payload bytes of each TCP connection, and the process that sends and receives them
// @hooks       tracepoint/sock/sock_send_length, tracepoint/sock/sock_recv_length
// @variants    sock_send, send_fexit+send6_fexit, send_kprobe+send_kretprobe+send6_kprobe+send6_kretprobe
// @variants    sock_recv, recv_fexit+recv6_fexit, recv_kprobe+recv_kretprobe+recv6_kprobe+recv6_kretprobe
// @variants    page_fexit, page_kprobe+page_kretprobe, -
// @provides    tcp: tx_bytes, rx_bytes, pid, comm, user, cgroup, netns, udp: pid, comm, user, cgroup, netns
// @setting     sample_every count one TCP send or receive in N, at random, as N times its bytes: totals become estimates (1: exact)
#include "tcptop.bpf.h"

/*
 * What an application's send and receive calls on an IPv4 or IPv6 socket
 * returned, counted in the calling process: payload counted once (BCC's
 * tcptop counts tcp_cleanup_rbuf, which can count twice). UDP bytes are
 * counted per datagram by flow_skb, which sees the peer; here UDP sockets
 * only learn their process.
 *
 * The same calls, three ways, the best this kernel has (one @variants
 * group per direction):
 *  - the tracepoints sock:sock_send_length / sock_recv_length (6.3 on),
 *    which fire where sock_sendmsg / sock_recvmsg have called the socket's
 *    sendmsg / recvmsg;
 *  - else fexit on those calls themselves: inet_sendmsg and inet6_sendmsg,
 *    inet_recvmsg and inet6_recvmsg (the proto_ops of every TCP and UDP
 *    socket; their arguments have been the same since long before 5.8);
 *  - else a kprobe on them, with a kretprobe for what they returned.
 * Before 6.5, sendfile() and splice() to a socket went through
 * proto_ops.sendpage (inet_sendpage), which neither the tracepoint nor
 * sendmsg sees: a third group counts it where it exists, and is left out
 * where it does not.
 */

/*
 * Set by tcptop before the load ([probes] sock_io.sample_every in tcptop.conf).
 * 1 counts exactly. N > 1 takes each TCP send or receive with probability 1/N
 * and adds N times its bytes, so the expected total is the true total (with
 * 10,000 sends and N = 4 the error is about 2%); the process owning the
 * connection is also learnt from the sampled calls only.
 */
const volatile __u32 sample_every = 1;

/* The calling process as the owner when it changed; the socket's network
 * namespace the first time (netns shares pid's cache line). */
static __always_inline int sock_io_owner(__u32* pid, __u32* uid, char* comm, __u64* cgroup_id, __u32* netns,
                                         const void* sk) {
   __u32 now = bpf_get_current_pid_tgid() >> 32;
   int changed = 0;
   if (*pid != now) {
      tcptop_set_owner(pid, uid, comm, cgroup_id);
      changed = 1;
   }
   if (!*netns) {
      *netns = tcptop_sk_netns(sk);
      changed = 1;
   }
   return changed;
}

static __always_inline void sock_io_udp(const void* sk, __u64 cookie) {
   struct tcptop_owner* o = bpf_map_lookup_elem(&udp_owners, &cookie);
   if (o) {
      sock_io_owner(&o->pid, &o->uid, o->comm, &o->cgroup_id, &o->netns, sk);
      return;
   }
   struct tcptop_owner n = {};
   tcptop_set_owner(&n.pid, &n.uid, n.comm, &n.cgroup_id);
   n.netns = tcptop_sk_netns(sk);
   bpf_map_update_elem(&udp_owners, &cookie, &n, BPF_NOEXIST);
}

/* ret bytes sent (tx) or received on the socket sk with this cookie. */
static __always_inline int sock_io(const void* sk, __u64 cookie, __u16 protocol, int ret, int tx) {
   if (ret <= 0 || !cookie)
      return 0;   /* failed, or never seen by tcp_open or flow_skb: not tracked */
   if (protocol == IPPROTO_UDP) {
      sock_io_udp(sk, cookie);
      return 0;
   }
   if (protocol != IPPROTO_TCP)
      return 0;
   __u64 bytes = ret;
   if (sample_every > 1) {
      if (bpf_get_prandom_u32() % sample_every)
         return 0;
      bytes *= sample_every;
   }
   struct tcptop_conn* c;
   struct tcptop_tcp_line* l = tcptop_tcp_lookup(cookie, &c);
   if (!l)
      return 0;
   if (tx)
      __sync_fetch_and_add(&l->tx_bytes, bytes);
   else
      __sync_fetch_and_add(&l->rx_bytes, bytes);
   if (sock_io_owner(&c->pid, &c->uid, c->comm, &c->cgroup_id, &c->netns, sk))
      tcptop_tcp_dirty(l, TCPTOP_DIRTY_IDENTITY);
   tcptop_tcp_dirty(l, TCPTOP_DIRTY_COUNTERS);
   return 0;
}

/* A struct sock* read through bpf_probe_read_kernel (tracepoints, kprobes). */
static __always_inline int sock_io_read(struct sock* sk, int ret, int tx) {
   if (ret <= 0)
      return 0;
   return sock_io(sk, BPF_CORE_READ(sk, __sk_common.skc_cookie.counter), BPF_CORE_READ(sk, sk_protocol), ret, tx);
}

/* A struct socket* that fexit may read directly (a trusted BTF pointer). */
static __always_inline int sock_io_direct(struct socket* sock, int ret, int tx) {
   if (ret <= 0)
      return 0;
   struct sock* sk = sock->sk;
   if (!sk)
      return 0;
   return sock_io(sk, sk->__sk_common.skc_cookie.counter, sk->sk_protocol, ret, tx);
}

/* Tracepoints (6.3 on). */

SEC("tracepoint/sock/sock_send_length")
int sock_send(struct tcptop_sock_msg_length* ctx) {
   if (ctx->ret <= 0)
      return 0;
   return sock_io(ctx->sk, tcptop_sk_cookie(ctx->sk), ctx->protocol, ctx->ret, 1);
}

SEC("tracepoint/sock/sock_recv_length")
int sock_recv(struct tcptop_sock_msg_length* ctx) {
   if (ctx->ret <= 0 || (ctx->flags & MSG_PEEK))
      return 0;   /* peeked data is read again later */
   return sock_io(ctx->sk, tcptop_sk_cookie(ctx->sk), ctx->protocol, ctx->ret, 0);
}

/* fexit: the calls those tracepoints follow. */

SEC("fexit/inet_sendmsg")
int BPF_PROG(send_fexit, struct socket* sock, void* msg, size_t size, int ret) {
   return sock_io_direct(sock, ret, 1);
}

SEC("fexit/inet6_sendmsg")
int BPF_PROG(send6_fexit, struct socket* sock, void* msg, size_t size, int ret) {
   return sock_io_direct(sock, ret, 1);
}

SEC("fexit/inet_recvmsg")
int BPF_PROG(recv_fexit, struct socket* sock, void* msg, size_t size, int flags, int ret) {
   return flags & MSG_PEEK ? 0 : sock_io_direct(sock, ret, 0);
}

SEC("fexit/inet6_recvmsg")
int BPF_PROG(recv6_fexit, struct socket* sock, void* msg, size_t size, int flags, int ret) {
   return flags & MSG_PEEK ? 0 : sock_io_direct(sock, ret, 0);
}

SEC("fexit/inet_sendpage")
int BPF_PROG(page_fexit, struct socket* sock, void* page, int offset, size_t size, int flags, long ret) {
   return sock_io_direct(sock, (int)ret, 1);
}

/*
 * kprobes: the entry remembers the socket (and the receive flags) by
 * thread, the return counts what the call returned. A thread is in one of
 * these calls at a time; an entry whose return never came (a kretprobe
 * instance missed) is replaced by the thread's next call.
 */
struct sock_io_call {
   struct sock* sk;
   __s32 flags;
   __u32 pad;
};

struct {
   __uint(type, BPF_MAP_TYPE_HASH);
   __uint(map_flags, BPF_F_NO_PREALLOC);
   __uint(max_entries, 16384);
   __type(key, __u64);
   __type(value, struct sock_io_call);
} sock_io_calls SEC(".maps");

static __always_inline int sock_io_enter(struct socket* sock, int flags) {
   __u64 tid = bpf_get_current_pid_tgid();
   struct sock_io_call call = { .sk = BPF_CORE_READ(sock, sk), .flags = flags };
   bpf_map_update_elem(&sock_io_calls, &tid, &call, BPF_ANY);
   return 0;
}

static __always_inline int sock_io_exit(int ret, int tx) {
   __u64 tid = bpf_get_current_pid_tgid();
   struct sock_io_call* call = bpf_map_lookup_elem(&sock_io_calls, &tid);
   if (!call)
      return 0;
   struct sock* sk = call->sk;
   int peek = call->flags & MSG_PEEK;
   bpf_map_delete_elem(&sock_io_calls, &tid);
   return sk && !peek ? sock_io_read(sk, ret, tx) : 0;
}

SEC("kprobe/inet_sendmsg")
int BPF_KPROBE(send_kprobe, struct socket* sock) {
   return sock_io_enter(sock, 0);
}

SEC("kretprobe/inet_sendmsg")
int BPF_KRETPROBE(send_kretprobe, int ret) {
   return sock_io_exit(ret, 1);
}

SEC("kprobe/inet6_sendmsg")
int BPF_KPROBE(send6_kprobe, struct socket* sock) {
   return sock_io_enter(sock, 0);
}

SEC("kretprobe/inet6_sendmsg")
int BPF_KRETPROBE(send6_kretprobe, int ret) {
   return sock_io_exit(ret, 1);
}

SEC("kprobe/inet_recvmsg")
int BPF_KPROBE(recv_kprobe, struct socket* sock, void* msg, size_t size, int flags) {
   return sock_io_enter(sock, flags);
}

SEC("kretprobe/inet_recvmsg")
int BPF_KRETPROBE(recv_kretprobe, int ret) {
   return sock_io_exit(ret, 0);
}

SEC("kprobe/inet6_recvmsg")
int BPF_KPROBE(recv6_kprobe, struct socket* sock, void* msg, size_t size, int flags) {
   return sock_io_enter(sock, flags);
}

SEC("kretprobe/inet6_recvmsg")
int BPF_KRETPROBE(recv6_kretprobe, int ret) {
   return sock_io_exit(ret, 0);
}

SEC("kprobe/inet_sendpage")
int BPF_KPROBE(page_kprobe, struct socket* sock) {
   return sock_io_enter(sock, 0);
}

SEC("kretprobe/inet_sendpage")
int BPF_KRETPROBE(page_kretprobe, long ret) {
   return sock_io_exit((int)ret, 1);
}

char LICENSE[] SEC("license") = "GPL";
