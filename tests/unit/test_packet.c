/* Packet_parse: every link type, VLAN tags, IPv6 extension headers,
 * fragments, and every truncation of the headers. */
#include "config.h"

#include <netinet/in.h>
#include <sys/socket.h>

#include "check.h"
#include "pcap/Packet.h"
#include "pktbuild.h"

static PB frame;

static PBSeg seg(int family, int proto) {
   PBSeg s;
   memset(&s, 0, sizeof(s));
   s.family = family;
   s.proto = proto;
   pb_addr(s.saddr, family, 1);
   pb_addr(s.daddr, family, 2);
   s.sport = 40000;
   s.dport = 443;
   s.seq = 1000;
   s.ack = 2000;
   s.flags = PACKET_ACK | PACKET_PSH;
   s.payload = 100;
   return s;
}

/* Builds a frame of a link type around a segment; returns the link header length. */
static uint32_t build(int link, const PBSeg* s) {
   frame.len = 0;
   uint16_t type = s->family == 4 ? 0x0800 : 0x86dd;
   switch (link) {
   case PACKET_LINK_ETHERNET: pb_eth(&frame, type, 0); break;
   case PACKET_LINK_SLL: pb_sll(&frame, type, 4); break;
   case PACKET_LINK_SLL2: pb_sll2(&frame, type, 0); break;
   case PACKET_LINK_NULL: pb_le32(&frame, s->family == 4 ? 2 : 30); break;
   case PACKET_LINK_LOOP: pb_be32(&frame, s->family == 4 ? 2 : 24); break;
   case PACKET_LINK_PKTAP: pb_pktap(&frame, 1, 4242, "curl", 2); pb_eth(&frame, type, 0); break;
   default: break;
   }
   uint32_t hdr = frame.len;
   pb_ip(&frame, s);
   return hdr;
}

static void check_segment(int link, int family, int proto) {
   PBSeg s = seg(family, proto);
   s.ts = proto == 6;
   s.tsval = 77;
   s.tsecr = 66;
   build(link, &s);
   Packet p;
   memset(&p, 0xee, sizeof(p));
   CHECK(Packet_parse(link, frame.buf, frame.len, frame.len, &p) == PACKET_OK);
   CHECK(p.family == (family == 4 ? AF_INET : AF_INET6));
   CHECK(p.proto == proto);
   CHECK(p.sport == 40000 && p.dport == 443);
   CHECK(p.payload == 100);
   CHECK(memcmp(p.saddr, s.saddr, 16) == 0 && memcmp(p.daddr, s.daddr, 16) == 0);
   if (proto == 6) {
      CHECK(p.seq == 1000 && p.ack == 2000);
      CHECK(p.flags == (PACKET_ACK | PACKET_PSH));
      CHECK(p.hasTimestamp && p.tsval == 77 && p.tsecr == 66);
   }
   /* a snap length cutting the payload: the sizes still come from IP */
   uint32_t headers = frame.len - 100;
   CHECK(Packet_parse(link, frame.buf, headers, frame.len, &p) == PACKET_OK);
   CHECK(p.payload == 100);
   /* cut inside the headers (and on the wire): malformed, never OK */
   s.ts = false;
   build(link, &s);
   headers = frame.len - 100;
   for (uint32_t cap = 0; cap < headers; cap++) {
      PacketResult r = Packet_parse(link, frame.buf, cap, cap, &p);
      if (r != PACKET_MALFORMED)
         fprintf(stderr, "link %d family %d proto %d: %u of %u bytes parsed as %d\n", link, family, proto, cap,
                 headers, r);
      CHECK(r == PACKET_MALFORMED);
   }
}

static void check_directions(void) {
   PBSeg s = seg(4, 6);
   Packet p;
   build(PACKET_LINK_SLL, &s);   /* packet type 4: outgoing */
   CHECK(Packet_parse(PACKET_LINK_SLL, frame.buf, frame.len, frame.len, &p) == PACKET_OK);
   CHECK(p.direction == PACKET_DIR_OUT);
   build(PACKET_LINK_SLL2, &s);  /* packet type 0: to us */
   CHECK(Packet_parse(PACKET_LINK_SLL2, frame.buf, frame.len, frame.len, &p) == PACKET_OK);
   CHECK(p.direction == PACKET_DIR_IN);
   build(PACKET_LINK_ETHERNET, &s);
   CHECK(Packet_parse(PACKET_LINK_ETHERNET, frame.buf, frame.len, frame.len, &p) == PACKET_OK);
   CHECK(p.direction == PACKET_DIR_UNKNOWN && !p.hasProcess);
   build(PACKET_LINK_PKTAP, &s);
   CHECK(Packet_parse(PACKET_LINK_PKTAP, frame.buf, frame.len, frame.len, &p) == PACKET_OK);
   CHECK(p.direction == PACKET_DIR_OUT && p.hasProcess && p.pid == 4242);
   CHECK_STR(p.comm, "curl");
   CHECK(Packet_parse(PACKET_LINK_USER2, frame.buf, frame.len, frame.len, &p) == PACKET_OK);   /* macOS's DLT */
   /* a big-endian writer's DLT_NULL */
   frame.len = 0;
   pb_be32(&frame, 2);
   pb_ip(&frame, &s);
   CHECK(Packet_parse(PACKET_LINK_NULL, frame.buf, frame.len, frame.len, &p) == PACKET_OK);
}

