/* The screen's pieces that need no terminal: the view's page (a partial
 * selection of the order) equal to a full sort's rows, ties included, for
 * several keys and scroll positions, the selection followed, the / filter
 * equal to a search of the row's text; cell fitting (middle ellipsis),
 * rate units (bytes, bits), cells by column (rates, addresses), sparklines
 * (UTF-8 and ASCII, scaling, the ring), the multi-row graph, the rate
 * histories (from the first traffic on, copied for a pause, freed once
 * their row is gone), and the resolver (numeric first, never blocking; the
 * name once the thread has it). */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "config/Settings.h"
#include "core/Names.h"
#include "ui/Cells.h"
#include "ui/RateHistory.h"
#include "ui/Resolver.h"
#include "ui/Sparkline.h"
#include "ui/View.h"
#include "check.h"

static void test_sparkline(void) {
   Sparkline s;
   memset(&s, 0, sizeof(s));
   char out[SPARKLINE_LEN * 4 + 1];
   CHECK_STR(Sparkline_render(&s, 4, true, out, sizeof(out)), "    ");
   Sparkline_push(&s, 0);
   Sparkline_push(&s, 1);
   Sparkline_push(&s, 4);
   Sparkline_push(&s, 8);
   CHECK_STR(Sparkline_render(&s, 4, true, out, sizeof(out)), " ▁▄█");
   CHECK_STR(Sparkline_render(&s, 4, false, out, sizeof(out)), " .=@");
   CHECK_STR(Sparkline_render(&s, 6, false, out, sizeof(out)), "   .=@");   /* right aligned */
   CHECK(Sparkline_get(&s, 0) == 8 && Sparkline_get(&s, 3) == 0 && Sparkline_get(&s, 9) == 0);
   CHECK(Sparkline_max(&s, 2) == 8);
   for (int i = 0; i < SPARKLINE_LEN + 10; i++)
      Sparkline_push(&s, i);
   CHECK(s.count == SPARKLINE_LEN && Sparkline_get(&s, 0) == SPARKLINE_LEN + 9);
   CHECK(Sparkline_get(&s, SPARKLINE_LEN - 1) == 10);
   char small[5];
   Sparkline_render(&s, 8, true, small, sizeof(small));   /* one 3-byte block fits, no partial one */
   CHECK(strlen(small) == 3);
}

static void test_graph(void) {
   Sparkline s;
   memset(&s, 0, sizeof(s));
   Sparkline_push(&s, 2);
   Sparkline_push(&s, 1);
   char out[64];
   /* two rows, max 2: 2 fills both rows, 1 fills the bottom one */
   CHECK_STR(Sparkline_graphRow(&s, 2, 2, 0, 2, true, out, sizeof(out)), "█ ");
   CHECK_STR(Sparkline_graphRow(&s, 2, 2, 1, 2, true, out, sizeof(out)), "██");
   CHECK_STR(Sparkline_graphRow(&s, 2, 2, 1, 2, false, out, sizeof(out)), "@@");
}

/* Histories by key: a row gets one at its first traffic, keeps it through
 * quiet intervals, loses it once the table has forgotten the row; a copy
 * (the pause) stays as it was. Many rows: the map grows and shrinks. */
