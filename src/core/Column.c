/*
 * Column.c: the column table and its formatters.
 */
#include "config.h"
#include "core/Column.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "core/ConnTable.h"
#include "core/Format.h"
#include "core/Names.h"
#include "core/RadixSort.h"
#include "core/XUtils.h"

#define CMP(a, b) ((a) < (b) ? -1 : (a) > (b))

static int Column_addr(const Conn* c, const uint8_t* a, char* out, size_t size) {
   if (c->family != AF_INET6 && size >= 16)
      return Format_ipv4(out, a);
   if (!inet_ntop(c->family == AF_INET6 ? AF_INET6 : AF_INET, a, out, (socklen_t)size))
      return snprintf(out, size, "?");
   return (int)strlen(out);
}

/* A constant string into a cell (cells are OUTPUT_CELL, 64 bytes). */
static int Column_copy(const char* s, char* out, size_t size) {
   size_t l = strlen(s);
   if (l >= size)
      l = size - 1;
   memcpy(out, s, l);
   out[l] = '\0';
   return (int)l;
}

static int Column_cmpAddr(const Conn* a, const Conn* b, const uint8_t* x, const uint8_t* y) {
   if (a->family != b->family)
      return CMP(a->family, b->family);
   return memcmp(x, y, a->family == AF_INET6 ? 16 : 4);
}

/* tmp (len bytes) into out, cut to size as snprintf would. */
static void Column_put(const char* tmp, int len, char* out, size_t size) {
   size_t n = (size_t)len < size ? (size_t)len : size - 1;
   memcpy(out, tmp, n);
   out[n] = '\0';
}

/* As snprintf's "%.0f", or "%.1f%c" below 10 of a unit and "%.0f%c" above
 * (Format_fixed is printf's rounding, without printf: the text output
 * formats every rate twice a row). */
void Column_humanBytes(double v, char* out, size_t size) {
   static const char units[] = "KMGTP";
   int u = -1;
   while (v >= 1024 && u < 4) {
      v /= 1024;
      u++;
   }
   char tmp[40];
   int n = Format_fixed(tmp, v, u >= 0 && v < 10 ? 1 : 0);
   n = n < 30 ? n : 30;   /* printf's digits of a float beyond 5e30: cut, as they would be */
   if (u >= 0) {
      tmp[n++] = units[u];
      tmp[n] = '\0';
   }
   Column_put(tmp, n, out, size);
}

/* --- the columns that are not one Conn field --- */

static int raw_time(const Column* col, const Conn* c, const RowContext* x, char* o, size_t n) {
   (void)col;
   (void)c;
   if (x->wallText)
      return Column_copy(x->wallText, o, n);
   return snprintf(o, n, "%.3f", x->wallNow);
}
static void human_time(const Column* col, const Conn* c, const RowContext* x, char* o, size_t n) {
   (void)col;
   (void)c;
   time_t t = (time_t)x->wallNow;
   struct tm tm;
   strftime(o, n, "%H:%M:%S", localtime_r(&t, &tm));
}
static int raw_proto(const Column* col, const Conn* c, const RowContext* x, char* o, size_t n) {
   (void)col;
   (void)x;
   return Column_copy(c->proto == IPPROTO_UDP ? "udp" : "tcp", o, n);
}
static int raw_laddr(const Column* col, const Conn* c, const RowContext* x, char* o, size_t n) {
   (void)col;
   (void)x;
   return Column_addr(c, Conn_laddr(c), o, n);
}
static int raw_raddr(const Column* col, const Conn* c, const RowContext* x, char* o, size_t n) {
   (void)col;
   (void)x;
   return Column_addr(c, Conn_raddr(c), o, n);
}
static int raw_comm(const Column* col, const Conn* c, const RowContext* x, char* o, size_t n) {
   (void)col;
   (void)x;
   return Column_copy(c->comm, o, n);
}

/* uid -> name, remembered: getpwuid may go to NSS (LDAP, ...). */
static const char* Column_userName(uint32_t uid) {
   static struct { uint32_t uid; char name[33]; } cache[64];
   static int used;
   for (int i = 0; i < used; i++) {
      if (cache[i].uid == uid)
         return cache[i].name;
   }
   int slot = used < (int)ARRAY_SIZE(cache) ? used++ : (int)(uid % ARRAY_SIZE(cache));
   struct passwd* pw = getpwuid(uid);
   cache[slot].uid = uid;
   if (pw)
      snprintf(cache[slot].name, sizeof(cache[slot].name), "%s", pw->pw_name);
   else
      snprintf(cache[slot].name, sizeof(cache[slot].name), "%u", uid);
   return cache[slot].name;
}

