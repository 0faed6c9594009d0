/*
 * Column.c: the column table and its formatters.
 */
#include "config.h"
#include "Column.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "Format.h"
#include "RadixSort.h"
#include "XUtils.h"

#define CMP(a, b) ((a) < (b) ? -1 : (a) > (b))

static void Column_addr(const Conn* c, const uint8_t* a, char* out, size_t size) {
   if (c->family != AF_INET6 && size >= 16)
      Format_ipv4(out, a);
   else if (!inet_ntop(c->family == AF_INET6 ? AF_INET6 : AF_INET, a, out, (socklen_t)size))
      snprintf(out, size, "?");
}

/* A constant string into a cell (cells are OUTPUT_CELL, 64 bytes). */
static void Column_copy(const char* s, char* out, size_t size) {
   size_t l = strlen(s);
   if (l >= size)
      l = size - 1;
   memcpy(out, s, l);
   out[l] = '\0';
}

static int Column_cmpAddr(const Conn* a, const Conn* b, const uint8_t* x, const uint8_t* y) {
   if (a->family != b->family)
      return CMP(a->family, b->family);
   return memcmp(x, y, a->family == AF_INET6 ? 16 : 4);
}

void Column_humanBytes(double v, char* out, size_t size) {
   static const char units[] = "KMGTP";
   if (v < 1024) {
      snprintf(out, size, "%.0f", v);
      return;
   }
   int u = -1;
   while (v >= 1024 && u < 4) {
      v /= 1024;
      u++;
   }
   snprintf(out, size, v < 10 ? "%.1f%c" : "%.0f%c", v, units[u]);
}

/* --- formatters, one per column --- */

static bool raw_time(const Conn* c, const RowContext* x, char* o, size_t n) {
   (void)c;
   if (x->wallText)
      Column_copy(x->wallText, o, n);
   else
      snprintf(o, n, "%.3f", x->wallNow);
   return true;
}
static void human_time(const Conn* c, const RowContext* x, char* o, size_t n) {
   (void)c;
   time_t t = (time_t)x->wallNow;
   struct tm tm;
   strftime(o, n, "%H:%M:%S", localtime_r(&t, &tm));
}
static bool raw_proto(const Conn* c, const RowContext* x, char* o, size_t n) {
   (void)x;
   Column_copy(c->key.proto == 17 ? "udp" : "tcp", o, n);
   return true;
}
static bool raw_laddr(const Conn* c, const RowContext* x, char* o, size_t n) {
   (void)x;
   Column_addr(c, c->laddr, o, n);
   return true;
}
static bool raw_raddr(const Conn* c, const RowContext* x, char* o, size_t n) {
   (void)x;
   Column_addr(c, c->raddr, o, n);
   return true;
}
static bool raw_lport(const Conn* c, const RowContext* x, char* o, size_t n) {
   (void)x;
   Format_u64(o, c->lport);
   return true;
}
static bool raw_rport(const Conn* c, const RowContext* x, char* o, size_t n) {
   (void)x;
   Format_u64(o, c->rport);
   return true;
}
static bool raw_pid(const Conn* c, const RowContext* x, char* o, size_t n) {
   (void)x;
   if (!c->hasOwner)
      return false;
   Format_u64(o, c->pid);
   return true;
}
static bool raw_comm(const Conn* c, const RowContext* x, char* o, size_t n) {
   (void)x;
   if (!c->hasOwner)
      return false;
   Column_copy(c->comm, o, n);
   return true;
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

static bool raw_user(const Conn* c, const RowContext* x, char* o, size_t n) {
   (void)x;
   if (!c->hasOwner || c->uid == CONN_UID_UNKNOWN)
      return false;
   Column_copy(Column_userName(c->uid), o, n);
   return true;
}
static bool raw_state(const Conn* c, const RowContext* x, char* o, size_t n) {
   (void)x;
   Column_copy(Conn_stateName(c->state), o, n);
   return true;
}
#define RAW_U64(field)                                                           \
   static bool raw_##field(const Conn* c, const RowContext* x, char* o, size_t n) { \
      (void)x;                                                                   \
      (void)n;                                                                   \
      Format_u64(o, (uint64_t)c->field);                                         \
      return true;                                                               \
   }
