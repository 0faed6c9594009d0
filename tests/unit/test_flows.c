/* FlowTracker and Capture: a whole TCP connection (handshake, data both
 * ways, a retransmission, a gap, close), state as the local side has it, RTT
 * legs, tuple reuse, mid-stream direction, UDP flows and their expiry; then
 * capture files written with libpcap (PKTAP, each link type) replayed
 * through Capture, a file cut short and a file that is not a capture. */
#include "config.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>

#include <pcap/pcap.h>

#include "core/ConnTable.h"
#include "check.h"
#include "pcap/Capture.h"
#include "pcap/FlowTracker.h"
#include "pktbuild.h"

static PB frame;

/* Client 10.0.0.1:40000 (side c) and server 10.0.0.2:80. */
static void send_seg(FlowTracker* t, bool fromClient, uint32_t seq, uint32_t ack, uint8_t flags, uint32_t len, double ts) {
   PBSeg s;
   memset(&s, 0, sizeof(s));
   s.family = 4;
   s.proto = 6;
   pb_addr(fromClient ? s.saddr : s.daddr, 4, 1);
   pb_addr(fromClient ? s.daddr : s.saddr, 4, 2);
   s.sport = fromClient ? 40000 : 80;
   s.dport = fromClient ? 80 : 40000;
   s.seq = seq;
   s.ack = ack;
   s.flags = flags;
   s.payload = len;
   frame.len = 0;
   pb_ip(&frame, &s);
   Packet p;
   CHECK(Packet_parse(PACKET_LINK_RAW, frame.buf, frame.len, frame.len, &p) == PACKET_OK);
   FlowTracker_packet(t, &p, ts);
}

static Conn* only_row(ConnTable* table, int proto) {
   Conn* found = NULL;
   int n = 0;
   for (size_t i = 0; i < table->cap; i++) {
      Conn* c = ConnTable_slotRow(table, i);
      if (c && c->proto == proto) {
         found = c;
         n++;
      }
   }
   CHECK(n == 1);
   return found;
}

static int state_after(FlowTracker* t, ConnTable* table) {
   FlowTracker_sync(t, table, 0, 0);
   Conn* c = only_row(table, IPPROTO_TCP);
   return c ? c->state : -1;
}

enum { A = PACKET_ACK, S = PACKET_SYN, F = PACKET_FIN, R = PACKET_RST };

static void check_connection(void) {
   FlowTracker t;
   ConnTable table;
   FlowTracker_init(&t);
   ConnTable_init(&table);
   uint32_t c = 0xfffff000, s = 5000;   /* the client's sequence wraps */
   send_seg(&t, true, c, 0, S, 0, 10.000);
   CHECK(state_after(&t, &table) == CONN_SYN_SENT);
   send_seg(&t, false, s, c + 1, S | A, 0, 10.010);        /* server leg 10 ms */
   send_seg(&t, true, c + 1, s + 1, A, 0, 10.012);         /* client leg 2 ms */
   CHECK(state_after(&t, &table) == CONN_ESTABLISHED);
   Conn* row = only_row(&table, IPPROTO_TCP);
   CHECK(row && row->rttUs == 12000);
   CHECK(row && row->lport == 40000 && row->rport == 80);
   send_seg(&t, true, c + 1, s + 1, A, 1000, 10.100);
   send_seg(&t, true, c + 1001, s + 1, A, 1000, 10.101);
   send_seg(&t, true, c + 1001, s + 1, A, 1000, 10.300);   /* retransmitted */
   send_seg(&t, false, s + 1, c + 2001, A, 500, 10.310);
   send_seg(&t, true, c + 3001, s + 501, A, 700, 10.320);  /* after 1000 bytes the capture missed */
   send_seg(&t, false, s + 501, c + 3701, A, 0, 10.330);
   send_seg(&t, true, c + 3701, s + 501, F | A, 0, 10.400);
   CHECK(state_after(&t, &table) == CONN_FIN_WAIT1);
   send_seg(&t, false, s + 501, c + 3702, A, 0, 10.401);
   CHECK(state_after(&t, &table) == CONN_FIN_WAIT2);
   send_seg(&t, false, s + 501, c + 3702, F | A, 0, 10.500);
   send_seg(&t, true, c + 3702, s + 502, A, 0, 10.501);
   CHECK(state_after(&t, &table) == CONN_CLOSED);
   row = only_row(&table, IPPROTO_TCP);
   CHECK(row && row->txBytes == 3700 && row->rxBytes == 500);
   CHECK(row && row->txPackets == 8 && row->rxPackets == 5);
   CHECK(row && row->retrans == 1);
   CHECK(row && row->lastTcpState == CONN_TIME_WAIT);
   /* a late ACK is absorbed; a new SYN on the same tuple is a new row */
   send_seg(&t, true, c + 3702, s + 502, A, 0, 11.000);
   send_seg(&t, true, 777, 0, S, 0, 12.000);
   FlowTracker_sync(&t, &table, 0, 12.0);
   CHECK(table.count == 2);
   FlowTracker_done(&t);
   ConnTable_done(&table);
}

