/*
 * SockDiag.h: the kernel's socket table through netlink sock_diag (what ss
 * reads), in every network namespace: the connections that existed before
 * tcptop started, with their tcp_info counters and socket inode.
 */
#ifndef TCPTOP_SOCKDIAG_H
#define TCPTOP_SOCKDIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct DiagSock_ {
   uint64_t cookie;
   uint32_t inode;          /* 0: orphaned (no process holds it) */
   uint8_t family;
   uint8_t state;
   uint16_t lport, rport;   /* host order */
   uint8_t laddr[16], raddr[16];
   uint32_t rqueue, wqueue; /* unread / unacknowledged-or-unsent bytes */
   bool hasInfo;
   uint64_t bytesAcked, bytesReceived;
   uint64_t bytesSent, bytesRetrans;   /* payload put on the wire, and again */
   uint32_t notsentBytes;              /* written, not yet sent */
   uint32_t segsIn, segsOut, rttUs, totalRetrans;
   uint32_t netns;                     /* its network namespace's inode */
} DiagSock;

typedef struct DiagList_ {
   DiagSock* items;
   size_t count, cap;
} DiagList;

void DiagList_done(DiagList* this);

/* One sock_diag socket per network namespace that a process or /run/netns
 * holds (our own first), opened once and dumped as often as needed. */
typedef struct SockDiag_ {
   int* fds;
   uint32_t* netns;         /* each socket's network namespace inode */
   int count, cap;
} SockDiag;

/*
 * Each function that can fail returns 0, or -1 with *err ("sock_diag
 * failed: ...", malloc'd) when err is not NULL: a caller that does without
 * the sockets passes NULL.
 */

/* -1 when not even our own namespace can be read. SockDiag_done either way. */
int SockDiag_init(SockDiag* this, char** err);
void SockDiag_done(SockDiag* this);

/* Only our own network namespace (the pcap backend's process lookup). */
int SockDiag_initSelf(SockDiag* this, char** err);

/* Every UDP socket, bound or connected. */
int SockDiag_udpAll(SockDiag* this, DiagList* out, char** err);

/* Every TCP socket except listening and time-wait ones. */
int SockDiag_tcpAll(SockDiag* this, DiagList* out, char** err);
/* The listening TCP sockets. */
int SockDiag_tcpListening(SockDiag* this, DiagList* out, char** err);

#endif