static int raw_user(const Column* col, const Conn* c, const RowContext* x, char* o, size_t n) {
   (void)col;
   (void)x;
   if (c->uid == CONN_UID_UNKNOWN) {
      o[0] = '\0';
      return -1;   /* the process is known, not its user (PKTAP) */
   }
   return Column_copy(Column_userName(c->uid), o, n);
}
static int raw_state(const Column* col, const Conn* c, const RowContext* x, char* o, size_t n) {
   (void)col;
   (void)x;
   return Column_copy(Conn_stateName(c->state), o, n);
}
static double key_rate(const Column* col, const Conn* c) {
   (void)col;
   return (double)c->txRate + c->rxRate;
}
static int raw_rate(const Column* col, const Conn* c, const RowContext* x, char* o, size_t n) {
   (void)x;
   (void)n;
   return Format_fixed(o, key_rate(col, c), 0);
}
static double key_age(const Column* col, const Conn* c) {
   (void)col;
   return -Conn_startTime(c);   /* the oldest first */
}
static int raw_age(const Column* col, const Conn* c, const RowContext* x, char* o, size_t n) {
   (void)col;
   (void)n;
   double age = x->wallNow - Conn_startTime(c);
   return Format_fixed(o, age > 0 ? age : 0.0, 1);
}
/* M:SS below an hour, else HhMM. */
static void human_age(const Column* col, const Conn* c, const RowContext* x, char* o, size_t n) {
   (void)col;
   long s = (long)(x->wallNow - Conn_startTime(c));
   if (s < 0)
      s = 0;
   char tmp[32];
   int len = Format_u64(tmp, (uint64_t)(s < 3600 ? s / 60 : s / 3600));
   long two = s < 3600 ? s % 60 : (s / 60) % 60;
   tmp[len++] = s < 3600 ? ':' : 'h';
   tmp[len++] = (char)('0' + two / 10);
   tmp[len++] = (char)('0' + two % 10);
   Column_put(tmp, len, o, n);
}
static double key_time(const Column* col, const Conn* c) {
   (void)col;
   (void)c;
   return 0;   /* one time per interval */
}
static double key_proto(const Column* col, const Conn* c) {
   (void)col;
   return c->proto;
}

/* The cgroup's short name, or its id while its path is unknown. */
static int raw_cgroup(const Column* col, const Conn* c, const RowContext* x, char* o, size_t n) {
   (void)col;
   (void)x;
   if (!c->cgroupId) {
      o[0] = '\0';
      return -1;
   }
   const char* name = Names_cgroupName(c->cgroupId);
   return name ? Column_copy(name, o, n) : snprintf(o, n, "%" PRIu64, c->cgroupId);
}
static int raw_cgroupPath(const Column* col, const Conn* c, const RowContext* x, char* o, size_t n) {
   (void)col;
   (void)x;
   if (!c->cgroupId) {
      o[0] = '\0';
      return -1;
   }
   const char* path = Names_cgroupPath(c->cgroupId);
   return path ? Column_copy(path, o, n) : snprintf(o, n, "%" PRIu64, c->cgroupId);
}
/* "4026531840", or "4026532287:blue" when /run/netns names it. */
static int raw_netns(const Column* col, const Conn* c, const RowContext* x, char* o, size_t n) {
   (void)col;
   (void)x;
   if (!c->netns) {
      o[0] = '\0';
      return -1;
   }
   const char* name = Names_netns(c->netns);
   return name ? snprintf(o, n, "%u:%s", c->netns, name) : snprintf(o, n, "%u", c->netns);
}
static double key_netns(const Column* col, const Conn* c) {
   (void)col;
   return c->netns;
}
static double key_port(const Column* col, const Conn* c) {
   (void)col;
   return Conn_servicePort(c);
}
static int raw_port(const Column* col, const Conn* c, const RowContext* x, char* o, size_t n) {
   (void)x;
   (void)n;
   return Format_u64(o, (uint64_t)key_port(col, c));
}
static double key_connections(const Column* col, const Conn* c) {
   (void)col;
   return Conn_connections(c);
}
static int raw_connections(const Column* col, const Conn* c, const RowContext* x, char* o, size_t n) {
   (void)x;
   (void)n;
   return Format_u64(o, (uint64_t)key_connections(col, c));
}
static double key_rttMin(const Column* col, const Conn* c) {
   (void)col;
   return c->isGroup ? c->rttMinUs : c->rttUs;
}
static int raw_rttMin(const Column* col, const Conn* c, const RowContext* x, char* o, size_t n) {
   (void)x;
   (void)n;
   return Format_u64(o, (uint64_t)key_rttMin(col, c));
}

