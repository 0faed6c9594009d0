// SPDX-License-Identifier: GPL-2.0
// @name        flow_skb
// @description Packets of every socket: UDP flows per peer (payload bytes and datagrams); TCP segments, RTT, retransmits (every 8 segments sent)
// @hooks       cgroup_skb/ingress, cgroup_skb/egress
// @variants    flow_egress, flow_egress_plain
// @provides    tcp: tx_packets, rx_packets, rtt_us, retrans, udp: rows, proto, laddr, lport, raddr, rport, state, tx_bytes, rx_bytes, tx_packets, rx_packets, pid, comm, user, cgroup, age_s
#include "tcptop.bpf.h"

/*
 * Runs for every packet of every socket (at the cgroup v2 root, so in every
 * network namespace), always letting it pass. TCP work is a snapshot of the
 * kernel's own counters (bpf_tcp_sock), every 8 segments sent; UDP
 * datagrams are counted here because only the packet says which peer an
 * unconnected socket talks to.
 */

/* A datagram's headers; the flow key (peer) is filled in place, so the
 * lookup needs no copy. */
struct flow_hdrs {
   struct tcptop_flow_key key;   /* cookie, raddr, rport, family */
   __u8 laddr[16];
   __u16 lport;
   __u32 payload;
};

/* The addresses of an IP header, in this socket's direction: 1 (IPv4) or
 * 4 (IPv6) 32-bit words each. Word loads and stores: a memcpy from a
 * packet pointer is done a byte at a time (clang cannot assume alignment),
 * which was a third of a datagram's parsing. */
static __always_inline void flow_addrs(struct flow_hdrs* h, int egress, const __u32* saddr, const __u32* daddr,
                                       int words) {
   __u32* l = (__u32*)h->laddr;
   __u32* r = (__u32*)h->key.raddr;
   const __u32* ls = egress ? saddr : daddr;
   const __u32* rs = egress ? daddr : saddr;
   l[0] = ls[0];
   r[0] = rs[0];
   if (words == 4) {
      l[1] = ls[1], l[2] = ls[2], l[3] = ls[3];
      r[1] = rs[1], r[2] = rs[2], r[3] = rs[3];
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
      flow_addrs(h, egress, &ip->saddr, &ip->daddr, 1);
      return ip->ihl * 4;
   }
   struct ipv6hdr* ip6 = data;
   if ((void*)(ip6 + 1) > end || ip6->nexthdr != IPPROTO_UDP)
      return 0;
   flow_addrs(h, egress, ip6->saddr.in6_u.u6_addr32, ip6->daddr.in6_u.u6_addr32, 4);
   return sizeof(*ip6);
}

/* The same through bpf_skb_load_bytes, for headers outside the linear data. */
static __always_inline __u32 flow_ip_copy(struct __sk_buff* skb, int egress, struct flow_hdrs* h) {
   if (h->key.family == AF_INET) {
      struct iphdr ip;
      if (bpf_skb_load_bytes(skb, 0, &ip, sizeof(ip)) || ip.protocol != IPPROTO_UDP ||
          (ip.frag_off & bpf_htons(0x1fff)))
         return 0;
      flow_addrs(h, egress, &ip.saddr, &ip.daddr, 1);
      return ip.ihl * 4;
   }
   struct ipv6hdr ip6;
   if (bpf_skb_load_bytes(skb, 0, &ip6, sizeof(ip6)) || ip6.nexthdr != IPPROTO_UDP)
      return 0;
   flow_addrs(h, egress, ip6.saddr.in6_u.u6_addr32, ip6.daddr.in6_u.u6_addr32, 4);
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
   __be16 sport, dport;
   struct udphdr* u = data + hlen;
   if (hlen >= 20 && hlen <= 60 && (void*)(u + 1) <= end) {
      sport = u->source;
      dport = u->dest;
   } else {
      struct udphdr uh;
      hlen = flow_ip_copy(skb, egress, h);
      if (hlen < 20 || hlen > 60 || bpf_skb_load_bytes(skb, hlen, &uh, sizeof(uh)))
         return 0;
      sport = uh.source;
      dport = uh.dest;
   }
   if (skb->len < hlen + sizeof(struct udphdr))
      return 0;
   h->lport = bpf_ntohs(egress ? sport : dport);
   h->key.rport = bpf_ntohs(egress ? dport : sport);
   h->payload = skb->len - hlen - sizeof(struct udphdr);
   return 1;
}

