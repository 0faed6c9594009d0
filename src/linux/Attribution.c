/*
 * linux/Attribution.c: flows to sockets through sock_diag in our own network
 * namespace (the captured interface's), sockets to processes through one
 * /proc scan (ProcOwners).
 */
#include "config.h"
#include "pcap/Attribution.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/XUtils.h"
#include "linux/ProcOwners.h"
#include "linux/SockDiag.h"

/* addr of a query (family) equals a socket's address, which an AF_INET6
 * socket may hold as ::ffff:a.b.c.d; `wild`: the socket's may be unbound. */
static bool Attribution_addrMatch(const OwnerQuery* q, const uint8_t* qa, const DiagSock* d, const uint8_t* da,
                                  bool wild) {
   static const uint8_t zero[16];
   static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
   if (wild && memcmp(da, zero, 16) == 0)
      return true;
   if (d->family == q->family)
      return memcmp(da, qa, q->family == AF_INET ? 4 : 16) == 0;
   return q->family == AF_INET && d->family == AF_INET6 && memcmp(da, mapped, 12) == 0 && memcmp(da + 12, qa, 4) == 0;
}

/* The socket of a query: the exact 4-tuple, or (UDP) a bound, unconnected one. */
static const DiagSock* Attribution_match(const OwnerQuery* q, const DiagList* list) {
   const DiagSock* loose = NULL;
   for (size_t i = 0; i < list->count; i++) {
      const DiagSock* d = &list->items[i];
      if (d->lport != q->lport || !Attribution_addrMatch(q, q->laddr, d, d->laddr, q->proto == IPPROTO_UDP))
         continue;
      if (d->rport == q->rport && Attribution_addrMatch(q, q->raddr, d, d->raddr, false))
         return d;
      if (q->proto == IPPROTO_UDP && d->rport == 0)
         loose = d;
   }
   return loose;
}

void Attribution_find(OwnerQuery* queries, size_t n) {
   SockDiag diag;
   DiagList tcp = { 0 }, udp = { 0 };
   if (n == 0 || SockDiag_initSelf(&diag, NULL) < 0)
      return;   /* rows without a process, as when none is found */
   SockDiag_tcpAll(&diag, &tcp, NULL);
   SockDiag_udpAll(&diag, &udp, NULL);
   SockDiag_done(&diag);
   ProcOwner* owners = xCalloc(n, sizeof(ProcOwner));
   uint32_t* inodes = xCalloc(n, sizeof(uint32_t));
   size_t nOwners = 0;
   for (size_t i = 0; i < n; i++) {
      const DiagSock* d = Attribution_match(&queries[i], queries[i].proto == IPPROTO_TCP ? &tcp : &udp);
      inodes[i] = d ? d->inode : 0;
      if (inodes[i])
         owners[nOwners++].inode = inodes[i];
   }
   ProcOwners_find(owners, nOwners);
   for (size_t i = 0; i < n; i++) {
      ProcOwner key = { .inode = inodes[i] };
      const ProcOwner* o = inodes[i] ? bsearch(&key, owners, nOwners, sizeof(ProcOwner), ProcOwners_cmpInode) : NULL;
      if (o && o->pid) {
         queries[i].found = true;
         queries[i].pid = o->pid;
         queries[i].uid = o->uid;
         memcpy(queries[i].comm, o->comm, sizeof(queries[i].comm));
         queries[i].cgroupId = o->cgroupId;
      }
   }
   free(inodes);
   free(owners);
   DiagList_done(&tcp);
   DiagList_done(&udp);
}

bool Attribution_worksUnprivileged(void) {
   return ProcOwners_readsOthers();
}