/* --- memo keys: what a cell that is one value's depends on (Column.memoKey) --- */

static uint64_t memo_time(const Column* col, const Conn* c) {
   (void)col;
   (void)c;
   return 0;   /* one time per interval */
}
static uint64_t memo_proto(const Column* col, const Conn* c) {
   (void)col;
   return c->proto;
}
/* The uid, or beyond any uid while the owner is unknown. */
static uint64_t memo_user(const Column* col, const Conn* c) {
   (void)col;
   return c->hasOwner ? c->uid : (uint64_t)1 << 32;
}
static uint64_t memo_state(const Column* col, const Conn* c) {
   (void)col;
   return c->state;
}
static uint64_t memo_cgroup(const Column* col, const Conn* c) {
   (void)col;
   return c->cgroupId;
}
static uint64_t memo_netns(const Column* col, const Conn* c) {
   (void)col;
   return c->netns;
}
/* The start time (seconds and tenths): the rows older than tcptop all have one. */
static uint64_t memo_age(const Column* col, const Conn* c) {
   (void)col;
   return (uint64_t)c->startSec << 8 | c->startTenths;
}

static int Column_cmpText(const Column* col, const Conn* a, const Conn* b) {
   char x[64], y[64];
   int lx = Column_raw(col, a, &(RowContext){ 0 }, x, sizeof(x)), ly = Column_raw(col, b, &(RowContext){ 0 }, y, sizeof(y));
   if (lx < 0 || ly < 0)
      return CMP(lx, ly);
   return strcmp(x, y);
}
static int cmp_cgroup(const Conn* a, const Conn* b) { return Column_cmpText(&Column_table[COLUMN_CGROUP], a, b); }
static int cmp_cgroupPath(const Conn* a, const Conn* b) {
   return Column_cmpText(&Column_table[COLUMN_CGROUP_PATH], a, b);
}

static int cmp_laddr(const Conn* a, const Conn* b) { return Column_cmpAddr(a, b, Conn_laddr(a), Conn_laddr(b)); }
static int cmp_raddr(const Conn* a, const Conn* b) { return Column_cmpAddr(a, b, Conn_raddr(a), Conn_raddr(b)); }
static int cmp_comm(const Conn* a, const Conn* b) { return strcmp(a->comm, b->comm); }
static int cmp_user(const Conn* a, const Conn* b) { return strcmp(Column_userName(a->uid), Column_userName(b->uid)); }
static int cmp_state(const Conn* a, const Conn* b) { return strcmp(Conn_stateName(a->state), Conn_stateName(b->state)); }

/* --- every column: the ones backed by one Conn field need no function --- */

#define FIELD(type, member) .field = type, .offset = offsetof(Conn, member)