/*
 * Recent flows' slots, by a hash of socket cookie and peer, so that a
 * datagram reaches its counters without the flow table's hash lookup: about
 * 25 ns of the 45 a datagram cost with it (bench/probe_cost.sh, udp). An
 * entry is one word, (gen + 1) << 32 | slot (0: empty), and only a guess:
 * two flows may share an entry and threads may race on it, so the slot's
 * line must name the flow, in the generation remembered.
 */
struct {
   __uint(type, BPF_MAP_TYPE_ARRAY);
   __uint(max_entries, 2 * TCPTOP_MAX_UDP);   /* tcptop sets 2 * tcptop_max_udp */
   __type(key, __u32);
   __type(value, __u64);
} flow_last SEC(".maps");

static __always_inline __u32 flow_last_index(const struct tcptop_flow_key* k) {
   const __u32* a = (const __u32*)k->raddr;
   __u64 x = k->cookie ^ ((__u64)(a[0] ^ a[1] ^ a[2] ^ a[3]) << 16) ^ k->rport;
   /* the hash's high half scaled to [0, entries): a multiply, no division */
   return (__u32)((((x * 0x9E3779B97F4A7C15ull) >> 32) * (2ull * tcptop_max_udp)) >> 32);
}

/* The line counts this datagram's flow, in the generation remembered. */
static __always_inline int flow_is_line(const struct tcptop_udp_dir* d, __u32 gen, const struct tcptop_flow_key* k) {
   return d->cookie == k->cookie && d->gen == gen && *(const __u32*)&d->rport == *(const __u32*)&k->rport &&
          *(const __u64*)d->raddr == *(const __u64*)k->raddr &&
          *(const __u64*)(d->raddr + 8) == *(const __u64*)(k->raddr + 8);
}

/* A free slot's line named for a new flow. Its counters are zeroed again
 * (tcptop zeroed them when it freed the slot): a datagram that passed the
 * line's check just before tcptop raised the generation may have added
 * after that, and belongs to the old flow, not this one. */
static __always_inline void flow_name_line(struct tcptop_udp_dir* d, const struct tcptop_flow_key* k) {
   d->bytes = 0;
   d->packets = 0;
   __builtin_memcpy(d->raddr, k->raddr, 16);
   d->rport = k->rport;
   d->family = k->family;
   d->cookie = k->cookie;
}

/* A slot for a new flow: one tcptop freed, else one never used. */
static __always_inline int flow_udp_slot(__u32* slot) {
   if (bpf_map_pop_elem(&udp_free, slot) == 0)
      return 1;
   __u32 zero = 0;
   __u64* next = bpf_map_lookup_elem(&udp_next, &zero);
   if (!next)
      return 0;
   __u64 s = __sync_fetch_and_add(next, 1);
   if (s >= tcptop_max_udp)
      return 0;
   *slot = s;
   return 1;
}