static void test_history(void) {
   ConnTable table;
   ConnTable_init(&table);
   RateHistory h, frozen;
   RateHistory_init(&h);
   enum { N = 300 };
   Conn* rows[N];
   for (int i = 0; i < N; i++) {
      bool created;
      ConnKey k = ConnKey_tcp((uint64_t)i + 1, 7);
      rows[i] = ConnTable_get(&table, &k, &created);
      rows[i]->txRate = i % 3 ? 100 + i : 0;   /* every third row quiet */
   }
   RateHistory_record(&h, rows, N);
   RateHistory_prune(&h, &table);
   CHECK(h.count == N - N / 3);
   ConnKey k0 = Conn_key(rows[0]), k1 = Conn_key(rows[1]);
   CHECK(RateHistory_find(&h, &k0) == NULL);
   const ConnHistory* one = RateHistory_find(&h, &k1);
   CHECK(one && Sparkline_get(&one->tx, 0) == 101 && one->tx.count == 1 && one->rx.count == 1);
   RateHistory_copy(&frozen, &h);
   rows[1]->txRate = 0;
   RateHistory_record(&h, rows, N);
   one = RateHistory_find(&h, &k1);
   CHECK(one && one->tx.count == 2 && Sparkline_get(&one->tx, 0) == 0 && Sparkline_get(&one->tx, 1) == 101);
   CHECK(RateHistory_find(&frozen, &k1)->tx.count == 1);
   /* rows 1..N-1 forgotten by the table (not recorded): their histories go */
   ConnKey second = k1, last = Conn_key(rows[N - 1]), never = ConnKey_tcp(N + 1, 7);
   for (int i = 1; i < N; i++) {
      ConnKey k = ConnKey_tcp((uint64_t)i + 1, 7);
      ConnTable_remove(&table, &k);
   }
   RateHistory_record(&h, rows, 1);
   RateHistory_prune(&h, &table);
   CHECK(h.count == 0 && RateHistory_find(&h, &second) == NULL);
   CHECK(frozen.count == N - N / 3 && RateHistory_find(&frozen, &never) == NULL);
   CHECK(RateHistory_find(&frozen, &last) != NULL);
   RateHistory_done(&frozen);
   RateHistory_done(&h);
   CHECK(h.count == 0 && h.cap == 0 && RateHistory_find(&h, &second) == NULL);
   ConnTable_done(&table);
}

/* With many rows, only the rows drawn have a history: from their drawing
 * on, read from the table, until not drawn for a graph's width. */
static void test_historyWatched(void) {
   ConnTable table;
   ConnTable_init(&table);
   RateHistory h;
   RateHistory_init(&h);
   h.watchedOnly = true;
   bool created;
   ConnKey k1 = ConnKey_tcp(1, 0), k2 = ConnKey_tcp(2, 0), k3 = ConnKey_tcp(3, 0);
   Conn* drawn = ConnTable_get(&table, &k1, &created);
   Conn* busy = ConnTable_get(&table, &k2, &created);
   Conn* gone = ConnTable_get(&table, &k3, &created);
   busy->txRate = drawn->txRate = 50;
   RateHistory_watch(&h, drawn);
   RateHistory_watch(&h, gone);
   RateHistory_recordKnown(&h, &table);
   RateHistory_prune(&h, &table);
   const ConnHistory* one = RateHistory_find(&h, &k1);
   CHECK(h.count == 2 && one && one->tx.count == 1 && Sparkline_get(&one->tx, 0) == 50);
   CHECK(RateHistory_find(&h, &k2) == NULL);   /* traffic, never drawn */
   ConnTable_remove(&table, &k3);
   for (int i = 1; i < SPARKLINE_LEN; i++) {
      RateHistory_recordKnown(&h, &table);
      RateHistory_prune(&h, &table);
   }
   one = RateHistory_find(&h, &k1);
   CHECK(RateHistory_find(&h, &k3) == NULL && one && one->tx.count == SPARKLINE_LEN);
   RateHistory_recordKnown(&h, &table);
   RateHistory_prune(&h, &table);   /* not drawn for SPARKLINE_LEN + 1 samples */
   CHECK(h.count == 0 && RateHistory_find(&h, &k1) == NULL);
   RateHistory_done(&h);
   ConnTable_done(&table);
}

static void test_resolver(void) {
   Resolver* r = Resolver_new();
   CHECK(r != NULL);
   if (!r)
      return;
   uint8_t lo[16] = { 127, 0, 0, 1 };
   char name[256];
   CHECK(!Resolver_name(r, AF_INET, lo, name, sizeof(name)));   /* queued, not known yet */
   bool known = false;
   for (int i = 0; i < 500 && !known; i++) {
      struct timespec ts = { 0, 10 * 1000 * 1000 };
      nanosleep(&ts, NULL);
      known = Resolver_name(r, AF_INET, lo, name, sizeof(name));
   }
   CHECK(known);   /* /etc/hosts names 127.0.0.1 */
   if (known)
      CHECK(strlen(name) > 0 && strcmp(name, "127.0.0.1") != 0);
   Resolver_free(r);
}