Column Column_table[COLUMN_MAX] = {
   [COLUMN_TIME] = { .key = "time", .title = "TIME", .width = 8, .kind = COLUMN_NUMBER, .raw = raw_time,
     .human = human_time, .sortKey = key_time, .memoKey = memo_time,
     .description = "time of the sample (CSV/JSON: seconds since the epoch)" },
   [COLUMN_PROTO] = { .key = "proto", .title = "PROTO", .width = 5, .kind = COLUMN_STRING, .raw = raw_proto,
     .sortKey = key_proto, .memoKey = memo_proto, .description = "tcp or udp" },
   [COLUMN_LADDR] = { .key = "laddr", .title = "LOCAL", .width = 9, .kind = COLUMN_STRING, .raw = raw_laddr,
     .compare = cmp_laddr, .description = "local IPv4 or IPv6 address" },
   [COLUMN_LPORT] = { .key = "lport", .title = "LPORT", .width = 5, .kind = COLUMN_NUMBER, FIELD(COLUMN_U16, lport),
     .description = "local port" },
   [COLUMN_RADDR] = { .key = "raddr", .title = "REMOTE", .width = 9, .kind = COLUMN_STRING, .raw = raw_raddr,
     .compare = cmp_raddr, .description = "remote address (UDP: the peer of this flow)" },
   [COLUMN_RPORT] = { .key = "rport", .title = "RPORT", .width = 5, .kind = COLUMN_NUMBER, FIELD(COLUMN_U16, rport),
     .description = "remote port" },
   [COLUMN_PID] = { .key = "pid", .title = "PID", .width = 7, .kind = COLUMN_NUMBER, FIELD(COLUMN_U32, pid),
     .needsOwner = true, .description = "process that last sent or received on it (empty until known)" },
   [COLUMN_COMM] = { .key = "comm", .title = "COMMAND", .width = 7, .kind = COLUMN_STRING, .raw = raw_comm,
     .needsOwner = true, .freeText = true, .compare = cmp_comm, .description = "that process's name" },
   [COLUMN_USER] = { .key = "user", .title = "USER", .width = 4, .kind = COLUMN_STRING, .raw = raw_user,
     .needsOwner = true, .freeText = true, .compare = cmp_user, .memoKey = memo_user,
     .description = "that process's user" },
   [COLUMN_STATE] = { .key = "state", .title = "STATE", .width = 5, .kind = COLUMN_STRING, .raw = raw_state,
     .compare = cmp_state, .memoKey = memo_state, .description = "TCP state; UDP: ACTIVE or IDLE; CLOSED once gone" },
   [COLUMN_TX_BYTES] = { .key = "tx_bytes", .title = "TX", .width = 6, .kind = COLUMN_NUMBER, .descending = true,
     FIELD(COLUMN_U64, txBytes), .humanBytes = true,
     .description = "payload bytes sent over the connection's life" },
   [COLUMN_RX_BYTES] = { .key = "rx_bytes", .title = "RX", .width = 6, .kind = COLUMN_NUMBER, .descending = true,
     FIELD(COLUMN_U64, rxBytes), .humanBytes = true,
     .description = "payload bytes received over the connection's life" },
   [COLUMN_TX_RATE] = { .key = "tx_rate", .title = "TX/s", .width = 6, .kind = COLUMN_NUMBER, .descending = true,
     FIELD(COLUMN_REAL, txRate), .humanBytes = true, .rate = true,
     .description = "bytes per second sent over the last interval" },
   [COLUMN_RX_RATE] = { .key = "rx_rate", .title = "RX/s", .width = 6, .kind = COLUMN_NUMBER, .descending = true,
     FIELD(COLUMN_REAL, rxRate), .humanBytes = true, .rate = true,
     .description = "bytes per second received over the last interval" },
   [COLUMN_RATE] = { .key = "rate", .title = "RATE", .width = 6, .kind = COLUMN_NUMBER, .descending = true,
     .raw = raw_rate, .sortKey = key_rate, .humanBytes = true, .rate = true,
     .description = "tx_rate + rx_rate" },
   [COLUMN_TX_PACKETS] = { .key = "tx_packets", .title = "TXPKT", .width = 6, .kind = COLUMN_NUMBER, .descending = true,
     FIELD(COLUMN_U64, txPackets), .description = "packets sent (TCP: segments, as ss's segs_out)" },
   [COLUMN_RX_PACKETS] = { .key = "rx_packets", .title = "RXPKT", .width = 6, .kind = COLUMN_NUMBER, .descending = true,
     FIELD(COLUMN_U64, rxPackets), .description = "packets received (TCP: segments, as ss's segs_in)" },
   [COLUMN_RTT_US] = { .key = "rtt_us", .title = "RTT(us)", .width = 7, .kind = COLUMN_NUMBER, .descending = true,
     FIELD(COLUMN_U32, rttUs), .tcpOnly = true, .description = "smoothed round-trip time, microseconds (TCP)" },
   [COLUMN_RETRANS] = { .key = "retrans", .title = "RETRANS", .width = 7, .kind = COLUMN_NUMBER, .descending = true,
     FIELD(COLUMN_U32, retrans), .description = "segments retransmitted (TCP)" },
   [COLUMN_AGE_S] = { .key = "age_s", .title = "AGE", .width = 5, .kind = COLUMN_NUMBER, .descending = true,
     .raw = raw_age, .human = human_age, .sortKey = key_age, .memoKey = memo_age,
     .description = "seconds since it opened (or since tcptop started, for older ones)" },
   [COLUMN_CGROUP] = { .key = "cgroup", .title = "CGROUP", .width = 6, .kind = COLUMN_STRING, .raw = raw_cgroup,
     .freeText = true, .compare = cmp_cgroup, .memoKey = memo_cgroup,
     .description = "the owner's cgroup v2, short: container id, pod UID or systemd unit (cgroup_path: all of it)" },
   [COLUMN_CGROUP_PATH] = { .key = "cgroup_path", .title = "CGROUP PATH", .width = 11, .kind = COLUMN_STRING,
     .raw = raw_cgroupPath, .freeText = true, .compare = cmp_cgroupPath, .memoKey = memo_cgroup,
     .description = "the owner's cgroup v2 path below the cgroup v2 root" },
   [COLUMN_NETNS] = { .key = "netns", .title = "NETNS", .width = 10, .kind = COLUMN_STRING, .raw = raw_netns,
     .freeText = true, .sortKey = key_netns, .memoKey = memo_netns,
     .description = "network namespace inode, with its name from /run/netns (inode:name)" },
   [COLUMN_PORT] = { .key = "port", .title = "PORT", .width = 5, .kind = COLUMN_NUMBER, .raw = raw_port,
     .sortKey = key_port, .description = "service port: an accepted connection's local port, else the remote port" },
   [COLUMN_CONNECTIONS] = { .key = "connections", .title = "CONNS", .width = 5, .kind = COLUMN_NUMBER,
     .descending = true, .raw = raw_connections, .sortKey = key_connections,
     .description = "connections in the group, open and closed (a connection's row: 1)" },
   [COLUMN_RTT_MIN_US] = { .key = "rtt_min_us", .title = "RTTMIN", .width = 7, .kind = COLUMN_NUMBER,
     .raw = raw_rttMin, .sortKey = key_rttMin, .tcpOnly = true,
     .description = "a group's lowest RTT, microseconds (rtt_us: its highest); a connection's: its RTT" },
};
int Column_count = COLUMN_BUILTIN_COUNT;

