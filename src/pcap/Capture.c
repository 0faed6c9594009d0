/*
 * Capture.c: libpcap offline and live handles, read-ahead and pacing for
 * replays, the host's addresses for live direction.
 */
#include "config.h"
#include "pcap/Capture.h"

#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <math.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "core/XUtils.h"
#include "pcap/Packet.h"

#define CAPTURE_SNAPLEN 262   /* link + IP + TCP headers with options; lengths come from IP */

double Capture_parseSpeed(const char* text) {
   if (strcmp(text, "max") == 0)
      return 0;
   char* end = NULL;
   errno = 0;
   double v = strtod(text, &end);
   if (errno || end == text || *end || !(v >= 0.01 && v <= 1e6))
      return -1;
   return v;
}

static double Capture_monotonic(void) {
   struct timespec ts;
   clock_gettime(CLOCK_MONOTONIC, &ts);
   return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool LocalAddrs_contains(void* ctx, int family, const uint8_t* addr) {
   const LocalAddrs* this = ctx;
   for (size_t i = 0; i < this->count; i++) {
      if (this->addrs[i][0] == family && memcmp(this->addrs[i] + 1, addr, family == AF_INET ? 4 : 16) == 0)
         return true;
   }
   return false;
}

static void LocalAddrs_load(LocalAddrs* this) {
   struct ifaddrs* list = NULL;
   if (getifaddrs(&list) < 0)
      return;
   for (struct ifaddrs* a = list; a; a = a->ifa_next) {
      if (!a->ifa_addr || (a->ifa_addr->sa_family != AF_INET && a->ifa_addr->sa_family != AF_INET6))
         continue;
      this->addrs = xRealloc(this->addrs, (this->count + 1) * sizeof(*this->addrs));
      uint8_t* e = this->addrs[this->count++];
      memset(e, 0, 17);
      e[0] = (uint8_t)a->ifa_addr->sa_family;
      if (e[0] == AF_INET)
         memcpy(e + 1, &((struct sockaddr_in*)(void*)a->ifa_addr)->sin_addr, 4);
      else
         memcpy(e + 1, &((struct sockaddr_in6*)(void*)a->ifa_addr)->sin6_addr, 16);
   }
   freeifaddrs(list);
}

static Capture* Capture_new(struct pcap* p, const char* source, bool offline) {
   Capture* this = xCalloc(1, sizeof(*this));
   this->pcap = p;
   this->source = xStrdup(source);
   this->offline = offline;
   this->linkType = pcap_datalink(p);
   FlowTracker_init(&this->flows);
   return this;
}

void Capture_free(Capture* this) {
   if (!this)
      return;
   if (this->pcap)
      pcap_close(this->pcap);
   FlowTracker_done(&this->flows);
   free(this->local.addrs);
   free(this->pendingData);
   free(this->problem);
   free(this->source);
   free(this);
}

static void Capture_handle(Capture* this, const uint8_t* data, uint32_t caplen, uint32_t len, double ts) {
   Packet p;
   this->packets++;
   switch (Packet_parse(this->linkType, data, caplen, len, &p)) {
   case PACKET_OK:
      FlowTracker_packet(&this->flows, &p, ts);
      break;
   case PACKET_OTHER:
      this->other++;
      break;
   case PACKET_MALFORMED:
      this->malformed++;
      break;
   }
}

/* Reads the next packet into the read-ahead slot; at the end (or a file cut
 * short, counted as malformed and said once) the replay has ended. */
static void Capture_readAhead(Capture* this) {
   struct pcap_pkthdr* h;
   const u_char* data;
   int rc = pcap_next_ex(this->pcap, &h, &data);
   if (rc != 1) {
      if (rc == PCAP_ERROR) {
         this->malformed++;
         this->problem = xAsprintf("capture %s ends early: %s", this->source, pcap_geterr(this->pcap));
      }
      this->havePending = false;
      this->ended = true;
      return;
   }
   if (h->caplen > this->pendingSize) {
      this->pendingSize = h->caplen;
      this->pendingData = xRealloc(this->pendingData, this->pendingSize);
   }
   if (h->caplen)
      memcpy(this->pendingData, data, h->caplen);
   this->pendingCap = h->caplen;
   this->pendingLen = h->len;
   double ts = (double)h->ts.tv_sec + (double)h->ts.tv_usec / 1e9;   /* nanosecond precision */
   this->pendingTs = ts > this->clock ? ts : this->clock;   /* time never runs backwards */
   this->havePending = true;
}

/* A capture file opened by libpcap, checked and read up to its first packet. */
static Capture* Capture_offline(pcap_t* p, const char* path, double speed, const char* errbuf, char** err) {
   if (!p) {
      *err = xAsprintf("cannot read capture %s: %s; give a pcap or pcapng file (tcpdump -w)", path, errbuf);
      return NULL;
   }
   int link = pcap_datalink(p);
   if (!Packet_linkSupported(link)) {
      const char* name = pcap_datalink_val_to_name(link);
      *err = xAsprintf("cannot read capture %s: link type %s (%d) is not supported; tcptop reads Ethernet, "
                       "Linux cooked (SLL, SLL2), raw IP, loopback and PKTAP captures", path, name ? name : "?", link);
      pcap_close(p);
      return NULL;
   }
   Capture* this = Capture_new(p, path, true);
   this->speed = speed;
   Capture_readAhead(this);
   this->clock = this->firstTs = this->havePending ? this->pendingTs : 0;
   this->realStart = Capture_monotonic();
   return this;
}

FILE* Capture_openFileStream(const char* path, char** err) {
   bool stdinput = strcmp(path, "-") == 0;   /* as libpcap's pcap_open_offline */
   int fd = stdinput ? fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3) : open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
   FILE* f = fd >= 0 ? fdopen(fd, "rb") : NULL;
   if (!f) {
      *err = xAsprintf("cannot read capture %s: %s; give a pcap or pcapng file (tcpdump -w)", path, strerror(errno));
      if (fd >= 0)
         close(fd);
   }
   return f;
}