RAW_U64(txBytes)
RAW_U64(rxBytes)
RAW_U64(txPackets)
RAW_U64(rxPackets)
RAW_U64(retrans)

static bool raw_rtt(const Conn* c, const RowContext* x, char* o, size_t n) {
   (void)x;
   if (c->key.proto != 6)
      return false;
   Format_u64(o, c->rttUs);
   return true;
}
static bool raw_txRate(const Conn* c, const RowContext* x, char* o, size_t n) {
   (void)x;
   Format_fixed(o, c->txRate, 0);
   return true;
}
static bool raw_rxRate(const Conn* c, const RowContext* x, char* o, size_t n) {
   (void)x;
   Format_fixed(o, c->rxRate, 0);
   return true;
}
static bool raw_rate(const Conn* c, const RowContext* x, char* o, size_t n) {
   (void)x;
   Format_fixed(o, c->txRate + c->rxRate, 0);
   return true;
}
static bool raw_age(const Conn* c, const RowContext* x, char* o, size_t n) {
   double age = x->wallNow - c->startTime;
   Format_fixed(o, age > 0 ? age : 0.0, 1);
   return true;
}
static void human_txBytes(const Conn* c, const RowContext* x, char* o, size_t n) {
   (void)x;
   Column_humanBytes((double)c->txBytes, o, n);
}
static void human_rxBytes(const Conn* c, const RowContext* x, char* o, size_t n) {
   (void)x;
   Column_humanBytes((double)c->rxBytes, o, n);
}
static void human_txRate(const Conn* c, const RowContext* x, char* o, size_t n) {
   (void)x;
   Column_humanBytes(c->txRate, o, n);
}
static void human_rxRate(const Conn* c, const RowContext* x, char* o, size_t n) {
   (void)x;
   Column_humanBytes(c->rxRate, o, n);
}
static void human_rate(const Conn* c, const RowContext* x, char* o, size_t n) {
   (void)x;
   Column_humanBytes(c->txRate + c->rxRate, o, n);
}
static void human_age(const Conn* c, const RowContext* x, char* o, size_t n) {
   long s = (long)(x->wallNow - c->startTime);
   if (s < 0)
      s = 0;
   if (s < 3600)
      snprintf(o, n, "%ld:%02ld", s / 60, s % 60);
   else
      snprintf(o, n, "%ldh%02ld", s / 3600, (s / 60) % 60);
}

/* --- sort keys (numeric columns) and comparators (the others) --- */

static double key_time(const Conn* c) { (void)c; return 0; }   /* one time per interval */
static double key_proto(const Conn* c) { return c->key.proto; }
static int cmp_laddr(const Conn* a, const Conn* b) { return Column_cmpAddr(a, b, a->laddr, b->laddr); }
static int cmp_raddr(const Conn* a, const Conn* b) { return Column_cmpAddr(a, b, a->raddr, b->raddr); }
static double key_lport(const Conn* c) { return c->lport; }
static double key_rport(const Conn* c) { return c->rport; }
static double key_pid(const Conn* c) { return c->pid; }
static int cmp_comm(const Conn* a, const Conn* b) { return strcmp(a->comm, b->comm); }
static int cmp_user(const Conn* a, const Conn* b) { return strcmp(Column_userName(a->uid), Column_userName(b->uid)); }
static int cmp_state(const Conn* a, const Conn* b) { return strcmp(Conn_stateName(a->state), Conn_stateName(b->state)); }
static double key_txBytes(const Conn* c) { return (double)c->txBytes; }
static double key_rxBytes(const Conn* c) { return (double)c->rxBytes; }
static double key_txRate(const Conn* c) { return c->txRate; }
static double key_rxRate(const Conn* c) { return c->rxRate; }
static double key_rate(const Conn* c) { return c->txRate + c->rxRate; }
static double key_txPackets(const Conn* c) { return (double)c->txPackets; }
static double key_rxPackets(const Conn* c) { return (double)c->rxPackets; }
static double key_rtt(const Conn* c) { return c->rttUs; }
static double key_retrans(const Conn* c) { return c->retrans; }
static double key_age(const Conn* c) { return -c->startTime; }