/* --- reading a cell --- */

static bool Column_known(const Column* col, const Conn* c) {
   return !(col->tcpOnly && c->proto != IPPROTO_TCP) && !(col->needsOwner && !c->hasOwner);
}

static uint64_t Column_fieldInt(const Column* col, const Conn* c) {
   const char* p = (const char*)c + col->offset;
   uint64_t v64;
   uint32_t v32;
   uint16_t v16;
   switch (col->field) {
   case COLUMN_U64: memcpy(&v64, p, sizeof(v64)); return v64;
   case COLUMN_U32: memcpy(&v32, p, sizeof(v32)); return v32;
   case COLUMN_U16: memcpy(&v16, p, sizeof(v16)); return v16;
   case COLUMN_METRIC: return c->metrics ? c->metrics[col->offset] : 0;
   default: return 0;
   }
}

static double Column_fieldReal(const Column* col, const Conn* c) {
   float v;
   if (col->field != COLUMN_REAL)
      return (double)Column_fieldInt(col, c);
   memcpy(&v, (const char*)c + col->offset, sizeof(v));
   return v;
}

int Column_raw(const Column* col, const Conn* c, const RowContext* ctx, char* out, size_t size) {
   if (!Column_known(col, c)) {
      out[0] = '\0';
      return -1;
   }
   if (col->raw)
      return col->raw(col, c, ctx, out, size);
   if (col->field == COLUMN_REAL)
      return Format_fixed(out, Column_fieldReal(col, c), 0);
   return Format_u64(out, Column_fieldInt(col, c));
}

int Column_human(const Column* col, const Conn* c, const RowContext* ctx, char* out, size_t size) {
   if (!Column_known(col, c))
      return Column_copy("-", out, size);
   if (col->human) {
      col->human(col, c, ctx, out, size);
      return (int)strlen(out);
   }
   if (col->humanBytes) {
      Column_humanBytes(Column_sortValue(col, c), out, size);
      return (int)strlen(out);
   }
   int len = Column_raw(col, c, ctx, out, size);
   return len < 0 ? Column_copy("-", out, size) : len;
}

double Column_sortValue(const Column* col, const Conn* c) {
   return col->sortKey ? col->sortKey(col, c) : Column_fieldReal(col, c);
}

bool Column_sortsByValue(const Column* col) {
   return col->sortKey || col->field != COLUMN_NOT_FIELD;
}

bool Column_isBuiltin(const char* key) {
   int id = Column_find(key);
   return id >= 0 && !Column_table[id].probe;
}

int Column_addMetric(const char* key, const char* title, const char* unit, const char* agg, int slot,
                     const char* probe) {
   if (Column_count >= COLUMN_MAX || slot < 0 || slot >= CONN_METRICS || Column_find(key) >= 0)
      return -1;
   Column* c = &Column_table[Column_count];
   *c = (Column){
      .key = xStrdup(key), .title = xStrdup(title[0] ? title : key), .width = 6, .kind = COLUMN_NUMBER,
      .descending = true, .field = COLUMN_METRIC, .offset = (size_t)slot,
      .tcpOnly = true, .humanBytes = strcmp(unit, "bytes") == 0, .probe = xStrdup(probe),
      .description = xAsprintf("%s, %s of the updates over the connection's life (probe %s; TCP only)",
                               unit[0] ? unit : "value", agg, probe),
   };
   return Column_count++;
}

void Column_clearMetrics(void) {
   for (int i = COLUMN_BUILTIN_COUNT; i < Column_count; i++) {
      Column* c = &Column_table[i];
      free((char*)c->key);
      free((char*)c->title);
      free((char*)c->description);
      free((char*)c->probe);
      memset(c, 0, sizeof(*c));
   }
   Column_count = COLUMN_BUILTIN_COUNT;
}