static void test_fit(void) {
   char out[128];
   const char* v6 = "2001:db8:85a3:1234:5678:8a2e:370:7334";   /* 37 characters */
   CHECK_STR(Cells_fit(v6, 15, false, true, "~", out, sizeof(out)), "2001:db~70:7334");
   CHECK(strlen(Cells_fit(v6, 15, false, true, "~", out, sizeof(out))) == 15);
   CHECK_STR(Cells_fit(v6, 15, false, true, "…", out, sizeof(out)), "2001:db…70:7334");
   CHECK_STR(Cells_fit(v6, 39, false, true, "~", out, sizeof(out)), "2001:db8:85a3:1234:5678:8a2e:370:7334  ");
   CHECK_STR(Cells_fit("42", 5, true, false, "~", out, sizeof(out)), "   42");
   CHECK_STR(Cells_fit("python3", 4, false, false, "~", out, sizeof(out)), "pyth");
   CHECK_STR(Cells_fit("x", 0, false, false, "~", out, sizeof(out)), "");
}

static void test_units(void) {
   Settings settings;
   Settings_init(&settings);
   char out[32];
   Cells_formatRate(settings.units, 1536, out, sizeof(out));
   CHECK_STR(out, "1.5K");                               /* bytes: units of 1024 */
   settings.units = SETTINGS_UNITS_BITS;
   Cells_formatRate(settings.units, 1500, out, sizeof(out));
   CHECK_STR(out, "12kb");                               /* bits: units of 1000 */
   Cells_formatRate(settings.units, 125000000, out, sizeof(out));
   CHECK_STR(out, "1.0Gb");
   Cells_formatRate(settings.units, 100, out, sizeof(out));
   CHECK_STR(out, "800b");
}

/* A row's cells: rates read through the column descriptor in the chosen
 * units, addresses numeric without names, control characters replaced. */
static void test_cells(void) {
   CellFormat f = { .units = SETTINGS_UNITS_BITS };
   Conn c;
   memset(&c, 0, sizeof(c));
   ConnKey key = ConnKey_tcp(1, 0);
   Conn_setKey(&c, &key);
   Conn_setAddrs(&c, AF_INET, (uint8_t[16]){ 127, 0, 0, 1 }, (uint8_t[16]){ 10, 0, 0, 2 });
   c.txRate = 1500;
   c.rxRate = 500;
   c.hasOwner = true;
   snprintf(c.comm, sizeof(c.comm), "a\tb");
   char out[CELLS_LEN];
   Cells_format(&f, COLUMN_TX_RATE, &c, out, sizeof(out));
   CHECK_STR(out, "12kb");
   Cells_format(&f, COLUMN_RX_RATE, &c, out, sizeof(out));
   CHECK_STR(out, "4.0kb");
   Cells_format(&f, COLUMN_RATE, &c, out, sizeof(out));
   CHECK_STR(out, "16kb");
   f.units = SETTINGS_UNITS_BYTES;
   Cells_format(&f, COLUMN_RATE, &c, out, sizeof(out));
   CHECK_STR(out, "2.0K");
   Cells_format(&f, COLUMN_LADDR, &c, out, sizeof(out));
   CHECK_STR(out, "127.0.0.1");
   Cells_format(&f, COLUMN_RADDR, &c, out, sizeof(out));
   CHECK_STR(out, "10.0.0.2");
   Cells_format(&f, COLUMN_COMM, &c, out, sizeof(out));
   CHECK_STR(out, "a?b");
   CHECK(Cells_isAddress(COLUMN_LADDR) && Cells_isAddress(COLUMN_RADDR) && !Cells_isAddress(COLUMN_LPORT));
}

/* --- the view over many rows, without a terminal or a kernel --- */

static void fake_status(Backend* b, BackendStatus* out) {
   (void)b;
   memset(out, 0, sizeof(*out));
}
static const BackendOps fake_ops = { .name = "fake", .status = fake_status };
static Backend fake_backend = { .ops = &fake_ops };

static uint64_t test_rand(uint64_t* s) {
   *s ^= *s << 13;
   *s ^= *s >> 7;
   *s ^= *s << 17;
   return *s;
}