const Column Column_table[] = {
   { .key = "time", .title = "TIME", .width = 8, .kind = COLUMN_NUMBER, .raw = raw_time, .human = human_time,
     .sortKey = key_time, .description = "time of the sample (CSV/JSON: seconds since the epoch)" },
   { .key = "proto", .title = "PROTO", .width = 5, .kind = COLUMN_STRING, .raw = raw_proto,
     .sortKey = key_proto, .description = "tcp or udp" },
   { .key = "laddr", .title = "LOCAL", .width = 9, .kind = COLUMN_STRING, .raw = raw_laddr,
     .compare = cmp_laddr, .description = "local IPv4 or IPv6 address" },
   { .key = "lport", .title = "LPORT", .width = 5, .kind = COLUMN_NUMBER, .raw = raw_lport,
     .sortKey = key_lport, .description = "local port" },
   { .key = "raddr", .title = "REMOTE", .width = 9, .kind = COLUMN_STRING, .raw = raw_raddr,
     .compare = cmp_raddr, .description = "remote address (UDP: the peer of this flow)" },
   { .key = "rport", .title = "RPORT", .width = 5, .kind = COLUMN_NUMBER, .raw = raw_rport,
     .sortKey = key_rport, .description = "remote port" },
   { .key = "pid", .title = "PID", .width = 7, .kind = COLUMN_NUMBER, .raw = raw_pid, .sortKey = key_pid,
     .description = "process that last sent or received on it (empty until known)" },
   { .key = "comm", .title = "COMMAND", .width = 7, .kind = COLUMN_STRING, .raw = raw_comm,
     .compare = cmp_comm, .description = "that process's name" },
   { .key = "user", .title = "USER", .width = 4, .kind = COLUMN_STRING, .raw = raw_user,
     .compare = cmp_user, .description = "that process's user" },
   { .key = "state", .title = "STATE", .width = 5, .kind = COLUMN_STRING, .raw = raw_state,
     .compare = cmp_state, .description = "TCP state; UDP: ACTIVE or IDLE; CLOSED once gone" },
   { .key = "tx_bytes", .title = "TX", .width = 6, .kind = COLUMN_NUMBER, .descending = true,
     .raw = raw_txBytes, .human = human_txBytes, .sortKey = key_txBytes,
     .description = "payload bytes sent over the connection's life" },
   { .key = "rx_bytes", .title = "RX", .width = 6, .kind = COLUMN_NUMBER, .descending = true,
     .raw = raw_rxBytes, .human = human_rxBytes, .sortKey = key_rxBytes,
     .description = "payload bytes received over the connection's life" },
   { .key = "tx_rate", .title = "TX/s", .width = 6, .kind = COLUMN_NUMBER, .descending = true,
     .raw = raw_txRate, .human = human_txRate, .sortKey = key_txRate,
     .description = "bytes per second sent over the last interval" },
   { .key = "rx_rate", .title = "RX/s", .width = 6, .kind = COLUMN_NUMBER, .descending = true,
     .raw = raw_rxRate, .human = human_rxRate, .sortKey = key_rxRate,
     .description = "bytes per second received over the last interval" },
   { .key = "rate", .title = "RATE", .width = 6, .kind = COLUMN_NUMBER, .descending = true,
     .raw = raw_rate, .human = human_rate, .sortKey = key_rate,
     .description = "tx_rate + rx_rate" },
   { .key = "tx_packets", .title = "TXPKT", .width = 6, .kind = COLUMN_NUMBER, .descending = true,
     .raw = raw_txPackets, .sortKey = key_txPackets,
     .description = "packets sent (TCP: segments, as ss's segs_out)" },
   { .key = "rx_packets", .title = "RXPKT", .width = 6, .kind = COLUMN_NUMBER, .descending = true,
     .raw = raw_rxPackets, .sortKey = key_rxPackets,
     .description = "packets received (TCP: segments, as ss's segs_in)" },
   { .key = "rtt_us", .title = "RTT(us)", .width = 7, .kind = COLUMN_NUMBER, .descending = true,
     .raw = raw_rtt, .sortKey = key_rtt, .description = "smoothed round-trip time, microseconds (TCP)" },
   { .key = "retrans", .title = "RETRANS", .width = 7, .kind = COLUMN_NUMBER, .descending = true,
     .raw = raw_retrans, .sortKey = key_retrans, .description = "segments retransmitted (TCP)" },
   { .key = "age_s", .title = "AGE", .width = 5, .kind = COLUMN_NUMBER, .descending = true,
     .raw = raw_age, .human = human_age, .sortKey = key_age,
     .description = "seconds since it opened (or since tcptop started, for older ones)" },
};
const int Column_count = (int)ARRAY_SIZE(Column_table);

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