Capture* Capture_openFile(const char* path, double speed, char** err) {
   FILE* f = Capture_openFileStream(path, err);
   return f ? Capture_openStream(f, path, speed, err) : NULL;
}

Capture* Capture_openStream(FILE* file, const char* name, double speed, char** err) {
   char errbuf[PCAP_ERRBUF_SIZE] = "";
   pcap_t* p = pcap_fopen_offline_with_tstamp_precision(file, PCAP_TSTAMP_PRECISION_NANO, errbuf);
   if (!p)
      fclose(file);
   return Capture_offline(p, name, speed, errbuf, err);
}

/* Sleeps until the real time of capture time ts at the replay speed; false
 * when a signal cut the sleep short. */
static bool Capture_pace(Capture* this, double ts) {
   if (this->speed <= 0)
      return true;
   double wait = this->realStart + (ts - this->firstTs) / this->speed - Capture_monotonic();
   if (wait <= 0)
      return true;
   struct timespec d = { .tv_sec = (time_t)wait, .tv_nsec = (long)((wait - floor(wait)) * 1e9) };
   return nanosleep(&d, NULL) == 0;
}

static int Capture_replay(Capture* this, int timeoutMs) {
   double target = this->clock + timeoutMs / 1000.0;
   while (this->havePending && this->pendingTs <= target) {
      if (!Capture_pace(this, this->pendingTs))
         return 0;
      this->clock = this->pendingTs;
      Capture_handle(this, this->pendingData, this->pendingCap, this->pendingLen, this->pendingTs);
      Capture_readAhead(this);
   }
   if (this->ended)
      return 0;
   if (!Capture_pace(this, target))
      return 0;
   this->clock = target;
   return 0;
}

static void Capture_onPacket(u_char* user, const struct pcap_pkthdr* h, const u_char* data) {
   Capture* this = (Capture*)(void*)user;
   double ts = (double)h->ts.tv_sec + (double)h->ts.tv_usec / 1e6;
   Capture_handle(this, data, h->caplen, h->len, ts);
}

/* Applies the live settings and activates; 0 or a pcap error/warning code. */
static int Capture_activate(pcap_t* p) {
   pcap_set_snaplen(p, CAPTURE_SNAPLEN);
   pcap_set_promisc(p, 0);
   pcap_set_timeout(p, 100);
   pcap_set_buffer_size(p, 8 << 20);
#ifdef __APPLE__
   pcap_set_want_pktap(p, 1);   /* process id and name in every packet */
#endif
   return pcap_activate(p);
}

Capture* Capture_openLive(const char* iface, char** err) {
   char errbuf[PCAP_ERRBUF_SIZE] = "";
   pcap_t* p = pcap_create(iface, errbuf);
   int rc = p ? Capture_activate(p) : PCAP_ERROR;
   if (rc < 0) {
      const char* why = !p ? errbuf : rc == PCAP_ERROR ? pcap_geterr(p) : pcap_statustostr(rc);
      if (p && rc != PCAP_ERROR && *pcap_geterr(p))
         why = pcap_geterr(p);
      *err = xAsprintf("cannot capture on %s: %s", iface, why);
      if (p)
         pcap_close(p);
      return NULL;
   }
   if (pcap_setnonblock(p, 1, errbuf) < 0 || !Packet_linkSupported(pcap_datalink(p))) {
      *err = xAsprintf("cannot capture on %s: %s", iface,
                       Packet_linkSupported(pcap_datalink(p)) ? errbuf : "its link type is not supported");
      pcap_close(p);
      return NULL;
   }
   Capture* this = Capture_new(p, iface, false);
   LocalAddrs_load(&this->local);
   this->flows.isLocal = LocalAddrs_contains;
   this->flows.isLocalCtx = &this->local;
   return this;
}

/* Live packets for up to timeoutMs; 0 or -errno. */
static int Capture_live(Capture* this, int timeoutMs) {
   struct pollfd pfd = { .fd = pcap_get_selectable_fd(this->pcap), .events = POLLIN };
   if (pfd.fd >= 0 && poll(&pfd, 1, timeoutMs) < 0)
      return errno == EINTR ? 0 : -errno;
   for (;;) {
      int n = pcap_dispatch(this->pcap, -1, Capture_onPacket, (u_char*)this);
      if (n == PCAP_ERROR)
         return -EIO;
      if (n <= 0)
         return 0;
   }
}

int Capture_poll(Capture* this, int timeoutMs, char** err) {
   int rc = this->offline ? Capture_replay(this, timeoutMs) : Capture_live(this, timeoutMs);
   if (rc < 0) {
      *err = xAsprintf("reading packets from %s failed: %s", this->source, strerror(-rc));
      return -1;
   }
   return 0;
}

int Capture_fd(const Capture* this) {
   return this->offline ? -1 : pcap_get_selectable_fd(this->pcap);
}

uint64_t Capture_dropped(Capture* this) {
   struct pcap_stat st;
   if (this->offline || pcap_stats(this->pcap, &st) < 0)
      return 0;
   return (uint64_t)st.ps_drop + st.ps_ifdrop;
}
