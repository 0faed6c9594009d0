/*
 * SockDiag.c: NETLINK_SOCK_DIAG dumps (inet_diag_req_v2 with INET_DIAG_INFO),
 * one socket per network namespace, opened after setns() on this thread.
 */
#include "config.h"
#include "linux/SockDiag.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>

#include "core/XUtils.h"

#define SOCKDIAG_SKIP_STATES ((1u << 10) /* LISTEN */ | (1u << 6) /* TIME_WAIT */ | (1u << 12) /* NEW_SYN_RECV */ | \
                              (1u << 3) /* SYN_RECV */)

void DiagList_done(DiagList* this) {
   free(this->items);
   memset(this, 0, sizeof(*this));
}

static DiagSock* DiagList_add(DiagList* this) {
   if (this->count == this->cap) {
      this->cap = this->cap ? this->cap * 2 : 64;
      this->items = xRealloc(this->items, this->cap * sizeof(DiagSock));
   }
   DiagSock* d = &this->items[this->count++];
   memset(d, 0, sizeof(*d));
   return d;
}

static void SockDiag_parse(DiagList* out, const struct nlmsghdr* h) {
   const struct inet_diag_msg* m = NLMSG_DATA(h);
   if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*m)))
      return;
   DiagSock* d = DiagList_add(out);
   d->cookie = (uint64_t)m->id.idiag_cookie[0] | (uint64_t)m->id.idiag_cookie[1] << 32;
   d->inode = m->idiag_inode;
   d->family = m->idiag_family;
   d->state = m->idiag_state;
   d->lport = ntohs(m->id.idiag_sport);
   d->rport = ntohs(m->id.idiag_dport);
   memcpy(d->laddr, m->id.idiag_src, 16);
   memcpy(d->raddr, m->id.idiag_dst, 16);
   d->rqueue = m->idiag_rqueue;
   d->wqueue = m->idiag_wqueue;
   int len = (int)h->nlmsg_len - (int)NLMSG_LENGTH(sizeof(*m));
   for (const struct rtattr* a = (const void*)(m + 1); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
      if (a->rta_type != INET_DIAG_INFO)
         continue;
      struct tcp_info ti;
      memset(&ti, 0, sizeof(ti));
      size_t n = (size_t)RTA_PAYLOAD(a) < sizeof(ti) ? (size_t)RTA_PAYLOAD(a) : sizeof(ti);
      memcpy(&ti, RTA_DATA(a), n);
      d->hasInfo = true;
      d->bytesAcked = ti.tcpi_bytes_acked;
      d->bytesReceived = ti.tcpi_bytes_received;
      d->bytesSent = ti.tcpi_bytes_sent;
      d->bytesRetrans = ti.tcpi_bytes_retrans;
      d->notsentBytes = ti.tcpi_notsent_bytes;
      d->segsIn = ti.tcpi_segs_in;
      d->segsOut = ti.tcpi_segs_out;
      d->rttUs = ti.tcpi_rtt;
      d->totalRetrans = ti.tcpi_total_retrans;
   }
}

static int SockDiag_dump(int fd, int family, int proto, uint32_t states, DiagList* out) {
   struct {
      struct nlmsghdr nlh;
      struct inet_diag_req_v2 r;
   } req = {
      .nlh = { .nlmsg_len = sizeof(req), .nlmsg_type = SOCK_DIAG_BY_FAMILY, .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP },
      .r = { .sdiag_family = (__u8)family, .sdiag_protocol = (__u8)proto,
             .idiag_states = states, .idiag_ext = proto == IPPROTO_TCP ? 1 << (INET_DIAG_INFO - 1) : 0 },
   };
   if (send(fd, &req, sizeof(req), 0) < 0)
      return -errno;
   static char buf[32768] __attribute__((aligned(8)));
   for (;;) {
      ssize_t n = recv(fd, buf, sizeof(buf), 0);
      if (n < 0)
         return errno == EINTR ? 0 : -errno;
      for (struct nlmsghdr* h = (void*)buf; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
         if (h->nlmsg_type == NLMSG_DONE)
            return 0;
         if (h->nlmsg_type == NLMSG_ERROR) {
            const struct nlmsgerr* e = NLMSG_DATA(h);
            return e->error ? e->error : -EIO;
         }
         SockDiag_parse(out, h);
      }
   }
}

/* A sock_diag socket in the network namespace of nsFd (-1: our own). */
static int SockDiag_open(int nsFd, int selfFd) {
   if (nsFd >= 0 && setns(nsFd, CLONE_NEWNET) < 0)
      return -1;
   int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
   if (nsFd >= 0 && setns(selfFd, CLONE_NEWNET) < 0)
      XUtils_fatal(1, "cannot return to tcptop's own network namespace: %s", strerror(errno));
   return fd;
}

typedef struct NsSet_ {
   struct { dev_t dev; ino_t ino; } seen[4096];
   int count;
} NsSet;