int Column_find(const char* key) {
   for (int i = 0; i < Column_count; i++) {
      if (strcmp(Column_table[i].key, key) == 0)
         return i;
   }
   return -1;
}

char* Column_keyList(void) {
   Buf b;
   Buf_init(&b);
   for (int i = 0; i < Column_count; i++)
      Buf_printf(&b, "%s%s", i ? ", " : "", Column_table[i].key);
   return Buf_cstr(&b);
}

int ColumnList_parse(ColumnList* this, const char* spec, char** err) {
   this->count = 0;
   char* copy = xStrdup(spec);
   int rc = 0;
   for (char *save = NULL, *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
      tok = XUtils_trim(tok);
      int id = Column_find(tok);
      if (id < 0 || this->count == (int)ARRAY_SIZE(this->ids)) {
         char* keys = Column_keyList();
         *err = xAsprintf("unknown column '%s'; valid columns: %s", tok, keys);
         free(keys);
         rc = -1;
         break;
      }
      this->ids[this->count++] = id;
   }
   free(copy);
   if (rc == 0 && this->count == 0) {
      *err = xStrdup("no columns given; list column keys separated by commas");
      rc = -1;
   }
   return rc;
}

void ColumnList_all(ColumnList* this) {
   this->count = 0;
   for (int i = 0; i < Column_count; i++)
      this->ids[this->count++] = i;
}

/* The default choice, then every probe's metric: a probe dropped in
 * probes.d shows its columns without --columns. */
void ColumnList_default(ColumnList* this) {
   char* err = NULL;
   ColumnList_parse(this, "proto,laddr,lport,raddr,rport,pid,comm,state,tx_bytes,rx_bytes,tx_rate,rx_rate,"
                          "rtt_us,retrans,age_s", &err);
   free(err);
   for (int i = COLUMN_BUILTIN_COUNT; i < Column_count && this->count < (int)ARRAY_SIZE(this->ids); i++)
      this->ids[this->count++] = i;
}

int SortOrder_parse(SortOrder* this, const char* spec, char** err) {
   bool forced = spec[0] == '+' || spec[0] == '-';
   int id = Column_find(forced ? spec + 1 : spec);
   if (id < 0) {
      char* keys = Column_keyList();
      *err = xAsprintf("unknown sort column '%s'; valid columns: %s (prefix + or - for the direction)", spec, keys);
      free(keys);
      return -1;
   }
   this->column = id;
   this->descending = forced ? spec[0] == '-' : Column_table[id].descending;
   return 0;
}

/*
 * The order: each row's key once (SortOrder_keys), then the items sorted,
 * or only some positions selected (SortOrder_select: the screen's page of
 * 400,000 rows, not all of them). Items compare by (major, minor) where
 * the key says all; a key that is only a prefix of the column's order
 * (SORTORDER_INEXACT in its index: an IPv6 address, a long name) falls to
 * the column's compare when the majors tie; the last tie-breakers are the
 * cookie and the whole key. One total order, whatever the path.
 */
#define SORTORDER_INEXACT 0x80000000u
#define SORTORDER_SMALL 24          /* ranges this small: insertion */

typedef struct SortContext_ {
   const SortOrder* order;
   const Column* col;
   Conn* const* rows;              /* what the items' indexes name */
} SortContext;

static const SortContext* SortOrder_context;   /* for qsort's callbacks, while sorting */

size_t SortOrder_index(const RadixItem* item) {
   return item->index & ~SORTORDER_INEXACT;
}

/* The last tie-breakers: the cookie, then the whole key (UDP peers). */
static int SortOrder_tieBreak(const Conn* a, const Conn* b) {
   int r = CMP(a->cookie, b->cookie);
   if (r)
      return r;
   ConnKey ka = Conn_key(a), kb = Conn_key(b);   /* one socket's UDP flows */
   return memcmp(&ka, &kb, sizeof(ka));
}

/* The column's compare; one cgroup's rows without making its text twice. */
static int SortOrder_columnCompare(const SortContext* x, const Conn* a, const Conn* b) {
   int id = x->order->column;
   if ((id == COLUMN_CGROUP || id == COLUMN_CGROUP_PATH) && a->cgroupId == b->cgroupId)
      return 0;
   return x->col->compare ? x->col->compare(a, b) : 0;
}