static __always_inline struct tcptop_conn* flow_udp_record(struct flow_hdrs* h, int egress, int owner) {
   struct tcptop_flow_key* k = &h->key;
   struct tcptop_conn n = {};
   if (!flow_udp_slot(&n.slot)) {
      tcptop_count(TCPTOP_STAT_UDP_MAP_FULL);
      return NULL;
   }
   struct tcptop_udp_counts* lines = bpf_map_lookup_elem(&udp_counts, &n.slot);
   if (lines) {   /* free: no socket remembers it with its current generation */
      flow_name_line(&lines->tx, k);
      flow_name_line(&lines->rx, k);
   }
   n.start_ns = bpf_ktime_get_ns();
   n.family = h->key.family;
   n.lport = h->lport;
   n.rport = h->key.rport;
   __builtin_memcpy(n.laddr, h->laddr, 16);
   __builtin_memcpy(n.raddr, h->key.raddr, 16);
   /* UDP sends run in the sending process; receives in softirq. Without
    * the helpers (flow_egress_plain), sock_io names the process. */
   if (egress && owner)
      tcptop_set_owner(&n.pid, &n.uid, n.comm, &n.cgroup_id);
   long err = bpf_map_update_elem(&udp_flows, k, &n, BPF_NOEXIST);
   if (err) {
      bpf_map_push_elem(&udp_free, &n.slot, 0);   /* not used after all */
      if (err != -17) {   /* EEXIST: another CPU made it, and its slot counts */
         tcptop_count(err == -7 /* E2BIG: full */ ? TCPTOP_STAT_UDP_MAP_FULL : TCPTOP_STAT_NO_MEMORY);
         return NULL;
      }
   }
   /* udp_owners marks the socket as having flows, so its close is reported */
   struct tcptop_owner o = { .pid = n.pid, .uid = n.uid, .cgroup_id = n.cgroup_id };
   __builtin_memcpy(o.comm, n.comm, sizeof(o.comm));
   bpf_map_update_elem(&udp_owners, &k->cookie, &o, BPF_NOEXIST);
   return bpf_map_lookup_elem(&udp_flows, k);
}

/* The flow's counters in this direction: through the cache of recent
 * flows, else the flow table (made on the flow's first datagram). */
static __always_inline struct tcptop_udp_dir* flow_udp_dir(struct __sk_buff* skb, struct flow_hdrs* h, int egress,
                                                           int owner) {
   h->key.cookie = bpf_get_socket_cookie(skb);
   __u32 i = flow_last_index(&h->key);
   __u64* last = bpf_map_lookup_elem(&flow_last, &i);
   struct tcptop_udp_counts* n;
   struct tcptop_udp_dir* d;
   __u32 slot;
   if (last) {
      __u64 v = *(volatile __u64*)last;
      slot = (__u32)v;
      n = v ? bpf_map_lookup_elem(&udp_counts, &slot) : NULL;
      if (n) {
         d = egress ? &n->tx : &n->rx;
         if (flow_is_line(d, (v >> 32) - 1, &h->key))
            return d;
      }
   }
   struct tcptop_conn* c = bpf_map_lookup_elem(&udp_flows, &h->key);
   if (!c)
      c = flow_udp_record(h, egress, owner);
   if (!c)
      return NULL;
   slot = c->slot;
   n = bpf_map_lookup_elem(&udp_counts, &slot);
   if (!n)
      return NULL;
   d = egress ? &n->tx : &n->rx;
   if (last)
      *(volatile __u64*)last = (__u64)(__u32)(d->gen + 1) << 32 | slot;
   return d;
}

static __always_inline void flow_udp(struct __sk_buff* skb, int egress, int owner) {
   struct flow_hdrs h = {};
   if (!flow_parse(skb, egress, &h))
      return;
   struct tcptop_udp_dir* d = flow_udp_dir(skb, &h, egress, owner);
   if (!d)
      return;
   __sync_fetch_and_add(&d->bytes, h.payload);
   __sync_fetch_and_add(&d->packets, skb->gso_segs > 1 ? skb->gso_segs : 1);
}

/*
 * TCP: a snapshot of the tcp_sock's own counters (segments each way, srtt,
 * retransmits) into the connection's record, taken on egress where the
 * connection's segs_out passes a multiple of 8 (every segment of its first
 * 8), so a segment costs a look at segs_out, which the kernel has just
 * written on this CPU. Looking up the record and reading the other
 * counters for every segment cost 2.5-4x an empty program whenever the
 * connection's two ends ran on different CPUs (bench/probe_cost.sh, bulk
 * and pingpong2): the record's and the tcp_sock's lines were elsewhere.
 * tcp_state takes the final, exact snapshot at close.
 */
