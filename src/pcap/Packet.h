/*
 * Packet.h: one captured frame, parsed down to its TCP or UDP header, for
 * every link type tcptop reads (Ethernet with VLAN tags, Linux cooked SLL
 * and SLL2, raw IPv4/IPv6, BSD loopback, Apple PKTAP). Never reads outside
 * the captured bytes.
 */
#ifndef TCPTOP_PACKET_H
#define TCPTOP_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Link types by their pcap file value (LINKTYPE_*); libpcap's DLT_ numbers
 * are the same for all of these except PKTAP on macOS (DLT_USER2, 149). */
enum {
   PACKET_LINK_NULL = 0,        /* BSD loopback: 4-byte AF in the writer's byte order */
   PACKET_LINK_ETHERNET = 1,
   PACKET_LINK_RAW_OLD = 12,    /* DLT_RAW on most systems */
   PACKET_LINK_RAW_BSD = 14,    /* DLT_RAW on OpenBSD */
   PACKET_LINK_RAW = 101,       /* LINKTYPE_RAW */
   PACKET_LINK_LOOP = 108,      /* OpenBSD loopback: 4-byte AF, network order */
   PACKET_LINK_SLL = 113,
   PACKET_LINK_USER2 = 149,     /* Apple's PKTAP before LINKTYPE_PKTAP */
   PACKET_LINK_IPV4 = 228,
   PACKET_LINK_IPV6 = 229,
   PACKET_LINK_PKTAP = 258,
   PACKET_LINK_SLL2 = 276,
};

typedef enum PacketResult_ {
   PACKET_OK,          /* a TCP segment or UDP datagram */
   PACKET_OTHER,       /* well formed, not for the table (ARP, ICMP, a later fragment) */
   PACKET_MALFORMED,   /* truncated or inconsistent headers */
} PacketResult;

/* Who sent it, when the link layer says so. */
typedef enum PacketDirection_ {
   PACKET_DIR_UNKNOWN,
   PACKET_DIR_OUT,     /* sent by this host */
   PACKET_DIR_IN,      /* received by this host */
} PacketDirection;

enum { PACKET_FIN = 0x01, PACKET_SYN = 0x02, PACKET_RST = 0x04, PACKET_PSH = 0x08, PACKET_ACK = 0x10 };

#define PACKET_COMM_LEN 17

typedef struct Packet_ {
   uint8_t family;             /* AF_INET or AF_INET6 */
   uint8_t proto;              /* IPPROTO_TCP or IPPROTO_UDP */
   uint8_t flags;              /* TCP flags */
   uint8_t direction;          /* PacketDirection */
   uint8_t saddr[16], daddr[16];   /* IPv4 in the first 4 bytes, rest zero */
   uint16_t sport, dport;      /* host order */
   uint32_t payload;           /* TCP/UDP payload bytes, from the IP (UDP) lengths */
   uint32_t seq, ack;          /* TCP, host order */
   bool hasTimestamp;          /* TCP timestamp option seen */
   uint32_t tsval, tsecr;
   /* PKTAP */
   bool hasProcess;
   int32_t pid;
   char comm[PACKET_COMM_LEN];
} Packet;

/*
 * Parses a frame of `caplen` captured bytes (`wirelen` on the wire) of a link
 * type. Lengths come from the IP headers, so a short snap length still gives
 * the payload size.
 */
PacketResult Packet_parse(int linkType, const uint8_t* data, uint32_t caplen, uint32_t wirelen, Packet* out);

/* Whether tcptop can read this link type. */
bool Packet_linkSupported(int linkType);

#endif