static int SortOrder_itemCompare(const SortContext* x, const RadixItem* a, const RadixItem* b) {
   if (a->major != b->major)
      return a->major < b->major ? -1 : 1;
   const Conn* ra = x->rows[SortOrder_index(a)];
   const Conn* rb = x->rows[SortOrder_index(b)];
   if ((a->index | b->index) & SORTORDER_INEXACT) {
      int r = SortOrder_columnCompare(x, ra, rb);
      if (r)
         return x->order->descending ? -r : r;
   }
   if (a->minor != b->minor)
      return a->minor < b->minor ? -1 : 1;
   return SortOrder_tieBreak(ra, rb);
}

static int SortOrder_qsortCompare(const void* a, const void* b) {
   return SortOrder_itemCompare(SortOrder_context, a, b);
}

/* A text's first 8 bytes, big-endian: strcmp's order; exact when shorter. */
static uint64_t SortOrder_textKey(const char* s, bool* exact) {
   uint64_t k = 0;
   int i = 0;
   for (; i < 8 && s[i]; i++)
      k |= (uint64_t)(unsigned char)s[i] << (8 * (7 - i));
   *exact = i < 8;
   return k;
}

/* Column_cmpAddr's order: the family, then the bytes (IPv4's all fit). */
static uint64_t SortOrder_addrKey(const Conn* c, const uint8_t* a, bool* exact) {
   int n = c->family == AF_INET6 ? 7 : 4;
   uint64_t k = (uint64_t)c->family << 56;
   for (int i = 0; i < n; i++)
      k |= (uint64_t)a[i] << (8 * (6 - i));
   *exact = c->family != AF_INET6;
   return k;
}

/* States by name (cmp_state's order): each state's rank among all names. */
static uint64_t SortOrder_stateKey(uint8_t state) {
   static uint8_t rank[256];
   static bool made;
   if (!made) {
      for (int s = 0; s < 256; s++) {
         int r = 0;
         for (int t = 0; t < 256; t++)
            r += strcmp(Conn_stateName(t), Conn_stateName(s)) < 0;
         rank[s] = (uint8_t)(r > 255 ? 255 : r);   /* 256 names, at most 20 distinct */
      }
      made = true;
   }
   return rank[state];
}

/* A cgroup's text: never exact (an unknown one orders before "", both 0). */
static uint64_t SortOrder_cgroupKey(const char* text) {
   bool exact;
   return SortOrder_textKey(text, &exact);
}

/* The key of a column that compares rows: a prefix of its order. */
static uint64_t SortOrder_compareKey(int id, const Conn* c, bool* exact) {
   char text[64];
   *exact = false;
   switch (id) {
   case COLUMN_LADDR: return SortOrder_addrKey(c, Conn_laddr(c), exact);
   case COLUMN_RADDR: return SortOrder_addrKey(c, Conn_raddr(c), exact);
   case COLUMN_COMM: return SortOrder_textKey(c->comm, exact);
   case COLUMN_USER: return SortOrder_textKey(Column_userName(c->uid), exact);
   case COLUMN_STATE: *exact = true; return SortOrder_stateKey(c->state);
   case COLUMN_CGROUP: case COLUMN_CGROUP_PATH:   /* unknown first: inexact, the compare decides */
      return Column_raw(&Column_table[id], c, &(RowContext){ 0 }, text, sizeof(text)) < 0 ? 0 : SortOrder_cgroupKey(text);
   default: return 0;
   }
}

RadixItem SortOrder_item(const SortOrder* this, const Conn* c, size_t i) {
   const Column* col = &Column_table[this->column];
   bool exact = true;
   uint64_t k = Column_sortsByValue(col) ? RadixSort_doubleKey(Column_sortValue(col, c))
                                         : SortOrder_compareKey(this->column, c, &exact);
   return (RadixItem){ .major = this->descending ? ~k : k, .minor = (uint32_t)c->cookie,
                       .index = (uint32_t)i | (exact ? 0 : SORTORDER_INEXACT) };
}

void SortOrder_keys(const SortOrder* this, Conn* const* rows, size_t n, RadixItem* items) {
   for (size_t i = 0; i < n; i++) {
      if (i + CONNTABLE_AHEAD < n)
         Conn_prefetch(rows[i + CONNTABLE_AHEAD]);
      items[i] = SortOrder_item(this, rows[i], i);
   }
}

static void SortOrder_insertion(const SortContext* x, RadixItem* items, size_t n) {
   for (size_t i = 1; i < n; i++) {
      RadixItem v = items[i];
      size_t j = i;
      for (; j > 0 && SortOrder_itemCompare(x, &v, &items[j - 1]) < 0; j--)
         items[j] = items[j - 1];
      items[j] = v;
   }
}

/* Runs the radix sort left tied: equal majors with an inexact key, or
 * equal (major, minor); sorted with the whole compare. */
