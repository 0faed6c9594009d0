/*
 * pktbuild.h: hand-built frames for the pcap tests (parser, flow tracker,
 * capture files, fuzz seeds): a link header, then IPv4/IPv6, then TCP/UDP,
 * payload bytes zero.
 */
#ifndef TCPTOP_TEST_PKTBUILD_H
#define TCPTOP_TEST_PKTBUILD_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

typedef struct PB_ {
   uint8_t buf[70000];
   uint32_t len;
} PB;

typedef struct PBSeg_ {       /* one TCP segment or UDP datagram */
   int family;                /* 4 or 6 */
   int proto;                 /* 6 or 17 */
   uint8_t saddr[16], daddr[16];
   uint16_t sport, dport;
   uint32_t seq, ack;
   uint8_t flags;
   uint32_t payload;
   bool ts;
   uint32_t tsval, tsecr;
} PBSeg;

static inline void pb_put(PB* b, const void* p, uint32_t n) {
   memcpy(b->buf + b->len, p, n);
   b->len += n;
}

static inline void pb_u8(PB* b, uint8_t v) { b->buf[b->len++] = v; }
static inline void pb_be16(PB* b, uint16_t v) { pb_u8(b, (uint8_t)(v >> 8)); pb_u8(b, (uint8_t)v); }
static inline void pb_be32(PB* b, uint32_t v) { pb_be16(b, (uint16_t)(v >> 16)); pb_be16(b, (uint16_t)v); }
static inline void pb_le32(PB* b, uint32_t v) {
   for (int i = 0; i < 4; i++)
      pb_u8(b, (uint8_t)(v >> (8 * i)));
}
static inline void pb_zero(PB* b, uint32_t n) { memset(b->buf + b->len, 0, n); b->len += n; }

/* Ethernet with `tags` VLAN tags (first 802.1ad, then 802.1Q). */
static inline void pb_eth(PB* b, uint16_t type, int tags) {
   static const uint8_t macs[12] = { 2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2 };
   pb_put(b, macs, 12);
   for (int i = 0; i < tags; i++) {
      pb_be16(b, i == 0 && tags > 1 ? 0x88a8 : 0x8100);
      pb_be16(b, (uint16_t)(100 + i));
   }
   pb_be16(b, type);
}

static inline void pb_sll(PB* b, uint16_t type, uint16_t pkttype) {
   pb_be16(b, pkttype);
   pb_be16(b, 1);
   pb_be16(b, 6);
   pb_zero(b, 8);
   pb_be16(b, type);
}

static inline void pb_sll2(PB* b, uint16_t type, uint8_t pkttype) {
   pb_be16(b, type);
   pb_be16(b, 0);
   pb_be32(b, 2);
   pb_be16(b, 1);
   pb_u8(b, pkttype);
   pb_u8(b, 6);
   pb_zero(b, 8);
}

/* Apple's PKTAP header (156 bytes, little-endian). */
static inline void pb_pktap(PB* b, uint32_t dlt, int32_t pid, const char* comm, uint32_t flags) {
   uint32_t start = b->len;
   pb_zero(b, 156);
   uint8_t* h = b->buf + start;
   uint32_t v[] = { 156, 1, dlt };
   for (int i = 0; i < 3; i++)
      for (int k = 0; k < 4; k++)
         h[4 * i + k] = (uint8_t)(v[i] >> (8 * k));
   memcpy(h + 12, "en0", 3);
   for (int k = 0; k < 4; k++) {
      h[36 + k] = (uint8_t)(flags >> (8 * k));
      h[52 + k] = (uint8_t)((uint32_t)pid >> (8 * k));
   }
   strncpy((char*)h + 56, comm, 16);
}

static inline uint16_t pb_csum(const uint8_t* p, uint32_t n) {
   uint32_t s = 0;
   for (uint32_t i = 0; i + 1 < n; i += 2)
      s += (uint32_t)(p[i] << 8 | p[i + 1]);
   while (s >> 16)
      s = (s & 0xffff) + (s >> 16);
   return (uint16_t)~s;
}

/* The IP header, transport header and zero payload of a segment. */
static inline void pb_ip(PB* b, const PBSeg* s) {
   uint32_t l4 = s->proto == 6 ? (s->ts ? 32u : 20u) : 8u;
   uint32_t ipStart = b->len;
   if (s->family == 4) {
      pb_u8(b, 0x45); pb_u8(b, 0);
      pb_be16(b, (uint16_t)(20 + l4 + s->payload));
      pb_be32(b, 0x00004000);
      pb_u8(b, 64); pb_u8(b, (uint8_t)s->proto);
      pb_be16(b, 0);
      pb_put(b, s->saddr, 4);
      pb_put(b, s->daddr, 4);
      uint16_t c = pb_csum(b->buf + ipStart, 20);
      b->buf[ipStart + 10] = (uint8_t)(c >> 8);
      b->buf[ipStart + 11] = (uint8_t)c;
   } else {
      pb_be32(b, 0x60000000);
      pb_be16(b, (uint16_t)(l4 + s->payload));
      pb_u8(b, (uint8_t)s->proto); pb_u8(b, 64);
      pb_put(b, s->saddr, 16);
      pb_put(b, s->daddr, 16);
   }
   pb_be16(b, s->sport);
   pb_be16(b, s->dport);
   if (s->proto == 6) {
      pb_be32(b, s->seq);
      pb_be32(b, s->ack);
      pb_u8(b, (uint8_t)((l4 / 4) << 4));
      pb_u8(b, s->flags);
      pb_be16(b, 65535);
      pb_be32(b, 0);
      if (s->ts) {
         pb_u8(b, 1); pb_u8(b, 1); pb_u8(b, 8); pb_u8(b, 10);
         pb_be32(b, s->tsval);
         pb_be32(b, s->tsecr);
      }
   } else {
      pb_be16(b, (uint16_t)(8 + s->payload));
      pb_be16(b, 0);
   }
   pb_zero(b, s->payload);
}

/* An address: IPv4 10.0.0.N or IPv6 fd00::N. */
static inline void pb_addr(uint8_t out[16], int family, uint8_t n) {
   memset(out, 0, 16);
   if (family == 4) {
      out[0] = 10;
      out[3] = n;
   } else {
      out[0] = 0xfd;
      out[15] = n;
   }
}

#endif