/* cgroup names longer than a sort key's 8 bytes, alike in them: the sort
 * compares their texts (ids 95..103: not the texts' order). */
static const char* test_cgroupPath(uint64_t id) {
   static char path[64];
   snprintf(path, sizeof(path), "/kubepods.slice/pod-%llu.scope", (unsigned long long)(id * 7919 % 1000));
   return path;
}
static const char* test_cgroupName(uint64_t id) {
   static char name[64];
   snprintf(name, sizeof(name), "container-%llu", (unsigned long long)(id * 7919 % 1000));
   return name;
}
static const NamesOps test_names = { .cgroupPath = test_cgroupPath, .cgroupName = test_cgroupName };

/* IPv6 addresses of every shape inet_ntop writes: zero runs (the longest,
 * the first of equals, single zeros), IPv4-mapped and -compatible, loopback. */
static void test_ipv6(uint8_t a[16], uint64_t r) {
   static const uint8_t shapes[][16] = {
      { 0x20, 0x01, 0x0d, 0xb8 }, { [15] = 1 }, { 0 }, { [10] = 0xff, [11] = 0xff, 127, 0, 0, 1 },
      { [12] = 10, 0, 0, 2 }, { 0, 1 }, { 0, 1, [7] = 1, [15] = 1 }, { 0x20, 1, [5] = 1, [9] = 2, [13] = 3 },
      { 0xfe, 0x80, [8] = 0x12, 0x34 }, { [5] = 0x10, [14] = 0xab, 0xcd }, { [12] = 0, 0, 0, 1 },
   };
   memcpy(a, shapes[r % ARRAY_SIZE(shapes)], 16);
   if (r % 3 == 0)
      a[(r >> 8) % 16] ^= (uint8_t)(r >> 16);   /* a word more or less: other runs */
}

/* n rows with many ties: few rates and byte counts, cookies equal in
 * their low 32 bits, UDP flows of one socket, IPv4 and IPv6, comms short
 * and long, states, owners known and not. */
static void test_fillRows(Monitor* m, size_t n, uint64_t seed) {
   static const char* const comms[] = { "netgen", "nginx", "postgres-writer", "a", "sshd", "haproxy-worker" };
   for (size_t i = 0; i < n; i++) {
      uint64_t r = test_rand(&seed);
      uint8_t peer[16] = { 10, 0, (uint8_t)(r >> 8), (uint8_t)r };
      ConnKey k = i % 17 == 3 ? ConnKey_udp(i / 4 + 1, 0, AF_INET, peer, (uint16_t)(53 + i % 4))
                              : ConnKey_tcp(((uint64_t)(r % 3) << 32) | (i / 2 + 1), 0);
      bool created;
      Conn* c = ConnTable_get(&m->table, &k, &created);
      int family = i % 5 == 0 ? AF_INET6 : AF_INET;
      uint8_t a[16] = { 127, 0, 0, (uint8_t)(1 + r % 3) }, b[16];
      if (family == AF_INET6)
         test_ipv6(a, r);
      memcpy(b, a, 16);
      b[family == AF_INET6 ? 15 : 3] ^= 1;
      Conn_setAddrs(c, family, a, b);
      c->lport = (uint16_t)(5000 + r % 40);
      c->rport = (uint16_t)(30000 + (r >> 20) % 30000);
      c->state = i % 29 == 0 ? CONN_CLOSED : (uint8_t)(CONN_ESTABLISHED + (r >> 30) % 3);
      c->hasOwner = r % 11 != 0;
      snprintf(c->comm, sizeof(c->comm), "%s", comms[(r >> 33) % 6]);
      c->pid = (uint32_t)(100 + (r >> 40) % 50);
      c->uid = 0;
      c->txRate = (float)((r >> 12) % 4 == 0 ? 0 : (r >> 14) % 5 * 16);
      c->rxRate = (float)((r >> 18) % 3 * 16);
      c->txBytes = (r >> 22) % 7 * 1000;
      Conn_setStartTime(c, 1000 + (double)((r >> 26) % 9));
      c->cgroupId = (r >> 44) % 4 ? 95 + (r >> 46) % 9 : 0;   /* texts "95" .. "103": not the ids' order */
   }
   free(m->rows);
   m->rows = ConnTable_rows(&m->table, &m->nRows);
}