/* No SYN seen: the higher port is the local (client) side; a RST closes. */
static void check_midstream(void) {
   FlowTracker t;
   ConnTable table;
   FlowTracker_init(&t);
   ConnTable_init(&table);
   send_seg(&t, false, 100, 900, A, 300, 1.0);   /* the server speaks first */
   send_seg(&t, true, 900, 400, A, 50, 1.1);
   FlowTracker_sync(&t, &table, 0, 1.1);
   Conn* row = only_row(&table, IPPROTO_TCP);
   CHECK(row && row->lport == 40000 && row->rxBytes == 300 && row->txBytes == 50);
   CHECK(row && row->state == CONN_ESTABLISHED);
   send_seg(&t, false, 400, 950, R, 0, 1.2);
   CHECK(state_after(&t, &table) == CONN_CLOSED);
   CHECK(row && row->lastTcpState == CONN_ESTABLISHED);
   /* a connection whose end was not captured, then a SYN on its tuple: the
    * old row closes, the SYN starts a new one; a repeated SYN is a retransmit */
   send_seg(&t, true, 5000, 0, S, 0, 2.0);
   send_seg(&t, true, 5001, 7000, A, 10, 2.1);
   send_seg(&t, true, 9000, 0, S, 0, 3.0);
   send_seg(&t, true, 9000, 0, S, 0, 4.0);
   FlowTracker_sync(&t, &table, 0, 4.0);
   CHECK(table.count == 3);
   int closed = 0, synSent = 0;
   for (size_t i = 0; i < table.cap; i++) {
      Conn* c = ConnTable_slotRow(&table, i);
      closed += c && c->state == CONN_CLOSED;
      synSent += c && c->state == CONN_SYN_SENT && c->retrans == 1 && c->txPackets == 2;
   }
   CHECK(closed == 2 && synSent == 1);
   FlowTracker_done(&t);
   ConnTable_done(&table);
}

static void udp_dgram(FlowTracker* t, uint16_t sport, uint16_t dport, uint32_t len, double ts) {
   PBSeg s;
   memset(&s, 0, sizeof(s));
   s.family = 6;
   s.proto = 17;
   pb_addr(s.saddr, 6, sport == 53 ? 2 : 1);
   pb_addr(s.daddr, 6, sport == 53 ? 1 : 2);
   s.sport = sport;
   s.dport = dport;
   s.payload = len;
   frame.len = 0;
   pb_ip(&frame, &s);
   Packet p;
   CHECK(Packet_parse(PACKET_LINK_IPV6, frame.buf, frame.len, frame.len, &p) == PACKET_OK);
   FlowTracker_packet(t, &p, ts);
}

static void check_udp(void) {
   FlowTracker t;
   ConnTable table;
   FlowTracker_init(&t);
   ConnTable_init(&table);
   udp_dgram(&t, 5353, 53, 40, 1.0);
   udp_dgram(&t, 53, 5353, 200, 1.1);
   udp_dgram(&t, 5354, 53, 40, 1.2);
   FlowTracker_sync(&t, &table, 0, 1.2);
   CHECK(table.count == 2);
   Conn** rows;
   size_t n;
   rows = ConnTable_rows(&table, &n);
   for (size_t i = 0; i < n; i++) {
      CHECK(rows[i]->rport == 53 && rows[i]->state == CONN_UDP_ACTIVE);
      if (rows[i]->lport == 5353)
         CHECK(rows[i]->txBytes == 40 && rows[i]->rxBytes == 200 && rows[i]->txPackets == 1 && rows[i]->rxPackets == 1);
   }
   /* expired (Monitor closes the row and forgets the flow): a later datagram is a new row */
   for (size_t i = 0; i < n; i++) {
      if (rows[i]->lport == 5353) {
         rows[i]->state = CONN_CLOSED;
         FlowTracker_forget(&t, rows[i]);
      }
   }
   free(rows);
   udp_dgram(&t, 5353, 53, 10, 40.0);
   FlowTracker_sync(&t, &table, 0, 40.0);
   CHECK(table.count == 3);
   FlowTracker_done(&t);
   ConnTable_done(&table);
}

