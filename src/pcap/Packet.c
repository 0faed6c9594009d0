/*
 * Packet.c: link layer → IPv4/IPv6 (extension headers, fragments) →
 * TCP/UDP. Every read is checked against the captured length.
 */
#include "config.h"
#include "pcap/Packet.h"

#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#define PACKET_ETH_IPV4 0x0800
#define PACKET_ETH_IPV6 0x86dd
#define PACKET_PKTAP_MIN 108   /* up to pth_ipproto: what we read */

/* The bytes still to parse, and where the IP packet ends on the wire. */
typedef struct Cursor_ {
   const uint8_t* p;
   uint32_t cap;          /* captured bytes from p */
   uint32_t wire;         /* bytes on the wire from p */
} Cursor;

static uint16_t Packet_be16(const uint8_t* p) {
   return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t Packet_be32(const uint8_t* p) {
   return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t Packet_le32(const uint8_t* p) {
   return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static bool Cursor_skip(Cursor* c, uint32_t n) {
   if (c->cap < n || c->wire < n)
      return false;
   c->p += n;
   c->cap -= n;
   c->wire -= n;
   return true;
}

bool Packet_linkSupported(int linkType) {
   switch (linkType) {
   case PACKET_LINK_NULL: case PACKET_LINK_ETHERNET: case PACKET_LINK_RAW_OLD: case PACKET_LINK_RAW_BSD:
   case PACKET_LINK_RAW: case PACKET_LINK_LOOP: case PACKET_LINK_SLL: case PACKET_LINK_USER2:
   case PACKET_LINK_IPV4: case PACKET_LINK_IPV6: case PACKET_LINK_PKTAP: case PACKET_LINK_SLL2:
      return true;
   default:
      return false;
   }
}

/* The TCP timestamp option (kind 8), if the captured options hold it. */
static void Packet_tcpOptions(const uint8_t* o, uint32_t len, Packet* out) {
   for (uint32_t i = 0; i < len;) {
      uint8_t kind = o[i];
      if (kind == 0)
         return;
      if (kind == 1) {
         i++;
         continue;
      }
      if (i + 1 >= len || o[i + 1] < 2 || i + o[i + 1] > len)
         return;
      if (kind == 8 && o[i + 1] == 10) {
         out->hasTimestamp = true;
         out->tsval = Packet_be32(o + i + 2);
         out->tsecr = Packet_be32(o + i + 6);
         return;
      }
      i += o[i + 1];
   }
}

/* c at the TCP header; ipPayload: the IP payload length. */
static PacketResult Packet_tcp(Cursor* c, uint32_t ipPayload, Packet* out) {
   if (c->cap < 20 || ipPayload < 20)
      return PACKET_MALFORMED;
   uint32_t hlen = (uint32_t)(c->p[12] >> 4) * 4;
   if (hlen < 20 || hlen > ipPayload)
      return PACKET_MALFORMED;
   out->proto = IPPROTO_TCP;
   out->sport = Packet_be16(c->p);
   out->dport = Packet_be16(c->p + 2);
   out->seq = Packet_be32(c->p + 4);
   out->ack = Packet_be32(c->p + 8);
   out->flags = c->p[13] & 0x1f;
   out->payload = ipPayload - hlen;
   uint32_t optCap = c->cap < hlen ? c->cap - 20 : hlen - 20;
   Packet_tcpOptions(c->p + 20, optCap, out);
   return PACKET_OK;
}

/* c at the UDP header. `first fragment`: the datagram goes on in later
 * fragments, so its size is the UDP length field. */
static PacketResult Packet_udp(Cursor* c, uint32_t ipPayload, bool firstFragment, Packet* out) {
   if (c->cap < 8 || ipPayload < 8)
      return PACKET_MALFORMED;
   uint32_t ulen = Packet_be16(c->p + 4);
   if (ulen < 8 || (!firstFragment && ulen > ipPayload && ulen != 0))
      return PACKET_MALFORMED;
   out->proto = IPPROTO_UDP;
   out->sport = Packet_be16(c->p);
   out->dport = Packet_be16(c->p + 2);
   out->payload = (firstFragment ? ulen : ipPayload) - 8;
   return PACKET_OK;
}

static PacketResult Packet_transport(Cursor* c, uint8_t proto, uint32_t ipPayload, bool firstFragment, Packet* out) {
   if (proto == IPPROTO_TCP)
      return firstFragment ? PACKET_OTHER : Packet_tcp(c, ipPayload, out);
   if (proto == IPPROTO_UDP)
      return Packet_udp(c, ipPayload, firstFragment, out);
   return PACKET_OTHER;
}

/* The IP packet's length when the header says 0 (TSO / BIG TCP captures). */
static uint32_t Packet_ipLength(uint32_t field, const Cursor* c) {
   return field ? field : c->wire;
}

static PacketResult Packet_ipv4(Cursor* c, Packet* out) {
   if (c->cap < 20 || (c->p[0] >> 4) != 4)
      return PACKET_MALFORMED;
   uint32_t hlen = (uint32_t)(c->p[0] & 0xf) * 4;
   uint32_t total = Packet_ipLength(Packet_be16(c->p + 2), c);
   if (hlen < 20 || total < hlen || total > c->wire || c->cap < hlen)
      return PACKET_MALFORMED;
   uint16_t frag = Packet_be16(c->p + 6);
   if (frag & 0x1fff)
      return PACKET_OTHER;   /* a later fragment: no transport header */
   out->family = AF_INET;
   memset(out->saddr, 0, sizeof(out->saddr));
   memset(out->daddr, 0, sizeof(out->daddr));
   memcpy(out->saddr, c->p + 12, 4);
   memcpy(out->daddr, c->p + 16, 4);
   uint8_t proto = c->p[9];
   Cursor_skip(c, hlen);
   return Packet_transport(c, proto, total - hlen, (frag & 0x2000) != 0, out);
}

/* Walks IPv6 extension headers to the transport header; *firstFragment set
 * for a fragment at offset 0 with more to come. */
static PacketResult Packet_ipv6Ext(Cursor* c, uint8_t* next, uint32_t* left, bool* firstFragment) {
   for (int n = 0; n < 16; n++) {
      switch (*next) {
      case 0: case 43: case 60: case 51: {   /* hop-by-hop, routing, destination, AH */
         if (c->cap < 8 || *left < 8)
            return PACKET_MALFORMED;
         uint32_t len = *next == 51 ? ((uint32_t)c->p[1] + 2) * 4 : ((uint32_t)c->p[1] + 1) * 8;
         if (len > *left)
            return PACKET_MALFORMED;
         *next = c->p[0];
         if (!Cursor_skip(c, len))
            return PACKET_MALFORMED;
         *left -= len;
         break;
      }
      case 44: {   /* fragment */
         if (c->cap < 8 || *left < 8)
            return PACKET_MALFORMED;
         uint16_t off = Packet_be16(c->p + 2);
         if (off & 0xfff8)
            return PACKET_OTHER;
         *firstFragment = off & 1;
         *next = c->p[0];
         Cursor_skip(c, 8);
         *left -= 8;
         break;
      }
      default:
         return PACKET_OK;
      }
   }
   return PACKET_OTHER;
}

static PacketResult Packet_ipv6(Cursor* c, Packet* out) {
   if (c->cap < 40 || (c->p[0] >> 4) != 6)
      return PACKET_MALFORMED;
   uint32_t plen = Packet_be16(c->p + 4);
   if (plen == 0 && c->wire >= 40)
      plen = c->wire - 40;   /* jumbogram or a TSO capture */
   if (40 + plen > c->wire)
      return PACKET_MALFORMED;
   out->family = AF_INET6;
   memcpy(out->saddr, c->p + 8, 16);
   memcpy(out->daddr, c->p + 24, 16);
   uint8_t next = c->p[6];
   Cursor_skip(c, 40);
   bool firstFragment = false;
   PacketResult r = Packet_ipv6Ext(c, &next, &plen, &firstFragment);
   if (r != PACKET_OK)
      return r;
   return Packet_transport(c, next, plen, firstFragment, out);
}

/* An IP packet of either version (raw captures). */
static PacketResult Packet_ip(Cursor* c, Packet* out) {
   if (c->cap < 1)
      return PACKET_MALFORMED;
   uint8_t v = c->p[0] >> 4;
   return v == 4 ? Packet_ipv4(c, out) : v == 6 ? Packet_ipv6(c, out) : PACKET_MALFORMED;
}

static PacketResult Packet_byEtherType(Cursor* c, uint16_t type, Packet* out) {
   if (type == PACKET_ETH_IPV4)
      return Packet_ipv4(c, out);
   if (type == PACKET_ETH_IPV6)
      return Packet_ipv6(c, out);
   return PACKET_OTHER;
}

static PacketResult Packet_ethernet(Cursor* c, Packet* out) {
   if (!Cursor_skip(c, 12) || c->cap < 2)
      return PACKET_MALFORMED;
   uint16_t type = Packet_be16(c->p);
   for (int tags = 0; type == 0x8100 || type == 0x88a8 || type == 0x9100; tags++) {
      if (tags == 8 || !Cursor_skip(c, 4) || c->cap < 2)
         return PACKET_MALFORMED;
      type = Packet_be16(c->p);
   }
   Cursor_skip(c, 2);
   return Packet_byEtherType(c, type, out);
}

/* Linux cooked headers: packet type 4 is "sent by us", 0 "to us". */
static void Packet_sllDirection(uint16_t pkttype, Packet* out) {
   out->direction = pkttype == 4 ? PACKET_DIR_OUT : pkttype == 0 ? PACKET_DIR_IN : PACKET_DIR_UNKNOWN;
}

static PacketResult Packet_sll(Cursor* c, Packet* out) {
   if (c->cap < 16)
      return PACKET_MALFORMED;
   Packet_sllDirection(Packet_be16(c->p), out);
   uint16_t type = Packet_be16(c->p + 14);
   Cursor_skip(c, 16);
   return Packet_byEtherType(c, type, out);
}

static PacketResult Packet_sll2(Cursor* c, Packet* out) {
   if (c->cap < 20)
      return PACKET_MALFORMED;
   Packet_sllDirection(c->p[10], out);
   uint16_t type = Packet_be16(c->p);
   Cursor_skip(c, 20);
   return Packet_byEtherType(c, type, out);
}

/* BSD loopback: the address family, 2 for IPv4 everywhere; IPv6 is 10
 * (Linux), 24 (NetBSD, OpenBSD), 28 (FreeBSD), 30 (macOS). */
static PacketResult Packet_null(Cursor* c, bool networkOrder, Packet* out) {
   if (c->cap < 4)
      return PACKET_MALFORMED;
   uint32_t af = networkOrder ? Packet_be32(c->p) : Packet_le32(c->p);
   if (!networkOrder && af > 0xffff)
      af = Packet_be32(c->p);   /* written by a big-endian host */
   Cursor_skip(c, 4);
   if (af == 2)
      return Packet_ipv4(c, out);
   if (af == 10 || af == 24 || af == 28 || af == 30)
      return Packet_ipv6(c, out);
   return PACKET_OTHER;
}

PacketResult Packet_parse(int linkType, const uint8_t* data, uint32_t caplen, uint32_t wirelen, Packet* out);

/*
 * Apple's PKTAP header (host byte order of the capturing Mac, little-endian
 * on every Mac since 2006): pth_length at 0, pth_dlt at 8, pth_flags at 36
 * (1: in, 2: out), pth_pid at 52, pth_comm[17] at 56, then the frame of
 * link type pth_dlt.
 */
static PacketResult Packet_pktap(Cursor* c, Packet* out) {
   if (c->cap < PACKET_PKTAP_MIN)
      return PACKET_MALFORMED;
   uint32_t hlen = Packet_le32(c->p);
   uint32_t dlt = Packet_le32(c->p + 8);
   uint32_t flags = Packet_le32(c->p + 36);
   if (hlen < PACKET_PKTAP_MIN || hlen > c->cap)
      return PACKET_MALFORMED;
   out->pid = (int32_t)Packet_le32(c->p + 52);
   memcpy(out->comm, c->p + 56, PACKET_COMM_LEN);
   out->comm[PACKET_COMM_LEN - 1] = '\0';
   out->hasProcess = out->pid > 0;
   out->direction = flags & 1 ? PACKET_DIR_IN : flags & 2 ? PACKET_DIR_OUT : PACKET_DIR_UNKNOWN;
   uint8_t direction = out->direction;
   bool hasProcess = out->hasProcess;
   if (dlt == PACKET_LINK_PKTAP || dlt == PACKET_LINK_USER2)
      return PACKET_MALFORMED;   /* no nesting */
   Cursor_skip(c, hlen);
   PacketResult r = Packet_parse((int)dlt, c->p, c->cap, c->wire, out);
   out->direction = direction;
   out->hasProcess = hasProcess;
   return r;
}

PacketResult Packet_parse(int linkType, const uint8_t* data, uint32_t caplen, uint32_t wirelen, Packet* out) {
   Cursor c = { .p = data, .cap = caplen, .wire = wirelen < caplen ? caplen : wirelen };
   if (linkType != PACKET_LINK_PKTAP && linkType != PACKET_LINK_USER2) {
      out->direction = PACKET_DIR_UNKNOWN;
      out->hasProcess = false;
   }
   out->hasTimestamp = false;
   out->flags = 0;
   out->seq = out->ack = 0;
   switch (linkType) {
   case PACKET_LINK_ETHERNET: return Packet_ethernet(&c, out);
   case PACKET_LINK_SLL: return Packet_sll(&c, out);
   case PACKET_LINK_SLL2: return Packet_sll2(&c, out);
   case PACKET_LINK_RAW_OLD: case PACKET_LINK_RAW_BSD: case PACKET_LINK_RAW: return Packet_ip(&c, out);
   case PACKET_LINK_IPV4: return Packet_ipv4(&c, out);
   case PACKET_LINK_IPV6: return Packet_ipv6(&c, out);
   case PACKET_LINK_NULL: return Packet_null(&c, false, out);
   case PACKET_LINK_LOOP: return Packet_null(&c, true, out);
   case PACKET_LINK_PKTAP: case PACKET_LINK_USER2: return Packet_pktap(&c, out);
   default: return PACKET_OTHER;
   }
}
