/*
 * darwin/Attribution.c: on macOS the pcap backend captures with PKTAP
 * (pcap_set_want_pktap), whose header names the process of every packet
 * (pth_pid, pth_comm, parsed in src/pcap/Packet.c), so no socket lookup is
 * needed.
 */
#include "config.h"
#include "pcap/Attribution.h"

void Attribution_find(OwnerQuery* queries, size_t n) {
   (void)queries;
   (void)n;
}

bool Attribution_worksUnprivileged(void) {
   return true;   /* PKTAP puts the process into each packet */
}