static void test_monitor(Monitor* m, Settings* settings) {
   Settings_init(settings);
   memset(m, 0, sizeof(*m));
   m->settings = settings;
   m->backend = &fake_backend;
   ColumnList_default(&m->columns);
   char* err = NULL;
   SortOrder_parse(&m->sort, "rate", &err);
   ConnTable_init(&m->table);
}

static void test_monitorDone(Monitor* m) {
   free(m->rows);
   ConnTable_done(&m->table);
}

/* The rows the view shows, fully sorted: the reference. */
static Conn** test_reference(View* v) {
   Conn** ref = malloc(sizeof(Conn*) * (v->nRows + 1));
   memcpy(ref, v->visible, sizeof(Conn*) * v->nRows);
   SortOrder_sort(&v->sort, ref, v->nRows);
   return ref;
}

/* Positions from..to of the view equal the full sort's, and so does all
 * the range the view holds sorted (what it sorted ahead too). */
static bool test_pageEquals(View* v, Conn* const* ref, size_t from, size_t to) {
   View_sortRange(v, from, to);
   for (size_t i = v->sortedFrom; i < v->sortedTo; i++) {
      if (v->visible[SortOrder_index(&v->order[i])] != ref[i])
         return false;
   }
   for (size_t i = from; i < to && i < v->nRows; i++) {
      if (View_row(v, i) != ref[i])
         return false;
   }
   return true;
}

/* The full sort itself against a plain comparison of the column, then
 * the cookie's low 32 bits, the cookie, the whole key. */
static bool test_sortedByHand(const SortOrder* so, Conn* const* ref, size_t n) {
   const Column* col = &Column_table[so->column];
   for (size_t i = 0; i + 1 < n; i++) {
      const Conn *a = ref[i], *b = ref[i + 1];
      int r = col->compare ? col->compare(a, b)
                           : (Column_sortValue(col, a) > Column_sortValue(col, b)) - (Column_sortValue(col, a) < Column_sortValue(col, b));
      r = so->descending ? -r : r;
      if (!r)
         r = ((uint32_t)a->cookie > (uint32_t)b->cookie) - ((uint32_t)a->cookie < (uint32_t)b->cookie);
      if (!r)
         r = (a->cookie > b->cookie) - (a->cookie < b->cookie);
      if (!r) {
         ConnKey ka = Conn_key(a), kb = Conn_key(b);
         r = memcmp(&ka, &kb, sizeof(ka));
      }
      if (r >= 0)
         return false;
   }
   return true;
}

/* Pages at the top, far down, the end, back, touching and apart: each
 * equal to the full sort's rows. */
static void test_pages(const char* sort) {
   Settings settings;
   Monitor m;
   test_monitor(&m, &settings);
   test_fillRows(&m, 5000, 42);
   View v;
   View_init(&v, &m);
   char* err = NULL;
   CHECK(SortOrder_parse(&v.sort, sort, &err) == 0);
   View_rebuild(&v);
   Conn** ref = test_reference(&v);
   bool byHand = test_sortedByHand(&v.sort, ref, v.nRows);
   CHECK(byHand);
   size_t n = v.nRows, h = 45;
   static const size_t starts[] = { 0, 45, 90, 3000, 2990, 4990, 60, 0, 1000, 1044, 955, 1290, 700, 1600, 200, 2500 };
   bool same = true;
   for (size_t i = 0; i < ARRAY_SIZE(starts); i++)
      same = same && test_pageEquals(&v, ref, starts[i] < n ? starts[i] : n - 1, starts[i] + h);
   same = same && test_pageEquals(&v, ref, n - h, n) && test_pageEquals(&v, ref, 0, n);
   if (!same)
      fprintf(stderr, "sort %s: a page differs from the full sort\n", sort);
   CHECK(same);
   /* the selection follows its connection to its new position */
   View_selectIndex(&v, 17);
   Conn* chosen = View_row(&v, 17);
   chosen->txRate = 7;   /* moves in a rate order */
   Conn_setStartTime(chosen, 999.5);
   m.samples++;          /* as a sample changes rows */
   View_rebuild(&v);
   free(ref);
   ref = test_reference(&v);
   CHECK(v.hasSelection && v.selected < v.nRows && ref[v.selected] == chosen && View_row(&v, v.selected) == chosen);
   CHECK(test_pageEquals(&v, ref, v.selected, v.selected + h));
   free(ref);
   /* a / text, then cleared in the same sample: the rows past t and c are
    * taken again as they were, the selection on its row */
   size_t all = v.nRows;
   snprintf(v.filter, sizeof(v.filter), "500");
   View_rebuild(&v);
   ref = test_reference(&v);
   CHECK(v.nRows < all && test_pageEquals(&v, ref, 0, h) && test_pageEquals(&v, ref, v.nRows - h, v.nRows));
   free(ref);
   View_selectIndex(&v, 3);
   chosen = View_row(&v, 3);
   v.filter[0] = '\0';
   View_rebuild(&v);
   ref = test_reference(&v);
   CHECK(v.nRows == all && ref[v.selected] == chosen && View_row(&v, v.selected) == chosen);
   CHECK(test_pageEquals(&v, ref, 0, h) && test_pageEquals(&v, ref, v.selected, v.selected + h));
   free(ref);
   View_done(&v);
   test_monitorDone(&m);
}