static bool NsSet_add(NsSet* s, const struct stat* st) {
   for (int i = 0; i < s->count; i++) {
      if (s->seen[i].dev == st->st_dev && s->seen[i].ino == st->st_ino)
         return false;
   }
   if (s->count == (int)ARRAY_SIZE(s->seen))
      return false;
   s->seen[s->count].dev = st->st_dev;
   s->seen[s->count].ino = st->st_ino;
   s->count++;
   return true;
}

static void SockDiag_addSocket(SockDiag* this, int fd, uint32_t netns) {
   if (this->count == this->cap) {
      this->cap = this->cap ? this->cap * 2 : 8;
      this->fds = xRealloc(this->fds, (size_t)this->cap * sizeof(int));
      this->netns = xRealloc(this->netns, (size_t)this->cap * sizeof(uint32_t));
   }
   this->netns[this->count] = netns;
   this->fds[this->count++] = fd;
}

static void SockDiag_namespace(SockDiag* this, const char* path, NsSet* seen, int selfFd) {
   int nsFd = open(path, O_RDONLY | O_CLOEXEC);
   struct stat st;
   if (nsFd < 0)
      return;
   if (fstat(nsFd, &st) == 0 && NsSet_add(seen, &st)) {
      int fd = SockDiag_open(nsFd, selfFd);
      if (fd >= 0)
         SockDiag_addSocket(this, fd, (uint32_t)st.st_ino);
   }
   close(nsFd);
}

/* -1 with *err (when err is not NULL) for errnum, a positive errno. */
static int SockDiag_fail(int errnum, char** err) {
   if (err)
      *err = xAsprintf("sock_diag failed: %s", strerror(errnum));
   return -1;
}

int SockDiag_init(SockDiag* this, char** err) {
   memset(this, 0, sizeof(*this));
   int selfFd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
   if (selfFd < 0)
      return SockDiag_fail(errno, err);
   NsSet* seen = xCalloc(1, sizeof(NsSet));
   struct stat st = { 0 };
   if (fstat(selfFd, &st) == 0)
      NsSet_add(seen, &st);
   int fd = SockDiag_open(-1, selfFd);
   int rc = fd < 0 ? -errno : 0;
   if (fd >= 0)
      SockDiag_addSocket(this, fd, (uint32_t)st.st_ino);   /* our own namespace first: its errors are reported */
   char path[300];
   const char* dirs[] = { "/proc", "/run/netns" };
   for (size_t k = 0; k < ARRAY_SIZE(dirs) && rc == 0; k++) {
      DIR* d = opendir(dirs[k]);
      for (struct dirent* e; d && (e = readdir(d));) {
         if (e->d_name[0] == '.' || (k == 0 && (e->d_name[0] < '0' || e->d_name[0] > '9')))
            continue;
         snprintf(path, sizeof(path), k == 0 ? "/proc/%s/ns/net" : "/run/netns/%s", e->d_name);
         SockDiag_namespace(this, path, seen, selfFd);
      }
      if (d)
         closedir(d);
   }
   free(seen);
   close(selfFd);
   return rc < 0 ? SockDiag_fail(-rc, err) : 0;
}

void SockDiag_done(SockDiag* this) {
   for (int i = 0; i < this->count; i++)
      close(this->fds[i]);
   free(this->fds);
   free(this->netns);
   memset(this, 0, sizeof(*this));
}

int SockDiag_initSelf(SockDiag* this, char** err) {
   memset(this, 0, sizeof(*this));
   int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
   if (fd < 0)
      return SockDiag_fail(errno, err);
   struct stat st = { 0 };
   stat("/proc/self/ns/net", &st);
   SockDiag_addSocket(this, fd, (uint32_t)st.st_ino);
   return 0;
}

int SockDiag_udpAll(SockDiag* this, DiagList* out, char** err) {
   for (int i = 0; i < this->count; i++) {
      int rc = SockDiag_dump(this->fds[i], AF_INET, IPPROTO_UDP, 0xfff, out);
      if (rc == 0)
         rc = SockDiag_dump(this->fds[i], AF_INET6, IPPROTO_UDP, 0xfff, out);
      if (rc < 0 && i == 0)
         return SockDiag_fail(-rc, err);
   }
   return 0;
}

/* The TCP sockets in these states of every namespace, each with its namespace. */
static int SockDiag_tcp(SockDiag* this, uint32_t states, DiagList* out, char** err) {
   for (int i = 0; i < this->count; i++) {
      size_t first = out->count;
      int rc = SockDiag_dump(this->fds[i], AF_INET, IPPROTO_TCP, states, out);
      if (rc == 0)
         rc = SockDiag_dump(this->fds[i], AF_INET6, IPPROTO_TCP, states, out);
      for (size_t k = first; k < out->count; k++)
         out->items[k].netns = this->netns[i];
      if (rc < 0 && i == 0)
         return SockDiag_fail(-rc, err);   /* other namespaces may go away meanwhile */
   }
   return 0;
}

int SockDiag_tcpAll(SockDiag* this, DiagList* out, char** err) {
   return SockDiag_tcp(this, ~SOCKDIAG_SKIP_STATES & 0xfff, out, err);
}

int SockDiag_tcpListening(SockDiag* this, DiagList* out, char** err) {
   return SockDiag_tcp(this, 1u << 10, out, err);
}
