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

/* A datagram's headers; the flow key (peer) is filled in place, so the
 * lookup needs no copy. */
struct flow_hdrs {
   struct tcptop_flow_key key;   /* cookie, raddr, rport, family */
   __u8 laddr[16];
   __u16 lport;
   __u32 payload;
};

/* The addresses of an IP header, in this socket's direction. */
static __always_inline void flow_addrs(struct flow_hdrs* h, int egress, const void* saddr, const void* daddr, int len) {
   if (len == 4) {
      __builtin_memcpy(egress ? h->laddr : h->key.raddr, saddr, 4);
      __builtin_memcpy(egress ? h->key.raddr : h->laddr, daddr, 4);
   } else {
      __builtin_memcpy(egress ? h->laddr : h->key.raddr, saddr, 16);
      __builtin_memcpy(egress ? h->key.raddr : h->laddr, daddr, 16);
   }
}

/* The IP header's length and addresses from the packet's linear data (the
 * usual case: cgroup_skb's data starts at the network header); 0 when the
 * headers are not all there, or it is not a first UDP fragment. */
static __always_inline __u32 flow_ip_direct(struct __sk_buff* skb, int egress, struct flow_hdrs* h) {
   void* data = (void*)(long)skb->data;
   void* end = (void*)(long)skb->data_end;
   if (h->key.family == AF_INET) {
      struct iphdr* ip = data;
      if ((void*)(ip + 1) > end || ip->protocol != IPPROTO_UDP || (ip->frag_off & bpf_htons(0x1fff)))
         return 0;
      flow_addrs(h, egress, &ip->saddr, &ip->daddr, 4);
      return ip->ihl * 4;
   }
   struct ipv6hdr* ip6 = data;
   if ((void*)(ip6 + 1) > end || ip6->nexthdr != IPPROTO_UDP)
      return 0;
   flow_addrs(h, egress, &ip6->saddr, &ip6->daddr, 16);
   return sizeof(*ip6);
}

/* The same through bpf_skb_load_bytes, for headers outside the linear data. */
static __always_inline __u32 flow_ip_copy(struct __sk_buff* skb, int egress, struct flow_hdrs* h) {
   if (h->key.family == AF_INET) {
      struct iphdr ip;
      if (bpf_skb_load_bytes(skb, 0, &ip, sizeof(ip)) || ip.protocol != IPPROTO_UDP ||
          (ip.frag_off & bpf_htons(0x1fff)))
         return 0;
      flow_addrs(h, egress, &ip.saddr, &ip.daddr, 4);
      return ip.ihl * 4;
   }
   struct ipv6hdr ip6;
   if (bpf_skb_load_bytes(skb, 0, &ip6, sizeof(ip6)) || ip6.nexthdr != IPPROTO_UDP)
      return 0;
   flow_addrs(h, egress, &ip6.saddr, &ip6.daddr, 16);
   return sizeof(ip6);
}

/* IPv4 or IPv6 + UDP headers of a datagram; 0 when it is not one we count
 * (a later fragment, an IPv6 extension header). */
static __always_inline int flow_parse(struct __sk_buff* skb, int egress, struct flow_hdrs* h) {
   if (skb->protocol == bpf_htons(TCPTOP_ETH_P_IP))
      h->key.family = AF_INET;
   else if (skb->protocol == bpf_htons(TCPTOP_ETH_P_IPV6))
      h->key.family = AF_INET6;
   else
      return 0;
   void* data = (void*)(long)skb->data;
   void* end = (void*)(long)skb->data_end;
   __u32 hlen = flow_ip_direct(skb, egress, h);
   struct udphdr uh;
   if (hlen >= 20 && hlen <= 60 && data + hlen + sizeof(uh) <= end) {
      __builtin_memcpy(&uh, data + hlen, sizeof(uh));
   } else {
      hlen = flow_ip_copy(skb, egress, h);
      if (hlen < 20 || hlen > 60 || bpf_skb_load_bytes(skb, hlen, &uh, sizeof(uh)))
         return 0;
   }
   if (skb->len < hlen + sizeof(uh))
      return 0;
   h->lport = bpf_ntohs(egress ? uh.source : uh.dest);
   h->key.rport = bpf_ntohs(egress ? uh.dest : uh.source);
   h->payload = skb->len - hlen - sizeof(uh);
   return 1;
}

static __always_inline struct tcptop_conn* flow_udp_record(struct flow_hdrs* h, int egress) {
   struct tcptop_flow_key* k = &h->key;
   struct tcptop_conn n = {};
   n.start_ns = bpf_ktime_get_ns();
   n.family = h->key.family;
   n.lport = h->lport;
   n.rport = h->key.rport;
   __builtin_memcpy(n.laddr, h->laddr, 16);
   __builtin_memcpy(n.raddr, h->key.raddr, 16);
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
   h.key.cookie = bpf_get_socket_cookie(skb);
   struct tcptop_conn* c = bpf_map_lookup_elem(&udp_flows, &h.key);
   if (!c)
      c = flow_udp_record(&h, egress);
   if (!c)
      return;
   __u32 segs = skb->gso_segs > 1 ? skb->gso_segs : 1;
   if (egress) {
      __sync_fetch_and_add(&c->tx_bytes, h.payload);
      __sync_fetch_and_add(&c->tx_packets, segs);
   } else {
      __sync_fetch_and_add(&c->rx_wire_bytes, h.payload);
      __sync_fetch_and_add(&c->rx_packets, segs);
   }
}

/* The tcp_sock's own counters. On ingress the kernel counts the segment
 * (tcp_segs_in) only after this hook, so it is added here, and ingress
 * touches nothing else: it may run on another CPU than the process, which
 * owns the other fields (see struct tcptop_conn). Egress writes a field only
 * when it changed. */
static __always_inline void flow_tcp(struct __sk_buff* skb, struct bpf_sock* sk, int egress) {
   __u64 cookie = bpf_get_socket_cookie(skb);
   struct tcptop_conn* c = bpf_map_lookup_elem(&tcp_conns, &cookie);
   if (!c)
      return;
   struct bpf_tcp_sock* tp = bpf_tcp_sock(sk);
   if (!tp)
      return;
   if (!egress) {
      c->rx_packets = tp->segs_in + (skb->gso_segs > 1 ? skb->gso_segs : 1);
      return;
   }
   __u64 tx = tp->segs_out;
   __u32 srtt = tp->srtt_us >> 3, retrans = tp->total_retrans;
   if (c->tx_packets != tx)
      c->tx_packets = tx;
   if (c->srtt_us != srtt)
      c->srtt_us = srtt;
   if (c->retrans != retrans)
      c->retrans = retrans;
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