static void SortOrder_fixRuns(const SortContext* x, RadixItem* items, size_t n) {
   for (size_t i = 0, run; i < n; i += run) {
      bool inexact = items[i].index & SORTORDER_INEXACT;
      for (run = 1; i + run < n && items[i + run].major == items[i].major; run++)
         inexact = inexact || (items[i + run].index & SORTORDER_INEXACT);
      if (run < 2)
         continue;
      if (inexact) {
         qsort(items + i, run, sizeof(RadixItem), SortOrder_qsortCompare);
         continue;
      }
      for (size_t j = i, tie; j < i + run; j += tie) {
         for (tie = 1; j + tie < i + run && items[j + tie].minor == items[j].minor; tie++)
            ;
         if (tie > 1)
            qsort(items + j, tie, sizeof(RadixItem), SortOrder_qsortCompare);
      }
   }
}

static void SortOrder_sortItems(const SortContext* x, RadixItem* items, size_t n) {
   if (n < SORTORDER_SMALL) {
      SortOrder_insertion(x, items, n);
      return;
   }
   const SortContext* saved = SortOrder_context;
   SortOrder_context = x;
   RadixSort_sort(items, n);
   SortOrder_fixRuns(x, items, n);
   SortOrder_context = saved;
}

static void SortOrder_swap(RadixItem* a, RadixItem* b) {
   RadixItem t = *a;
   *a = *b;
   *b = t;
}

/* Hoare's partition around the median of three: items[0..j] order before
 * items[j + 1..n); returns j, 0 <= j < n - 1. */
static size_t SortOrder_partition(const SortContext* x, RadixItem* items, size_t n) {
   size_t mid = n / 2;
   if (SortOrder_itemCompare(x, &items[mid], &items[0]) < 0)
      SortOrder_swap(&items[mid], &items[0]);
   if (SortOrder_itemCompare(x, &items[n - 1], &items[mid]) < 0) {
      SortOrder_swap(&items[n - 1], &items[mid]);
      if (SortOrder_itemCompare(x, &items[mid], &items[0]) < 0)
         SortOrder_swap(&items[mid], &items[0]);
   }
   RadixItem pivot = items[mid];
   size_t i = 0, j = n - 1;
   for (;;) {
      while (SortOrder_itemCompare(x, &items[i], &pivot) < 0)
         i++;
      while (SortOrder_itemCompare(x, &items[j], &pivot) > 0)
         j--;
      if (i >= j)
         return j;
      SortOrder_swap(&items[i++], &items[j--]);
   }
}

/* Quickselect: items[k] becomes the item of position k, those before it
 * order before it. Linear on average; past a depth limit, a sort. */
static void SortOrder_nth(const SortContext* x, RadixItem* items, size_t n, size_t k) {
   int depth = 64;
   while (n >= SORTORDER_SMALL) {
      if (depth-- == 0) {
         SortOrder_sortItems(x, items, n);
         return;
      }
      size_t j = SortOrder_partition(x, items, n);
      if (k <= j) {
         n = j + 1;
      } else {
         items += j + 1;
         n -= j + 1;
         k -= j + 1;
      }
   }
   SortOrder_insertion(x, items, n);
}

void SortOrder_select(const SortOrder* this, Conn* const* rows, RadixItem* items, size_t n, size_t from, size_t to) {
   SortContext x = { .order = this, .col = &Column_table[this->column], .rows = rows };
   if (to > n)
      to = n;
   if (from >= to)
      return;
   if (from > 0)
      SortOrder_nth(&x, items, n, from);
   if (to < n)
      SortOrder_nth(&x, items + from, n - from, to - from);
   SortOrder_sortItems(&x, items + from, to - from);
}

size_t SortOrder_rank(const SortOrder* this, Conn* const* rows, const RadixItem* items, size_t n, size_t i) {
   SortContext x = { .order = this, .col = &Column_table[this->column], .rows = rows };
   size_t before = 0;
   for (size_t j = 0; j < n; j++)
      before += SortOrder_itemCompare(&x, &items[j], &items[i]) < 0;
   return before;
}

void SortOrder_sort(const SortOrder* this, Conn** rows, size_t n) {
   RadixItem* items = xMalloc((n + 1) * sizeof(RadixItem));
   SortOrder_keys(this, rows, n, items);
   SortContext x = { .order = this, .col = &Column_table[this->column], .rows = rows };
   SortOrder_sortItems(&x, items, n);
   /* the rows in that order, over the items (pointer i overwrites item i / 2,
    * read already) */
   Conn** sorted = (Conn**)(void*)items;
   for (size_t i = 0; i < n; i++)
      sorted[i] = rows[SortOrder_index(&items[i])];
   memcpy(rows, sorted, n * sizeof(Conn*));
   free(items);
}
