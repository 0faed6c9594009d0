/* The screen's pieces that need no terminal: cell fitting (middle ellipsis),
 * rate units (bytes, bits), cells by column (rates, addresses), sparklines
 * (UTF-8 and ASCII, scaling, the ring), the multi-row graph, the rate
 * histories (from the first traffic on, copied for a pause, freed once
 * their row is gone), and the resolver (numeric first, never blocking; the
 * name once the thread has it). */
#include "config.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "config/Settings.h"
#include "ui/Cells.h"
#include "ui/RateHistory.h"
#include "ui/Resolver.h"
#include "ui/Sparkline.h"
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
   CHECK(RateHistory_find(&h, &rows[0]->key) == NULL);
   const ConnHistory* one = RateHistory_find(&h, &rows[1]->key);
   CHECK(one && Sparkline_get(&one->tx, 0) == 101 && one->tx.count == 1 && one->rx.count == 1);
   RateHistory_copy(&frozen, &h);
   rows[1]->txRate = 0;
   RateHistory_record(&h, rows, N);
   one = RateHistory_find(&h, &rows[1]->key);
   CHECK(one && one->tx.count == 2 && Sparkline_get(&one->tx, 0) == 0 && Sparkline_get(&one->tx, 1) == 101);
   CHECK(RateHistory_find(&frozen, &rows[1]->key)->tx.count == 1);
   /* rows 1..N-1 forgotten by the table (not recorded): their histories go */
   ConnKey second = rows[1]->key, last = rows[N - 1]->key, never = ConnKey_tcp(N + 1, 7);
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
   c.key = ConnKey_tcp(1, 0);
   c.family = AF_INET;
   memcpy(c.laddr, (uint8_t[]){ 127, 0, 0, 1 }, 4);
   memcpy(c.raddr, (uint8_t[]){ 10, 0, 0, 2 }, 4);
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

int main(void) {
   test_fit();
   test_units();
   test_cells();
   test_sparkline();
   test_graph();
   test_history();
   test_resolver();
   return check_done("test_screen");
}