/* Writes frames of one link type to a capture file with libpcap. */
static void write_capture(const char* path, int dlt, int nFrames, const PB* frames) {
   pcap_t* dead = pcap_open_dead(dlt, 65535);
   pcap_dumper_t* d = pcap_dump_open(dead, path);
   CHECK(d != NULL);
   for (int i = 0; d && i < nFrames; i++) {
      struct pcap_pkthdr h = { .ts = { .tv_sec = 1700000000 + i, .tv_usec = 0 }, .caplen = frames[i].len, .len = frames[i].len };
      pcap_dump((u_char*)d, &h, frames[i].buf);
   }
   if (d)
      pcap_dump_close(d);
   pcap_close(dead);
}

/* Replays a file to its end into table; returns the capture's malformed count. */
static uint64_t replay(const char* path, ConnTable* table) {
   char* err = NULL;
   Capture* c = Capture_openFile(path, 0, &err);
   CHECK(c != NULL);
   if (!c) {
      fprintf(stderr, "%s\n", err);
      free(err);
      return 999;
   }
   for (int i = 0; i < 1000 && !c->ended; i++)
      CHECK(Capture_poll(c, 1000, &err) == 0);
   CHECK(c->ended);
   FlowTracker_sync(&c->flows, table, 0, c->clock);
   uint64_t bad = c->malformed;
   Capture_free(c);
   return bad;
}

static char tmpdir[] = "/tmp/tcptop-test-flows-XXXXXX";

/* A frame of link type `dlt` around a segment (family 4 or 6, proto). */
static void link_frame(PB* b, int dlt, const PBSeg* s) {
   b->len = 0;
   uint16_t type = s->family == 4 ? 0x0800 : 0x86dd;
   switch (dlt) {
   case DLT_EN10MB: pb_eth(b, type, 1); break;
   case DLT_LINUX_SLL: pb_sll(b, type, 0); break;
   case DLT_LINUX_SLL2: pb_sll2(b, type, 0); break;
   case DLT_NULL: pb_le32(b, s->family == 4 ? 2 : 30); break;
   case DLT_LOOP: pb_be32(b, s->family == 4 ? 2 : 24); break;
   case 258: pb_pktap(b, 1, 4242, "sshd", 2); pb_eth(b, type, 0); break;
   default: break;
   }
   pb_ip(b, s);
}

static PBSeg pkt(int family, int proto, uint8_t from, uint16_t sport, uint16_t dport, uint32_t len) {
   PBSeg s;
   memset(&s, 0, sizeof(s));
   s.family = family;
   s.proto = proto;
   pb_addr(s.saddr, family, from);
   pb_addr(s.daddr, family, from == 1 ? 2 : 1);
   s.sport = sport;
   s.dport = dport;
   s.flags = PACKET_ACK;
   s.seq = 1;
   s.payload = len;
   return s;
}

static void check_link_files(void) {
   static const int dlts[] = { DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_RAW, DLT_NULL, DLT_LOOP, 258 };
   static PB frames[3];
   char path[128];
   for (size_t i = 0; i < sizeof(dlts) / sizeof(dlts[0]); i++) {
      PBSeg u = pkt(4, 17, 1, 5000, 53, 33), t6 = pkt(6, 6, 1, 40000, 443, 1200);
      link_frame(&frames[0], dlts[i], &u);
      link_frame(&frames[1], dlts[i], &t6);
      link_frame(&frames[2], dlts[i], &t6);
      frames[2].buf[frames[2].len - 1200 - 20 - 40] = 0x70;   /* IP version 7: malformed */
      snprintf(path, sizeof(path), "%s/link%d.pcap", tmpdir, dlts[i]);
      write_capture(path, dlts[i], 3, frames);
      ConnTable table;
      ConnTable_init(&table);
      uint64_t bad = replay(path, &table);
      if (bad != 1 || table.count != 2)
         fprintf(stderr, "link type %d: %llu malformed, %zu rows\n", dlts[i], (unsigned long long)bad, table.count);
      CHECK(bad == 1);
      CHECK(table.count == 2);
      ConnTable_done(&table);
   }
   snprintf(path, sizeof(path), "%s/v4.pcap", tmpdir);   /* LINKTYPE_IPV4 */
   PBSeg u = pkt(4, 17, 1, 5000, 53, 33);
   link_frame(&frames[0], DLT_RAW, &u);
   write_capture(path, DLT_IPV4, 1, frames);
   ConnTable table;
   ConnTable_init(&table);
   CHECK(replay(path, &table) == 0 && table.count == 1);
   ConnTable_done(&table);
}