/* The old way: the row's text made, then searched. */
static bool test_filterByText(const char* pattern, const Conn* c) {
   char text[512], la[INET6_ADDRSTRLEN], ra[INET6_ADDRSTRLEN];
   int af = c->family == AF_INET6 ? AF_INET6 : AF_INET;
   inet_ntop(af, Conn_laddr(c), la, sizeof(la));
   inet_ntop(af, Conn_raddr(c), ra, sizeof(ra));
   snprintf(text, sizeof(text), "%s\t%s:%u\t%s:%u\t%s\t%s", c->hasOwner ? c->comm : "", la, c->lport, ra, c->rport,
            c->isGroup ? "" : Conn_stateName(c->state), c->proto == IPPROTO_UDP ? "udp" : "tcp");
   const char* path = c->cgroupId ? Names_cgroupPath(c->cgroupId) : NULL;
   return strcasestr(text, pattern) != NULL || (path && strcasestr(path, pattern) != NULL);
}

static void test_filter(void) {
   Settings settings;
   Monitor m;
   test_monitor(&m, &settings);
   test_fillRows(&m, 3000, 7);
   static const char* const patterns[] = { "5001", "50", "0", "1", "27", "127.0", "0.0.2", ".3", ":5003", "1:50",
                                           "2001:db8", "DB8::", "::1", "NGINX", "writer", "estab", "SYN", "udp",
                                           "TCP", "closed", "ACTIVE", "30000", "3000", "e", "-", "x", "::", ":0:",
                                           "0:1", "1.2", ":ffff:", "ffff:127", "::a", "fe80::", "1::", ":1:",
                                           "0.0.1:", "b8::", ":0", "10.0.0", "::1:5", "127.0.0.2:50", ".1:500",
                                           "1:", ":", "2:5003", "0.0.3:30", "1:500x", "7.0.0.1:5000", "kubepods",
                                           "POD-5", "scope", "d-9" };
   RowFilter f;
   memset(&f, 0, sizeof(f));
   for (size_t p = 0; p < ARRAY_SIZE(patterns); p++) {
      RowFilter_begin(&f, patterns[p]);
      size_t wrong = 0, matched = 0;
      for (size_t i = 0; i < m.nRows; i++) {
         bool want = test_filterByText(patterns[p], m.rows[i]);
         wrong += RowFilter_matches(&f, m.rows[i]) != want;
         matched += want;
      }
      if (wrong)
         fprintf(stderr, "filter '%s': %zu rows of %zu differ (%zu match)\n", patterns[p], wrong, m.nRows, matched);
      CHECK(wrong == 0);
   }
   test_monitorDone(&m);
}

