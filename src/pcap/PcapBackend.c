/*
 * PcapBackend.c: sampling the flow tracker into the table.
 */
#include "config.h"
#include "pcap/PcapBackend.h"

#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "XUtils.h"
#include "pcap/Attribution.h"

#define PCAPBACKEND_OWNER_TRIES 2
#define PCAPBACKEND_OWNER_BATCH 4096

/* Live flows without a process yet: each is looked up twice at most. */
static void PcapBackend_owners(Capture* capture) {
   FlowTracker* t = &capture->flows;
   Flow** flows = xMalloc(PCAPBACKEND_OWNER_BATCH * sizeof(Flow*));
   OwnerQuery* q = xCalloc(PCAPBACKEND_OWNER_BATCH, sizeof(OwnerQuery));
   size_t n = 0;
   for (size_t i = 0; i < t->cap && n < PCAPBACKEND_OWNER_BATCH; i++) {
      Flow* f = t->slots[i];
      if (!f || f->hasOwner || f->closed || f->ownerTries >= PCAPBACKEND_OWNER_TRIES)
         continue;
      f->ownerTries++;
      flows[n] = f;
      q[n].family = f->tuple.family;
      q[n].proto = f->tuple.proto;
      Flow_endpoints(f, q[n].laddr, &q[n].lport, q[n].raddr, &q[n].rport);
      n++;
   }
   Attribution_find(q, n);
   for (size_t i = 0; i < n; i++) {
      if (!q[i].found)
         continue;
      flows[i]->hasOwner = true;
      flows[i]->pid = q[i].pid;
      flows[i]->uid = q[i].uid;
      memcpy(flows[i]->comm, q[i].comm, sizeof(flows[i]->comm));
   }
   free(q);
   free(flows);
}

void PcapBackend_sample(Capture* capture, ConnTable* table, double monoNow, double wallNow) {
   if (!capture->offline)
      PcapBackend_owners(capture);
   FlowTracker_sync(&capture->flows, table, monoNow, capture->offline ? capture->clock : wallNow);
}

const char* PcapBackend_version(void) {
   return pcap_lib_version();
}