#define FLOW_TCP_EVERY 8

static __always_inline void flow_tcp(struct __sk_buff* skb, struct bpf_sock* sk) {
   struct bpf_tcp_sock* tp = bpf_tcp_sock(sk);   /* NULL unless a full TCP socket */
   if (!tp)
      return;
   __u32 out = tp->segs_out;   /* this segment included */
   __u32 segs = skb->gso_segs > 1 ? skb->gso_segs : 1;
   if (out > FLOW_TCP_EVERY && out % FLOW_TCP_EVERY >= segs)
      return;
   __u64 cookie = bpf_get_socket_cookie(skb);
   struct tcptop_tcp_line* c = tcptop_tcp_lookup(cookie, NULL);
   if (!c)
      return;
   c->tx_packets = out;
   c->rx_packets = tp->segs_in;
   __u32 srtt = tp->srtt_us >> 3, retrans = tp->total_retrans;
   if (c->srtt_us != srtt)
      c->srtt_us = srtt;
   if (c->retrans != retrans)
      c->retrans = retrans;
   tcptop_tcp_dirty(c, TCPTOP_DIRTY_COUNTERS);
}

/* The transport protocol of a packet, from its IP header; -1 when the
 * header does not say (not in the linear data, or an IPv6 extension
 * header comes first): the socket's protocol then. */
static __always_inline int flow_ip_proto(struct __sk_buff* skb) {
   void* data = (void*)(long)skb->data;
   void* end = (void*)(long)skb->data_end;
   int p = -1;
   if (skb->protocol == bpf_htons(TCPTOP_ETH_P_IP)) {
      struct iphdr* ip = data;
      if ((void*)(ip + 1) <= end)
         p = ip->protocol;
   } else if (skb->protocol == bpf_htons(TCPTOP_ETH_P_IPV6)) {
      struct ipv6hdr* ip6 = data;
      if ((void*)(ip6 + 1) <= end)
         p = ip6->nexthdr;
   }
   return p == IPPROTO_TCP || p == IPPROTO_UDP ? p : -1;
}

static __always_inline int flow_sk_proto(struct bpf_sock* sk) {
   sk = bpf_sk_fullsock(sk);
   return sk ? sk->protocol : -1;
}

/*
 * The packet's protocol comes from its header, so that the common cases
 * need no more of the socket than its cookie: a received TCP segment has
 * nothing to count here (the egress snapshots read segs_in), a sent one
 * goes to bpf_tcp_sock, which checks the socket itself.
 */
static __always_inline int flow_skb(struct __sk_buff* skb, int egress, int owner) {
   struct bpf_sock* sk = skb->sk;
   if (!sk)
      return 1;
   int proto = flow_ip_proto(skb);
   if (proto < 0)
      proto = flow_sk_proto(sk);
   if (proto == IPPROTO_TCP && egress)
      flow_tcp(skb, sk);
   else if (proto == IPPROTO_UDP)
      flow_udp(skb, egress, owner);
   return 1;
}

SEC("cgroup_skb/ingress")
int flow_ingress(struct __sk_buff* skb) {
   return flow_skb(skb, 0, 0);
}

/* A UDP flow's first datagram sent names its process, where this kernel
 * lets cgroup_skb call the process helpers (6.18; not 6.1 or 6.12). */
SEC("cgroup_skb/egress")
int flow_egress(struct __sk_buff* skb) {
   return flow_skb(skb, 1, 1);
}

SEC("cgroup_skb/egress")
int flow_egress_plain(struct __sk_buff* skb) {
   return flow_skb(skb, 1, 0);
}

char LICENSE[] SEC("license") = "GPL";