static double test_now(void) {
   struct timespec ts;
   clock_gettime(CLOCK_MONOTONIC, &ts);
   return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A key as the screen answers it: the rows again, then the list's page;
 * the least of five (others share the machine). fresh: the rows are read
 * again each time (a key that changes the basis, as a sort does). */
static double bench_key(View* v, size_t top, bool fresh) {
   double best = 1e9;
   for (int i = 0; i < 5; i++) {
      v->monitor->samples += fresh;
      double t0 = test_now();
      View_rebuild(v);
      View_sortRange(v, top, top + 45);
      double t = 1000 * (test_now() - t0);
      best = t < best ? t : best;
   }
   return best;
}

static double bench_range(View* v, size_t from) {
   double t0 = test_now();
   View_sortRange(v, from, from + 45);
   return 1000 * (test_now() - t0);
}

/* --bench N...: the view's steps at N rows, in ms (CLOCK_MONOTONIC). */
static void bench(size_t n) {
   Settings settings;
   Monitor m;
   test_monitor(&m, &settings);
   test_fillRows(&m, n, 99);
   View v;
   View_init(&v, &m);
   double t0 = test_now();
   Conn** all = malloc(sizeof(Conn*) * (m.nRows + 1));
   memcpy(all, m.rows, sizeof(Conn*) * m.nRows);
   SortOrder_sort(&m.sort, all, m.nRows);
   double full = 1000 * (test_now() - t0);
   double history = 1e9, watched = 1e9;
   for (int i = 0; i < 5; i++) {
      double h0 = test_now();
      RateHistory_record(&v.history, m.rows, m.nRows);
      RateHistory_prune(&v.history, &m.table);
      history = 1000 * (test_now() - h0) < history ? 1000 * (test_now() - h0) : history;
   }
   RateHistory_done(&v.history);
   v.history.watchedOnly = true;
   for (size_t i = 0; i < 64 * 45 && i < m.nRows; i++)
      RateHistory_watch(&v.history, m.rows[i]);   /* 64 pages drawn */
   for (int i = 0; i < 5; i++) {
      double h0 = test_now();
      RateHistory_recordKnown(&v.history, &m.table);
      RateHistory_prune(&v.history, &m.table);
      watched = 1000 * (test_now() - h0) < watched ? 1000 * (test_now() - h0) : watched;
   }
   double interval = bench_key(&v, 0, true);
   double page = bench_range(&v, 45);
   double end = bench_range(&v, v.nRows - 45);
   v.sort.column = COLUMN_LADDR;
   double sortAddr = bench_key(&v, 0, true);
   v.sort.column = COLUMN_LPORT;
   double sortPort = bench_key(&v, 0, true);
   snprintf(v.filter, sizeof(v.filter), "5001");
   double filter = bench_key(&v, 0, true);
   double filterAgain = bench_key(&v, 0, false);
   snprintf(v.filter, sizeof(v.filter), "127.0.0.2:50");
   double filterText = bench_key(&v, 0, true);
   v.filter[0] = '\0';
   double cleared = bench_key(&v, 0, false);
   printf("%8zu rows: histories: all %.1f, drawn only %.2f; full sort %.1f | rebuild+page: rate %.1f, sort laddr %.1f, lport %.1f, /5001 %.1f (again %.1f), "
          "/127.0.0.2:50 %.1f, cleared %.1f | page down %.2f, end %.1f ms\n",
          m.nRows, history, watched, full, interval, sortAddr, sortPort, filter, filterAgain, filterText, cleared, page, end);
   free(all);
   View_done(&v);
   test_monitorDone(&m);
}

int main(int argc, char** argv) {
   if (argc > 2 && strcmp(argv[1], "--bench") == 0) {
      for (int i = 2; i < argc; i++)
         bench((size_t)strtoul(argv[i], NULL, 10));
      return 0;
   }
   test_fit();
   test_units();
   test_cells();
   test_sparkline();
   test_graph();
   test_history();
   test_historyWatched();
   test_resolver();
   static const char* const sorts[] = { "rate", "+rate", "tx_bytes", "lport", "-rport", "laddr", "-raddr", "comm",
                                        "-comm", "state", "pid", "age_s", "proto", "user", "cgroup", "-cgroup_path" };
   Names_use(&test_names);
   for (size_t i = 0; i < ARRAY_SIZE(sorts); i++)
      test_pages(sorts[i]);
   test_filter();
   Names_use(NULL);
   return check_done("test_screen");
}
