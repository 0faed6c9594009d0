/*
 * Conn.h: one row of the table: a TCP connection or a UDP flow, whatever
 * backend measured it.
 */
#ifndef TCPTOP_CONN_H
#define TCPTOP_CONN_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#define CONN_COMM_LEN 16
#define CONN_METRICS 16     /* probe metrics per row (TCPTOP_MAX_METRICS) */
/* Conn.uid when the process is known but not its user (PKTAP captures). */
#define CONN_UID_UNKNOWN ((uint32_t)-1)

/* TCP states are the kernel's (1..12); the rest are tcptop's. */
typedef enum ConnState_ {
   CONN_ESTABLISHED = 1, CONN_SYN_SENT, CONN_SYN_RECV, CONN_FIN_WAIT1, CONN_FIN_WAIT2,
   CONN_TIME_WAIT, CONN_CLOSE, CONN_CLOSE_WAIT, CONN_LAST_ACK, CONN_LISTEN, CONN_CLOSING,
   CONN_NEW_SYN_RECV,
   CONN_UDP_ACTIVE = 32,   /* traffic in the last interval */
   CONN_UDP_IDLE,          /* none in the last interval */
   CONN_CLOSED,            /* gone; shown for a few seconds, always logged */
} ConnState;

typedef struct ConnKey_ {
   uint64_t cookie;        /* socket cookie (backends without one: a tuple hash) */
   uint64_t start;         /* when the backend started this record: a socket
                            * reused, or a flow seen again after it expired,
                            * is a new row */
   uint8_t raddr[16];      /* UDP flows: the peer; TCP: zero */
   uint16_t rport;
   uint8_t proto;          /* IPPROTO_TCP or IPPROTO_UDP */
   uint8_t family;         /* UDP flows: AF_INET/AF_INET6; TCP: 0 */
   uint32_t pad;
} ConnKey;

typedef struct Conn_ {
   /* its key (ConnKey): a UDP flow's peer is its raddr, rport and family
    * (Conn_key, ConnTable compares them) */
   uint64_t cookie;
   uint64_t start;
   /* read or written for every row at every sample: kept together, so a
    * sample of 20,000 rows touches few cache lines of each. Fields are as
    * narrow as their range allows: 400,000 rows must fit in 61 MB. */
   uint32_t generation;    /* last sample that saw it in the kernel */
   uint8_t proto;          /* IPPROTO_TCP or IPPROTO_UDP; 0: a free row (Conn_live) */
   uint8_t state;          /* ConnState */
   uint8_t lastTcpState;   /* for a CLOSED TCP row: the state it closed from */
   uint8_t family;         /* AF_INET or AF_INET6 (Conn_setAddrs) */
   uint64_t txBytes, rxBytes;
   uint64_t txPackets, rxPackets;
   uint32_t rttUs;
   uint32_t retrans;
   /* per second over the last interval, from the counters before the
    * interval's first change (ConnTable_touch keeps them: most rows do not
    * change, and 24 bytes of every row were those); floats: 7 digits, more
    * than the interval's timing gives */
   float txRate, rxRate;   /* bytes */
   float txPacketRate, rxPacketRate;
   union {
      double lastActive;   /* open: monotonic seconds of the last change */
      double closedAt;     /* CONN_CLOSED: monotonic seconds it closed */
      struct {             /* a group row (isGroup), which is neither */
         uint32_t groupConns;   /* connections folded in */
         uint32_t rttMinUs;     /* the group's lowest RTT (rttUs: its highest) */
      };
   };
   uint32_t pid;           /* 0: not known yet */
   /* set once, or read when the row is printed */
   uint16_t lport;
   uint16_t rport;
   uint32_t uid;
   uint32_t netns;         /* the socket's network namespace inode; 0 unknown */
   /* the addresses (Conn_laddr, Conn_raddr): IPv4 here, IPv6 (32 bytes:
    * local, remote) allocated, as few rows have them */
   union {
      struct {
         uint8_t laddr4[4];
         uint8_t raddr4[4];
      };
      uint8_t* addr6;
   };
   char comm[CONN_COMM_LEN];
   uint32_t startSec;      /* wall clock it started (Conn_startTime): seconds */
   uint8_t startTenths;    /* and tenths */
   bool hasOwner : 1;
   bool seeded : 1;        /* existed before tcptop started */
   bool logged : 1;        /* its closed row was written */
   bool shown : 1;         /* its closed row was printed at least once */
   bool passive : 1;       /* accepted by a server (TCP), so lport is the service */
   bool isGroup : 1;       /* a group row (core/Groups): groupConns, rttMinUs */
   bool changed : 1;       /* its counters changed in the last interval (Monitor_pass) */
   /* probe metrics by slot (Column_addMetric): NULL until a probe records a
    * value that is not 0 (Conn_setMetrics), so rows without pay 8 bytes,
    * not 128 */
   uint64_t* metrics;
   /* attribution (src/linux/Names names them) */
   uint64_t cgroupId;      /* the owner's cgroup v2 id (its directory's inode); 0 unknown */
} Conn;

const char* Conn_stateName(int state);

/* Stores a row's metrics (CONN_METRICS values), allocating them the first
 * time one is not 0. */
void Conn_setMetrics(Conn* c, const uint64_t* values);
/* A copy of a row that owns its own metrics and addresses (Conn_freeCopy). */
void Conn_copy(Conn* to, const Conn* from);
/* Frees what a row owns (metrics, IPv6 addresses); the row stays zeroed of them. */
void Conn_freeCopy(Conn* c);

/* The family and both addresses (16 bytes each; AF_INET: the first 4). */
void Conn_setAddrs(Conn* c, int family, const uint8_t laddr[16], const uint8_t raddr[16]);
/* The start as wall-clock seconds, kept to a tenth. */
void Conn_setStartTime(Conn* c, double wall);

/* Its key, as ConnTable and the maps by row (RateHistory, Metrics) hold it. */
ConnKey Conn_key(const Conn* c);

/* 152 bytes: 400,000 rows are 61 MB. */
_Static_assert(sizeof(Conn) == 152, "Conn grew: 400,000 of them must stay small");

/* An AF_INET6 row's addresses before Conn_setAddrs: all zero. */
extern const uint8_t Conn_noAddr6[32];

/* The addresses: 16 bytes for AF_INET6, else 4. */
static inline const uint8_t* Conn_laddr(const Conn* c) {
   if (c->family == AF_INET6)
      return c->addr6 ? c->addr6 : Conn_noAddr6;
   return c->laddr4;
}
static inline const uint8_t* Conn_raddr(const Conn* c) {
   if (c->family == AF_INET6)
      return (c->addr6 ? c->addr6 : Conn_noAddr6) + 16;
   return c->raddr4;
}

static inline double Conn_startTime(const Conn* c) {
   return c->startSec + c->startTenths / 10.0;
}

/* Connections in a row: a group's count, else 1. */
static inline uint32_t Conn_connections(const Conn* c) {
   return c->isGroup ? c->groupConns : 1;
}

/* The service port: an accepted connection's local port, else the remote one. */
static inline uint16_t Conn_servicePort(const Conn* c) {
   return c->passive ? c->lport : c->rport;
}

#endif
