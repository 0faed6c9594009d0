/*
 * fuzz_pcap.c: the fuzz target of the pcap backend (libFuzzer's entry point;
 * tests/fuzz/driver.c runs it without libFuzzer).
 *
 * Input byte 0 chooses the mode:
 *   even: the rest is a capture file (pcap or pcapng) read through Capture
 *         (libpcap's reader, Packet_parse, the flow tracker, a sync into a
 *         connection table);
 *   odd:  byte 1 picks a link type, then frames follow, each a 2-byte
 *         big-endian length and that many bytes, all parsed and tracked as
 *         one capture (so sequence, state and RTT logic see crafted flows).
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ConnTable.h"
#include "pcap/Capture.h"
#include "pcap/FlowTracker.h"
#include "pcap/Packet.h"

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

static const int fuzz_links[] = {
   PACKET_LINK_NULL, PACKET_LINK_ETHERNET, PACKET_LINK_RAW_OLD, PACKET_LINK_RAW, PACKET_LINK_LOOP, PACKET_LINK_SLL,
   PACKET_LINK_USER2, PACKET_LINK_IPV4, PACKET_LINK_IPV6, PACKET_LINK_PKTAP, PACKET_LINK_SLL2,
};

static void fuzz_file(const uint8_t* data, size_t size) {
   FILE* f = fmemopen((void*)data, size, "rb");
   if (!f)
      return;
   char* err = NULL;
   Capture* c = Capture_openStream(f, "fuzz", 0, &err);
   free(err);
   if (!c)
      return;
   ConnTable table;
   ConnTable_init(&table);
   for (int i = 0; i < 64 && !c->ended; i++) {
      if (Capture_poll(c, 1000000, &err) < 0) {
         free(err);
         break;
      }
      FlowTracker_sync(&c->flows, &table, c->clock, c->clock);
   }
   FlowTracker_sync(&c->flows, &table, c->clock, c->clock);
   ConnTable_done(&table);
   Capture_free(c);
}

static void fuzz_frames(const uint8_t* data, size_t size) {
   if (size < 1)
      return;
   int link = fuzz_links[data[0] % (sizeof(fuzz_links) / sizeof(fuzz_links[0]))];
   FlowTracker t;
   ConnTable table;
   FlowTracker_init(&t);
   ConnTable_init(&table);
   double ts = 1000;
   size_t off = 1;
   while (off + 2 <= size) {
      size_t len = (size_t)data[off] << 8 | data[off + 1];
      off += 2;
      if (len > size - off)
         len = size - off;
      Packet p;
      if (Packet_parse(link, data + off, (uint32_t)len, (uint32_t)len + (data[off - 1] & 7), &p) == PACKET_OK)
         FlowTracker_packet(&t, &p, ts);
      ts += (data[off - 2] & 15) * 0.01;
      off += len;
      if ((data[off - 1] & 31) == 0) {
         FlowTracker_sync(&t, &table, ts, ts);
         Conn** rows;
         size_t n;
         rows = ConnTable_rows(&table, &n);
         for (size_t i = 0; i < n; i++) {
            if (rows[i]->proto == 17 && (rows[i]->rxBytes & 1)) {
               rows[i]->state = CONN_CLOSED;   /* as Monitor expires a flow */
               FlowTracker_forget(&t, rows[i]);
            }
         }
         free(rows);
      }
   }
   FlowTracker_sync(&t, &table, ts + 100, ts + 100);
   FlowTracker_done(&t);
   ConnTable_done(&table);
}

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
   if (size < 1)
      return 0;
   if (data[0] & 1)
      fuzz_frames(data + 1, size - 1);
   else
      fuzz_file(data + 1, size - 1);
   return 0;
}