static void check_vlan(void) {
   PBSeg s = seg(6, 17);
   for (int tags = 1; tags <= 2; tags++) {
      frame.len = 0;
      pb_eth(&frame, 0x86dd, tags);
      pb_ip(&frame, &s);
      Packet p;
      CHECK(Packet_parse(PACKET_LINK_ETHERNET, frame.buf, frame.len, frame.len, &p) == PACKET_OK);
      CHECK(p.payload == 100 && p.dport == 443 && p.family == AF_INET6);
   }
}

/* IPv6 hop-by-hop then a first fragment of a UDP datagram; a later fragment. */
static void check_ipv6_ext(void) {
   PBSeg s = seg(6, 17);
   frame.len = 0;
   pb_ip(&frame, &s);
   uint8_t ip[2048];
   memcpy(ip, frame.buf, frame.len);
   uint32_t l4len = frame.len - 40;
   frame.len = 0;
   pb_put(&frame, ip, 40);
   frame.buf[6] = 0;                      /* next: hop-by-hop */
   frame.buf[4] = (uint8_t)((l4len + 16) >> 8);
   frame.buf[5] = (uint8_t)(l4len + 16);
   pb_u8(&frame, 44); pb_u8(&frame, 0); pb_zero(&frame, 6);         /* hop-by-hop → fragment */
   pb_u8(&frame, 17); pb_u8(&frame, 0); pb_be16(&frame, 1); pb_be32(&frame, 9);   /* offset 0, more */
   pb_put(&frame, ip + 40, l4len);
   Packet p;
   CHECK(Packet_parse(PACKET_LINK_RAW, frame.buf, frame.len, frame.len, &p) == PACKET_OK);
   CHECK(p.proto == IPPROTO_UDP && p.payload == 100 && p.sport == 40000);
   frame.buf[40 + 8 + 3] = 0x08 | 1;      /* offset 1 (8 bytes): a later fragment */
   CHECK(Packet_parse(PACKET_LINK_RAW, frame.buf, frame.len, frame.len, &p) == PACKET_OTHER);
}

static void check_others(void) {
   PBSeg s = seg(4, 6);
   Packet p;
   frame.len = 0;
   pb_eth(&frame, 0x0806, 0);   /* ARP */
   pb_zero(&frame, 28);
   CHECK(Packet_parse(PACKET_LINK_ETHERNET, frame.buf, frame.len, frame.len, &p) == PACKET_OTHER);
   build(PACKET_LINK_RAW, &s);
   frame.buf[9] = 1;            /* ICMP */
   CHECK(Packet_parse(PACKET_LINK_RAW, frame.buf, frame.len, frame.len, &p) == PACKET_OTHER);
   build(PACKET_LINK_RAW, &s);
   frame.buf[6] = 0x00, frame.buf[7] = 0x10;   /* a later IPv4 fragment */
   CHECK(Packet_parse(PACKET_LINK_RAW, frame.buf, frame.len, frame.len, &p) == PACKET_OTHER);
   build(PACKET_LINK_RAW, &s);
   frame.buf[0] = 0x55;         /* version 5 */
   CHECK(Packet_parse(PACKET_LINK_RAW, frame.buf, frame.len, frame.len, &p) == PACKET_MALFORMED);
   build(PACKET_LINK_RAW, &s);
   frame.buf[0] = 0x44;         /* IHL 4 */
   CHECK(Packet_parse(PACKET_LINK_IPV4, frame.buf, frame.len, frame.len, &p) == PACKET_MALFORMED);
   build(PACKET_LINK_RAW, &s);
   frame.buf[32] = 0x40;        /* TCP data offset 4 */
   CHECK(Packet_parse(PACKET_LINK_RAW, frame.buf, frame.len, frame.len, &p) == PACKET_MALFORMED);
   build(PACKET_LINK_RAW, &s);
   frame.buf[2] = 0x10;         /* IP length beyond the frame */
   CHECK(Packet_parse(PACKET_LINK_RAW, frame.buf, frame.len, frame.len, &p) == PACKET_MALFORMED);
   build(PACKET_LINK_PKTAP, &s);
   frame.buf[0] = 200;          /* PKTAP length beyond the capture */
   CHECK(Packet_parse(PACKET_LINK_PKTAP, frame.buf, 190, 190, &p) == PACKET_MALFORMED);
   CHECK(!Packet_linkSupported(105));   /* 802.11 */
}

int main(void) {
   static const int links[] = { PACKET_LINK_ETHERNET, PACKET_LINK_SLL, PACKET_LINK_SLL2, PACKET_LINK_RAW,
                                PACKET_LINK_RAW_OLD, PACKET_LINK_NULL, PACKET_LINK_LOOP, PACKET_LINK_PKTAP };
   for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
      for (int family = 4; family <= 6; family += 2) {
         check_segment(links[i], family, 6);
         check_segment(links[i], family, 17);
      }
   }
   PBSeg s4 = seg(4, 6), s6 = seg(6, 6);
   Packet p;
   build(PACKET_LINK_RAW, &s4);
   CHECK(Packet_parse(PACKET_LINK_IPV4, frame.buf, frame.len, frame.len, &p) == PACKET_OK);
   build(PACKET_LINK_RAW, &s6);
   CHECK(Packet_parse(PACKET_LINK_IPV6, frame.buf, frame.len, frame.len, &p) == PACKET_OK);
   check_directions();
   check_vlan();
   check_ipv6_ext();
   check_others();
   return check_done("test_packet");
}