/* PKTAP from a Mac: sshd on port 22 answers mid-stream; the header's
 * direction (not the port rule) makes 10.0.0.1:22 the local side, and its
 * pid and name own the row. */
static void check_pktap_file(void) {
   static PB frames[2];
   PBSeg out = pkt(4, 6, 1, 22, 50000, 512), in = pkt(4, 6, 2, 50000, 22, 48);
   frames[0].len = frames[1].len = 0;
   pb_pktap(&frames[0], 1, 4242, "sshd", 2);   /* out */
   pb_eth(&frames[0], 0x0800, 0);
   pb_ip(&frames[0], &out);
   pb_pktap(&frames[1], 1, 4242, "sshd", 1);   /* in */
   pb_eth(&frames[1], 0x0800, 0);
   pb_ip(&frames[1], &in);
   char path[128];
   snprintf(path, sizeof(path), "%s/pktap.pcap", tmpdir);
   write_capture(path, 258, 2, frames);
   ConnTable table;
   ConnTable_init(&table);
   CHECK(replay(path, &table) == 0);
   Conn* row = only_row(&table, IPPROTO_TCP);
   CHECK(row && row->lport == 22 && row->rport == 50000);
   CHECK(row && row->hasOwner && row->pid == 4242 && row->uid == CONN_UID_UNKNOWN);
   CHECK(row && strcmp(row->comm, "sshd") == 0);
   CHECK(row && row->txBytes == 512 && row->rxBytes == 48);
   ConnTable_done(&table);
}

static void check_bad_files(void) {
   static PB frames[2];
   char path[128], cut[160];
   PBSeg u = pkt(4, 17, 1, 5000, 53, 1000);
   link_frame(&frames[0], DLT_RAW, &u);
   link_frame(&frames[1], DLT_RAW, &u);
   snprintf(path, sizeof(path), "%s/whole.pcap", tmpdir);
   write_capture(path, DLT_RAW, 2, frames);
   snprintf(cut, sizeof(cut), "%s/cut.pcap", tmpdir);
   FILE* in = fopen(path, "rb");
   FILE* out = fopen(cut, "wb");
   char buf[4096];
   size_t n = in ? fread(buf, 1, sizeof(buf), in) : 0;
   if (out) {
      fwrite(buf, 1, n - 500, out);   /* the second record cut short */
      fclose(out);
   }
   if (in)
      fclose(in);
   char* err = NULL;
   Capture* c = Capture_openFile(cut, 0, &err);
   CHECK(c != NULL);
   for (int i = 0; c && i < 100 && !c->ended; i++)
      CHECK(Capture_poll(c, 1000, &err) == 0);   /* cut short: said at the end, not an error */
   CHECK(c && c->ended && c->malformed == 1 && c->packets == 1);
   CHECK_CONTAINS(c ? c->problem : NULL, "ends early");
   Capture_free(c);
   snprintf(path, sizeof(path), "%s/text.pcap", tmpdir);
   out = fopen(path, "w");
   if (out) {
      fputs("not a capture\n", out);
      fclose(out);
   }
   CHECK(Capture_openFile(path, 0, &err) == NULL);
   CHECK_CONTAINS(err, "cannot read capture");
   free(err);
   CHECK(Capture_parseSpeed("max") == 0 && Capture_parseSpeed("2.5") == 2.5);
   CHECK(Capture_parseSpeed("0") < 0 && Capture_parseSpeed("fast") < 0 && Capture_parseSpeed("") < 0);
}

int main(void) {
   check_connection();
   check_midstream();
   check_udp();
   if (!mkdtemp(tmpdir)) {
      perror("mkdtemp");
      return 1;
   }
   check_link_files();
   check_pktap_file();
   check_bad_files();
   check_rmtree(tmpdir);
   return check_done("test_flows");
}
