// SPDX-License-Identifier: GPL-2.0
// @name        sock_io
// @description Application payload bytes of each TCP connection, and the process that sends and receives them
// @hooks       tracepoint/sock/sock_send_length, tracepoint/sock/sock_recv_length
// @provides    tx_bytes, rx_bytes, pid, comm, user
// @setting     sample_every count one TCP send or receive in N, at random, as N times its bytes: totals become estimates (1: exact)
#include "tcptop.bpf.h"

/*
 * These tracepoints fire when a sendmsg/recvmsg on a socket returns, in the
 * calling process, with the byte count the application got: payload counted
 * once (BCC's tcptop counts tcp_cleanup_rbuf, which can count twice). UDP
 * bytes are counted per datagram by flow_skb, which sees the peer; here UDP
 * sockets only learn their process.
 */

/*
 * Set by tcptop before the load ([probes] sock_io.sample_every in tcptop.conf).
 * 1 counts exactly. N > 1 takes each TCP send or receive with probability 1/N
 * and adds N times its bytes, so the expected total is the true total (with
 * 10,000 sends and N = 4 the error is about 2%); the process owning the
 * connection is also learnt from the sampled calls only.
 */
const volatile __u32 sample_every = 1;

static __always_inline void sock_io_owner(__u32* pid, __u32* uid, char* comm) {
   __u32 now = bpf_get_current_pid_tgid() >> 32;
   if (*pid != now)
      tcptop_set_owner(pid, uid, comm);
}

static __always_inline void sock_io_udp(__u64 cookie) {
   struct tcptop_owner* o = bpf_map_lookup_elem(&udp_owners, &cookie);
   if (o) {
      sock_io_owner(&o->pid, &o->uid, o->comm);
      return;
   }
   struct tcptop_owner n = {};
   tcptop_set_owner(&n.pid, &n.uid, n.comm);
   bpf_map_update_elem(&udp_owners, &cookie, &n, BPF_NOEXIST);
}

static __always_inline int sock_io(void* skaddr, __u16 protocol, int ret, int tx) {
   if (ret <= 0)
      return 0;
   struct sock* sk = skaddr;
   __u64 cookie = BPF_CORE_READ(sk, __sk_common.skc_cookie.counter);
   if (!cookie)
      return 0;   /* never seen by tcp_open or flow_skb: not tracked */
   if (protocol == IPPROTO_UDP) {
      sock_io_udp(cookie);
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
   struct tcptop_conn* c = bpf_map_lookup_elem(&tcp_conns, &cookie);
   if (!c)
      return 0;
   if (tx)
      __sync_fetch_and_add(&c->tx_bytes, bytes);
   else
      __sync_fetch_and_add(&c->rx_bytes, bytes);
   sock_io_owner(&c->pid, &c->uid, c->comm);
   return 0;
}

SEC("tracepoint/sock/sock_send_length")
int sock_send(struct trace_event_raw_sock_msg_length* ctx) {
   return sock_io(ctx->sk, ctx->protocol, ctx->ret, 1);
}

SEC("tracepoint/sock/sock_recv_length")
int sock_recv(struct trace_event_raw_sock_msg_length* ctx) {
   if (ctx->flags & MSG_PEEK)
      return 0;   /* peeked data is read again later */
   return sock_io(ctx->sk, ctx->protocol, ctx->ret, 0);
}

char LICENSE[] SEC("license") = "GPL";
