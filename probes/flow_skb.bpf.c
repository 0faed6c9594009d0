// SPDX-License-Identifier: GPL-2.0
// @name        flow_skb
// @description Packets of every socket: UDP flows per peer (payload bytes and datagrams); TCP segments, RTT, retransmits
// @hooks       cgroup_skb/ingress, cgroup_skb/egress
// @provides    tx_packets, rx_packets, rtt_us, retrans, udp: tx_bytes, rx_bytes, laddr, lport, raddr, rport
#include "tcptop.bpf.h"

/*
 * Runs for every packet of every socket (at the cgroup v2 root, so in every
 * network namespace), always letting it pass. TCP work is a snapshot of the
 * kernel's own counters (bpf_tcp_sock); UDP datagrams are counted here
 * because only the packet says which peer an unconnected socket talks to.
 */

struct flow_hdrs {
   __u8 laddr[16];
   __u8 raddr[16];
   __u16 lport;
   __u16 rport;
   __u16 family;
   __u32 payload;
};

/* IPv4 or IPv6 + UDP headers of a datagram; 0 when it is not one we count
 * (a later fragment, an IPv6 extension header). */
static __always_inline int flow_parse(struct __sk_buff* skb, int egress, struct flow_hdrs* h) {
   __u32 hlen;
   __u8* src;
   __u8* dst;
   if (skb->protocol == bpf_htons(TCPTOP_ETH_P_IP)) {
      struct iphdr ip;
      if (bpf_skb_load_bytes(skb, 0, &ip, sizeof(ip)) || ip.protocol != IPPROTO_UDP ||
          (ip.frag_off & bpf_htons(0x1fff)))
         return 0;
      hlen = ip.ihl * 4;
      h->family = AF_INET;
      __builtin_memcpy(egress ? h->laddr : h->raddr, &ip.saddr, 4);
      __builtin_memcpy(egress ? h->raddr : h->laddr, &ip.daddr, 4);
   } else if (skb->protocol == bpf_htons(TCPTOP_ETH_P_IPV6)) {
      struct ipv6hdr ip6;
      if (bpf_skb_load_bytes(skb, 0, &ip6, sizeof(ip6)) || ip6.nexthdr != IPPROTO_UDP)
         return 0;
      hlen = sizeof(ip6);
      h->family = AF_INET6;
      __builtin_memcpy(egress ? h->laddr : h->raddr, &ip6.saddr, 16);
      __builtin_memcpy(egress ? h->raddr : h->laddr, &ip6.daddr, 16);
   } else {
      return 0;
   }
   struct udphdr uh;
   if (hlen < 20 || hlen > 60 || bpf_skb_load_bytes(skb, hlen, &uh, sizeof(uh)) ||
       skb->len < hlen + sizeof(uh))
      return 0;
   h->lport = bpf_ntohs(egress ? uh.source : uh.dest);
   h->rport = bpf_ntohs(egress ? uh.dest : uh.source);
   h->payload = skb->len - hlen - sizeof(uh);
   return 1;
}

static __always_inline struct tcptop_conn* flow_udp_record(struct tcptop_flow_key* k, struct flow_hdrs* h, int egress) {
   struct tcptop_conn n = {};
   n.start_ns = bpf_ktime_get_ns();
   n.family = h->family;
   n.lport = h->lport;
   n.rport = h->rport;
   __builtin_memcpy(n.laddr, h->laddr, 16);
   __builtin_memcpy(n.raddr, h->raddr, 16);
   /* UDP sends run in the sending process; receives in softirq. */
   if (egress)
      tcptop_set_owner(&n.pid, &n.uid, n.comm);
   long err = bpf_map_update_elem(&udp_flows, k, &n, BPF_NOEXIST);
   if (err && err != -17 /* EEXIST: another CPU made it */) {
      tcptop_count(TCPTOP_STAT_UDP_MAP_FULL);   /* full, or no memory */
      return NULL;
   }
   /* udp_owners marks the socket as having flows, so its close is reported */
   struct tcptop_owner o = { .pid = n.pid, .uid = n.uid };
   __builtin_memcpy(o.comm, n.comm, sizeof(o.comm));
   bpf_map_update_elem(&udp_owners, &k->cookie, &o, BPF_NOEXIST);
   return bpf_map_lookup_elem(&udp_flows, k);
}

static __always_inline void flow_udp(struct __sk_buff* skb, int egress) {
   struct flow_hdrs h = {};
   if (!flow_parse(skb, egress, &h))
      return;
   struct tcptop_flow_key k = {};
   k.cookie = bpf_get_socket_cookie(skb);
   __builtin_memcpy(k.raddr, h.raddr, 16);
   k.rport = h.rport;
   k.family = h.family;
   struct tcptop_conn* c = bpf_map_lookup_elem(&udp_flows, &k);
   if (!c)
      c = flow_udp_record(&k, &h, egress);
   if (!c)
      return;
   __u32 segs = skb->gso_segs > 1 ? skb->gso_segs : 1;
   if (egress) {
      __sync_fetch_and_add(&c->tx_bytes, h.payload);
      __sync_fetch_and_add(&c->tx_packets, segs);
   } else {
      __sync_fetch_and_add(&c->rx_bytes, h.payload);
      __sync_fetch_and_add(&c->rx_packets, segs);
   }
}

/* The tcp_sock's own counters. On ingress the kernel counts the segment
 * (tcp_segs_in) only after this hook, so it is added here. */
static __always_inline void flow_tcp(struct __sk_buff* skb, struct bpf_sock* sk, int egress) {
   __u64 cookie = bpf_get_socket_cookie(skb);
   struct tcptop_conn* c = bpf_map_lookup_elem(&tcp_conns, &cookie);
   if (!c)
      return;
   struct bpf_tcp_sock* tp = bpf_tcp_sock(sk);
   if (!tp)
      return;
   __u32 segs = skb->gso_segs > 1 ? skb->gso_segs : 1;
   c->tx_packets = tp->segs_out;
   c->rx_packets = egress ? tp->segs_in : tp->segs_in + segs;
   c->srtt_us = tp->srtt_us >> 3;
   c->retrans = tp->total_retrans;
}

static __always_inline int flow_skb(struct __sk_buff* skb, int egress) {
   struct bpf_sock* sk = skb->sk;
   if (!sk)
      return 1;
   sk = bpf_sk_fullsock(sk);
   if (!sk)
      return 1;
   if (sk->protocol == IPPROTO_TCP)
      flow_tcp(skb, sk, egress);
   else if (sk->protocol == IPPROTO_UDP)
      flow_udp(skb, egress);
   return 1;
}

SEC("cgroup_skb/ingress")
int flow_ingress(struct __sk_buff* skb) {
   return flow_skb(skb, 0);
}

SEC("cgroup_skb/egress")
int flow_egress(struct __sk_buff* skb) {
   return flow_skb(skb, 1);
}

char LICENSE[] SEC("license") = "GPL";