void ColumnList_default(ColumnList* this) {
   char* err = NULL;
   ColumnList_parse(this, "proto,laddr,lport,raddr,rport,pid,comm,state,tx_bytes,rx_bytes,tx_rate,rx_rate,"
                          "rtt_us,retrans,age_s", &err);
   free(err);
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

/* The last tie-breakers: the cookie, then the whole key (UDP peers). */
static int SortOrder_tieBreak(const Conn* a, const Conn* b) {
   int r = CMP(a->key.cookie, b->key.cookie);
   return r ? r : memcmp(&a->key, &b->key, sizeof(a->key));
}

static const SortOrder* SortOrder_current;

static int SortOrder_compare(const void* pa, const void* pb) {
   const Conn* a = *(Conn* const*)pa;
   const Conn* b = *(Conn* const*)pb;
   int r = Column_table[SortOrder_current->column].compare(a, b);
   if (SortOrder_current->descending)
      r = -r;
   return r ? r : SortOrder_tieBreak(a, b);
}

static int SortOrder_tieCompare(const void* pa, const void* pb) {
   return SortOrder_tieBreak(((const RadixItem*)pa)->data, ((const RadixItem*)pb)->data);
}

/* Numeric columns: a radix sort on (key, cookie) taken once per row; rows
 * are touched again only where both tie (UDP flows of one socket). */
static void SortOrder_sortByKey(const SortOrder* this, const Column* col, Conn** rows, size_t n) {
   RadixItem* items = xMalloc((2 * n + 1) * sizeof(RadixItem));
   for (size_t i = 0; i < n; i++) {
      uint64_t k = RadixSort_doubleKey(col->sortKey(rows[i]));
      items[i] = (RadixItem){ .major = this->descending ? ~k : k, .minor = rows[i]->key.cookie, .data = rows[i] };
   }
   RadixSort_sort(items, items + n, n);
   for (size_t i = 0, run; i < n; i += run) {
      for (run = 1; i + run < n && items[i + run].major == items[i].major && items[i + run].minor == items[i].minor; run++)
         ;
      if (run > 1)
         qsort(items + i, run, sizeof(RadixItem), SortOrder_tieCompare);
   }
   for (size_t i = 0; i < n; i++)
      rows[i] = items[i].data;
   free(items);
}

void SortOrder_sort(const SortOrder* this, Conn** rows, size_t n) {
   const Column* col = &Column_table[this->column];
   if (col->sortKey) {
      SortOrder_sortByKey(this, col, rows, n);
      return;
   }
   SortOrder_current = this;
   qsort(rows, n, sizeof(Conn*), SortOrder_compare);
   SortOrder_current = NULL;
}
