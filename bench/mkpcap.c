/*
 * mkpcap.c: a synthetic capture for bench/replay.sh: PACKETS Ethernet frames
 * of many TCP connections at once (IPv4, timestamps option), each a
 * handshake, data from the client acknowledged by the server, and a FIN
 * exchange; a finished connection is replaced by a new one on the next
 * client port. Frames are captured headers only (caplen 66, len the full
 * frame, as tcpdump -s 96 would), 10 us apart.
 *
 *   mkpcap OUT.pcap [PACKETS [FLOWS [SEGMENTS]]]   default 1000000 10000 40
 *
 * Prints one line: packets, connections, client payload bytes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MSS 1448

typedef struct Flow_ {
   uint32_t client, server;   /* last octets of 10.1.x.y / 10.2.x.y */
   uint16_t cport;
   uint32_t cseq, sseq;
   int step;                  /* 0 SYN, 1 SYN/ACK, 2 ACK, 3.. data/ack pairs, then the FINs */
} Flow;

static void be16(uint8_t* p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void be32(uint8_t* p, uint32_t v) { be16(p, (uint16_t)(v >> 16)); be16(p + 2, (uint16_t)v); }

/* One frame's headers into f (66 bytes); returns the payload length. */
static uint32_t frame(uint8_t* f, const Flow* fl, int fromClient, uint32_t seq, uint32_t ack, uint8_t flags,
                      uint32_t payload, uint32_t tsval) {
   memset(f, 0, 66);
   f[0] = 2, f[6] = 2, f[11] = 1, f[12] = 0x08;
   uint8_t* ip = f + 14;
   ip[0] = 0x45;
   be16(ip + 2, (uint16_t)(20 + 32 + payload));
   ip[6] = 0x40, ip[8] = 64, ip[9] = 6;
   uint8_t c[4] = { 10, 1, (uint8_t)(fl->client >> 8), (uint8_t)fl->client };
   uint8_t s[4] = { 10, 2, (uint8_t)(fl->server >> 8), (uint8_t)fl->server };
   memcpy(ip + 12, fromClient ? c : s, 4);
   memcpy(ip + 16, fromClient ? s : c, 4);
   uint8_t* t = ip + 20;
   be16(t, fromClient ? fl->cport : 443);
   be16(t + 2, fromClient ? 443 : fl->cport);
   be32(t + 4, seq);
   be32(t + 8, ack);
   t[12] = 8 << 4, t[13] = flags;
   be16(t + 14, 65535);
   t[20] = 1, t[21] = 1, t[22] = 8, t[23] = 10;
   be32(t + 24, tsval);
   be32(t + 28, tsval - 1);
   return payload;
}

/* The next packet of a flow; *done when the connection ended with it. */
static uint32_t next_packet(Flow* fl, int segments, uint8_t* f, uint32_t ts, int* done, uint64_t* bytes) {
   int k = fl->step++;
   *done = 0;
   if (k == 0)
      return frame(f, fl, 1, fl->cseq++, 0, 0x02, 0, ts);
   if (k == 1)
      return frame(f, fl, 0, fl->sseq++, fl->cseq, 0x12, 0, ts);
   if (k == 2)
      return frame(f, fl, 1, fl->cseq, fl->sseq, 0x10, 0, ts);
   int d = k - 3;
   if (d < 2 * segments) {
      if (d % 2 == 0) {
         *bytes += MSS;
         fl->cseq += MSS;
         return frame(f, fl, 1, fl->cseq - MSS, fl->sseq, 0x18, MSS, ts);
      }
      return frame(f, fl, 0, fl->sseq, fl->cseq, 0x10, 0, ts);
   }
   d -= 2 * segments;
   if (d == 0)
      return frame(f, fl, 1, fl->cseq++, fl->sseq, 0x11, 0, ts);
   if (d == 1)
      return frame(f, fl, 0, fl->sseq++, fl->cseq, 0x11, 0, ts);
   *done = 1;
   return frame(f, fl, 1, fl->cseq, fl->sseq, 0x10, 0, ts);
}

int main(int argc, char** argv) {
   if (argc < 2) {
      fprintf(stderr, "usage: mkpcap OUT.pcap [PACKETS [FLOWS [SEGMENTS]]]\n");
      return 2;
   }
   long packets = argc > 2 ? atol(argv[2]) : 1000000;
   int nflows = argc > 3 ? atoi(argv[3]) : 10000;
   int segments = argc > 4 ? atoi(argv[4]) : 40;
   FILE* out = fopen(argv[1], "wb");
   if (!out || packets <= 0 || nflows <= 0 || segments < 0) {
      perror(argv[1]);
      return 1;
   }
   uint32_t hdr[6] = { 0xa1b2c3d4, 2 | 4 << 16, 0, 0, 96, 1 };
   fwrite(hdr, 4, 6, out);
   Flow* flows = calloc((size_t)nflows, sizeof(Flow));
   uint32_t nextPort = 0;
   for (int i = 0; i < nflows; i++, nextPort++)
      flows[i] = (Flow){ .client = (uint32_t)i % 60000, .server = (uint32_t)i % 251, .cport = (uint16_t)(1024 + nextPort % 64000),
                         .cseq = (uint32_t)i * 2654435761u, .sseq = (uint32_t)i * 40503u };
   uint64_t bytes = 0, usec = 0;
   long conns = nflows;
   uint8_t f[66];
   for (long n = 0; n < packets; n++, usec += 10) {
      Flow* fl = &flows[n % nflows];
      int done;
      uint32_t payload = next_packet(fl, segments, f, (uint32_t)(usec / 1000), &done, &bytes);
      uint32_t rec[4] = { 1700000000u + (uint32_t)(usec / 1000000), (uint32_t)(usec % 1000000), 66, 66 + payload };
      fwrite(rec, 4, 4, out);
      fwrite(f, 1, 66, out);
      if (done) {   /* a new connection from the next client port */
         nextPort++;
         *fl = (Flow){ .client = fl->client, .server = fl->server, .cport = (uint16_t)(1024 + nextPort % 64000),
                       .cseq = fl->cseq * 69069u + 1, .sseq = fl->sseq * 69069u + 7 };
         conns++;
      }
   }
   if (fclose(out) != 0) {
      perror(argv[1]);
      return 1;
   }
   printf("%ld packets, %ld connections, %llu client payload bytes\n", packets, conns, (unsigned long long)bytes);
   free(flows);
   return 0;
}
