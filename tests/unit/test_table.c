/* ConnTable (insert, find, backward-shift removal under churn), column and
 * sort parsing, sorting, the CSV/JSON writers' escaping, and the number
 * formatting that stands in for printf (checked against printf). */
#include "config.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/Column.h"
#include "core/ConnTable.h"
#include "core/Format.h"
#include "core/Names.h"
#include "core/RadixSort.h"
#include "core/Output.h"
#include "core/XUtils.h"
#include "check.h"

/* A row's key, as ConnTable_get sets it. */
static void test_setKey(Conn* c, ConnKey k) {
   Conn_setKey(c, &k);
}

static void test_table_churn(void) {
   ConnTable t;
   ConnTable_init(&t);
   enum { N = 5000 };
   uint8_t addr[16] = { 10, 0, 0, 1 };
   bool created;
   for (uint64_t i = 1; i <= N; i++) {
      ConnKey k = i % 3 ? ConnKey_tcp(i, i * 1000) : ConnKey_udp(i, i * 1000, AF_INET, addr, (uint16_t)i);
      Conn* c = ConnTable_get(&t, &k, &created);
      CHECK(created);
      c->txBytes = i;
   }
   CHECK(t.count == N);
   /* remove every other one, then all the others must still be found */
   for (uint64_t i = 1; i <= N; i += 2) {
      ConnKey k = i % 3 ? ConnKey_tcp(i, i * 1000) : ConnKey_udp(i, i * 1000, AF_INET, addr, (uint16_t)i);
      ConnTable_remove(&t, &k);
   }
   int found = 0, wrong = 0, ghosts = 0;
   for (uint64_t i = 1; i <= N; i++) {
      ConnKey k = i % 3 ? ConnKey_tcp(i, i * 1000) : ConnKey_udp(i, i * 1000, AF_INET, addr, (uint16_t)i);
      Conn* c = ConnTable_find(&t, &k);
      if (i % 2 == 0) {
         found += c != NULL;
         wrong += c && c->txBytes != i;
      } else {
         ghosts += c != NULL;
      }
   }
   CHECK(found == N / 2);
   CHECK(wrong == 0);
   CHECK(ghosts == 0);
   CHECK(t.count == N / 2);
   /* same cookie, another start: a different row */
   ConnKey a = ConnKey_tcp(2, 2000), b = ConnKey_tcp(2, 2001);
   CHECK(ConnTable_get(&t, &a, &created) && !created);
   CHECK(ConnTable_get(&t, &b, &created) && created);
   size_t n;
   Conn** rows = ConnTable_rows(&t, &n);
   CHECK(n == t.count);
   free(rows);
   /* the blocks hold every live row once (5,000 rows: two blocks), the
    * removed ones not live; removing the row visited is allowed */
   size_t live = 0, evenSeen = 0, removed = 0, nb;
   Conn* block;
   for (size_t bi = 0; (block = ConnTable_block(&t, bi, &nb)); bi++) {
      for (size_t i = 0; i < nb; i++) {
         if (!Conn_live(&block[i]))
            continue;
         live++;
         evenSeen += block[i].txBytes % 2 == 0;
         if (block[i].txBytes % 4 == 0) {
            ConnKey k = Conn_key(&block[i]);
            ConnTable_remove(&t, &k);
            removed++;
         }
      }
   }
   CHECK(live == N / 2 + 1);   /* and (2, 2001), of txBytes 0 */
   CHECK(evenSeen == N / 2 + 1);
   CHECK(removed == N / 4 + 1 && t.count == N / 2 + 1 - removed);
   /* the spare rows are used again: no new block for as many new rows */
   size_t blocks = t.nBlocks;
   for (uint64_t i = 1; i <= removed; i++) {
      ConnKey k = ConnKey_tcp(N + i, 1);
      ConnTable_get(&t, &k, &created);
   }
   CHECK(t.nBlocks == blocks);
   ConnTable_done(&t);
}

/* The rows a sample touched: each once, a removed one out, reset empties. */
static void test_touched(void) {
   ConnTable t;
   ConnTable_init(&t);
   bool created;
   Conn* rows[3];
   for (int i = 0; i < 3; i++) {
      ConnKey k = ConnKey_tcp(100 + i, 1);
      rows[i] = ConnTable_get(&t, &k, &created);
   }
   CHECK(t.nTouched == 0);
   rows[0]->txBytes = 10;
   rows[0]->rxPackets = 3;
   ConnTable_touch(&t, rows[0]);   /* before a change: the counters then are kept */
   rows[0]->txBytes = 25;
   ConnTable_touch(&t, rows[2]);
   ConnTable_touch(&t, rows[0]);   /* again: the first counters stay */
   rows[0]->txBytes = 40;
   CHECK(t.nTouched == 2);
   CHECK(t.touched[0].row == rows[0] && t.touched[1].row == rows[2]);
   CHECK(t.touched[0].txBytes == 10 && t.touched[0].rxPackets == 3 && t.touched[1].txBytes == 0);
   ConnKey k0 = Conn_key(rows[0]);
   ConnTable_remove(&t, &k0);
   CHECK(t.nTouched == 1 && t.touched[0].row == rows[2]);
   ConnTable_touchedReset(&t);
   CHECK(t.nTouched == 0);
   rows[2]->rxBytes = 7;
   ConnTable_touch(&t, rows[2]);   /* touched again in the next sample: from its counters now */
   CHECK(t.nTouched == 1 && t.touched[0].rxBytes == 7);
   ConnTable_touchedReset(&t);
   ConnKey k = ConnKey_tcp(200, 1);
   Conn* fresh = ConnTable_get(&t, &k, &created);   /* a reused (spare) row starts untouched */
   ConnTable_touch(&t, fresh);
   CHECK(t.nTouched == 1 && t.touched[0].row == fresh && t.touched[0].txBytes == 0);
   ConnTable_done(&t);
}

/* UDP flows of one socket by peer, IPv4 and IPv6: the peer is the row's
 * own raddr (not a copy in a key), the key made again from the row. */
static void test_flow_keys(void) {
   ConnTable t;
   ConnTable_init(&t);
   bool created;
   uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 9 }, v4[16] = { 10, 0, 0, 1 };
   ConnKey a = ConnKey_udp(5, 1, AF_INET6, v6, 53), b = ConnKey_udp(5, 1, AF_INET, v4, 53);
   Conn* ra = ConnTable_get(&t, &a, &created);
   CHECK(created && ra->family == AF_INET6 && memcmp(Conn_raddr(ra), v6, 16) == 0 && ra->rport == 53);
   Conn* rb = ConnTable_get(&t, &b, &created);
   CHECK(created && rb != ra && rb->family == AF_INET && memcmp(Conn_raddr(rb), v4, 4) == 0);
   v4[5] = 7;   /* past an IPv4 address: not part of the key */
   ConnKey b2 = ConnKey_udp(5, 1, AF_INET, v4, 53);
   CHECK(ConnTable_find(&t, &b2) == rb);
   v6[15] = 10;
   ConnKey a2 = ConnKey_udp(5, 1, AF_INET6, v6, 53);
   CHECK(ConnTable_find(&t, &a2) == NULL);
   ConnKey back = Conn_key(ra);
   CHECK(memcmp(&back, &a, sizeof(a)) == 0 && Conn_hasKey(ra, &a) && !Conn_hasKey(ra, &b));
   uint8_t l6[16] = { 0xfe, 0x80, [15] = 1 };
   Conn_setAddrs(ra, AF_INET6, l6, Conn_raddr(ra));   /* the local end learned later */
   CHECK(memcmp(Conn_laddr(ra), l6, 16) == 0 && ConnTable_find(&t, &a) == ra);
   Conn copy;
   Conn_copy(&copy, ra);
   ConnTable_remove(&t, &a);   /* a copy keeps its own addresses */
   CHECK(memcmp(Conn_laddr(&copy), l6, 16) == 0 && ConnTable_find(&t, &a) == NULL);
   /* from IPv6 to IPv4 with the row's own addresses: read before they are freed */
   Conn_setAddrs(&copy, AF_INET6, l6, v6);
   Conn_setAddrs(&copy, AF_INET, Conn_laddr(&copy), Conn_raddr(&copy));
   CHECK(copy.family == AF_INET && memcmp(copy.laddr4, l6, 4) == 0 && memcmp(copy.raddr4, v6, 4) == 0);
   Conn_freeCopy(&copy);
   ConnTable_done(&t);
}

static void test_columns(void) {
   ColumnList cl;
   char* err = NULL;
   CHECK(ColumnList_parse(&cl, "proto, pid,tx_bytes", &err) == 0);
   CHECK(cl.count == 3 && strcmp(Column_table[cl.ids[1]].key, "pid") == 0);
   CHECK(ColumnList_parse(&cl, "proto,nope", &err) < 0);
   CHECK_CONTAINS(err, "unknown column 'nope'; valid columns: time, proto, laddr");
   free(err);
   err = NULL;
   CHECK(ColumnList_parse(&cl, ",", &err) < 0);
   free(err);
   err = NULL;
   SortOrder so;
   CHECK(SortOrder_parse(&so, "tx_bytes", &err) == 0 && so.descending);
   CHECK(SortOrder_parse(&so, "comm", &err) == 0 && !so.descending);
   CHECK(SortOrder_parse(&so, "-comm", &err) == 0 && so.descending);
   CHECK(SortOrder_parse(&so, "+tx_bytes", &err) == 0 && !so.descending);
   CHECK(SortOrder_parse(&so, "bogus", &err) < 0);
   free(err);
   /* every column has the fields the output and the screen rely on */
   for (int i = 0; i < Column_count; i++) {
      const Column* c = &Column_table[i];
      CHECK(c->key && c->title && c->description && c->width > 0);
      CHECK((c->raw != NULL) != (c->field != COLUMN_NOT_FIELD));   /* one way to read it */
      CHECK((c->compare != NULL) != Column_sortsByValue(c));        /* one way to sort */
      CHECK(!c->rate || (c->humanBytes && Column_sortsByValue(c)));   /* a rate is a value in bytes/s */
   }
   /* the ids name the table's rows; rates are the three per-second ones */
   CHECK(Column_find("laddr") == COLUMN_LADDR && Column_find("raddr") == COLUMN_RADDR);
   CHECK(Column_find("age_s") == COLUMN_AGE_S && Column_count == COLUMN_BUILTIN_COUNT);
   int rates = 0;
   for (int i = 0; i < Column_count; i++)
      rates += Column_table[i].rate;
   CHECK(rates == 3 && Column_table[COLUMN_TX_RATE].rate && Column_table[COLUMN_RX_RATE].rate &&
         Column_table[COLUMN_RATE].rate);
}

/* Probe metric columns: appended after the built-ins, found by key, sorted
 * by the row's slot, shown in human bytes when their unit is "bytes", and
 * dropped again. */
static void test_metric_columns(void) {
   CHECK(Column_count == COLUMN_BUILTIN_COUNT);
   CHECK(Column_table[COLUMN_BUILTIN_COUNT - 1].key != NULL && Column_table[COLUMN_BUILTIN_COUNT].key == NULL);
   CHECK(Column_addMetric("sends", "SENDS", "calls", "sum", 3, "p") == COLUMN_BUILTIN_COUNT);
   CHECK(Column_addMetric("big", "BIG", "bytes", "max", 0, "p") == COLUMN_BUILTIN_COUNT + 1);
   CHECK(Column_addMetric("sends", "X", "calls", "sum", 4, "q") < 0);    /* key taken */
   CHECK(Column_addMetric("rtt_us", "X", "calls", "sum", 4, "q") < 0);   /* a built-in's */
   CHECK(Column_addMetric("x", "X", "calls", "sum", CONN_METRICS, "q") < 0);
   CHECK(Column_isBuiltin("rtt_us") && !Column_isBuiltin("sends"));
   ColumnList cl;
   char* err = NULL;
   CHECK(ColumnList_parse(&cl, "lport,sends,big", &err) == 0 && cl.ids[1] == COLUMN_BUILTIN_COUNT);
   char* keys = Column_keyList();
   CHECK_CONTAINS(keys, "rtt_min_us, sends, big");
   ColumnList def;
   ColumnList_default(&def);
   CHECK(def.count == 17 && def.ids[15] == COLUMN_BUILTIN_COUNT && def.ids[16] == COLUMN_BUILTIN_COUNT + 1);
   free(keys);
   Conn c[3];
   memset(c, 0, sizeof(c));
   Conn* rows[3];
   uint64_t sends[3] = { 7, 70, 0 };
   uint64_t values[CONN_METRICS] = { 0 };
   for (int i = 0; i < 3; i++) {
      test_setKey(&c[i], ConnKey_tcp((uint64_t)(i + 1), 0));
      values[3] = sends[i];
      values[0] = i == 2 ? 0 : 5 << 20;
      Conn_setMetrics(&c[i], values);
      rows[i] = &c[i];
   }
   SortOrder so;
   CHECK(SortOrder_parse(&so, "sends", &err) == 0 && so.descending);
   SortOrder_sort(&so, rows, 3);
   CHECK(rows[0] == &c[1] && rows[1] == &c[0] && rows[2] == &c[2]);
   char out[64];
   RowContext ctx = { 0 };
   const Column* col = &Column_table[Column_find("sends")];
   CHECK(Column_raw(col, &c[1], &ctx, out, sizeof(out)) == 2 && strcmp(out, "70") == 0);
   col = &Column_table[Column_find("big")];
   CHECK(Column_human(col, &c[1], &ctx, out, sizeof(out)) == 4 && strcmp(out, "5.0M") == 0);
   /* metrics are TCP's: a UDP flow's cell is unknown */
   c[1].proto = IPPROTO_UDP;
   CHECK(Column_raw(col, &c[1], &ctx, out, sizeof(out)) == -1 && out[0] == '\0');
   CHECK(Column_human(col, &c[1], &ctx, out, sizeof(out)) == 1 && strcmp(out, "-") == 0);
   CHECK(strcmp(col->probe, "p") == 0 && col->kind == COLUMN_NUMBER);
   /* a row whose metrics are all 0 keeps none, and reads 0 */
   CHECK(c[2].metrics == NULL && c[0].metrics != NULL);
   CHECK(Column_raw(&Column_table[Column_find("sends")], &c[2], &ctx, out, sizeof(out)) == 1 && strcmp(out, "0") == 0);
   for (int i = 0; i < 3; i++)
      Conn_freeCopy(&c[i]);
   Column_clearMetrics();
   CHECK(Column_count == COLUMN_BUILTIN_COUNT && Column_find("sends") < 0);
}

static void test_sort(void) {
   Conn c[4];
   memset(c, 0, sizeof(c));
   Conn* rows[4];
   uint64_t bytes[4] = { 5, 50, 0, 50 };
   for (int i = 0; i < 4; i++) {
      test_setKey(&c[i], ConnKey_tcp((uint64_t)(i + 1), 0));
      c[i].txBytes = bytes[i];
      rows[i] = &c[i];
   }
   SortOrder so;
   char* err = NULL;
   SortOrder_parse(&so, "tx_bytes", &err);
   SortOrder_sort(&so, rows, 4);
   /* descending; equal values by cookie, so the order is stable between intervals */
   CHECK(rows[0] == &c[1] && rows[1] == &c[3] && rows[2] == &c[0] && rows[3] == &c[2]);
   SortOrder_parse(&so, "+tx_bytes", &err);
   SortOrder_sort(&so, rows, 4);
   CHECK(rows[0] == &c[2] && rows[3] == &c[3]);
   /* a string column compares rows; ties again by cookie */
   static const char* const comms[4] = { "sshd", "curl", "sshd", "bash" };
   for (int i = 0; i < 4; i++)
      snprintf(c[i].comm, sizeof(c[i].comm), "%s", comms[i]);
   SortOrder_parse(&so, "comm", &err);
   SortOrder_sort(&so, rows, 4);
   CHECK(rows[0] == &c[3] && rows[1] == &c[1] && rows[2] == &c[0] && rows[3] == &c[2]);
   SortOrder_parse(&so, "-comm", &err);
   SortOrder_sort(&so, rows, 4);
   CHECK(rows[0] == &c[0] && rows[1] == &c[2] && rows[2] == &c[1] && rows[3] == &c[3]);
   /* UDP flows of one socket tie on key and cookie: then the peer decides */
   uint8_t peer[16] = { 10, 0, 0, 9 };
   for (int i = 0; i < 4; i++) {
      peer[3] = (uint8_t)(9 - i);
      test_setKey(&c[i], ConnKey_udp(77, 0, AF_INET, peer, 53));
      c[i].txBytes = 5;
      rows[i] = &c[i];
   }
   SortOrder_parse(&so, "tx_bytes", &err);
   SortOrder_sort(&so, rows, 4);
   CHECK(rows[0] == &c[3] && rows[1] == &c[2] && rows[2] == &c[1] && rows[3] == &c[0]);
   /* age: the oldest first by default */
   for (int i = 0; i < 4; i++)
      Conn_setStartTime(&c[i], 1000 + (i * 7) % 4);
   SortOrder_parse(&so, "age_s", &err);
   SortOrder_sort(&so, rows, 4);
   CHECK(Conn_startTime(rows[0]) == 1000 && Conn_startTime(rows[3]) == 1003);
}

static void test_escaping(void) {
   char* s;
   CHECK_STR(s = check_capture(Output_csvField, "plain"), "plain");
   free(s);
   CHECK_STR(s = check_capture(Output_csvField, "a,b"), "\"a,b\"");
   free(s);
   CHECK_STR(s = check_capture(Output_csvField, "say \"hi\""), "\"say \"\"hi\"\"\"");
   free(s);
   CHECK_STR(s = check_capture(Output_jsonString, "a\"b\\c\n"), "\"a\\\"b\\\\c\\u000a\"");
   free(s);
}

static void test_csv_row(void) {
   Conn c;
   memset(&c, 0, sizeof(c));
   test_setKey(&c, ConnKey_tcp(7, 1));
   Conn_setAddrs(&c, AF_INET6, (const uint8_t[16]){ [15] = 1 }, Conn_noAddr6);
   c.lport = 443;
   c.state = CONN_ESTABLISHED;
   c.txBytes = 123456789012ull;
   strcpy(c.comm, "we,ird");
   c.hasOwner = true;
   c.pid = 42;
   ColumnList cl;
   char* err = NULL;
   ColumnList_parse(&cl, "proto,laddr,lport,pid,comm,state,tx_bytes,rtt_us", &err);
   char* buf = NULL;
   size_t len = 0;
   FILE* f = open_memstream(&buf, &len);
   Output o;
   Output_init(&o, f, OUTPUT_CSV, &cl);
   Conn* rows[1] = { &c };
   Summary sum = { .interval = 1 };
   RowContext ctx = { .wallNow = 1000, .monoNow = 5 };
   Output_interval(&o, rows, 1, &sum, &ctx);
   Output_interval(&o, rows, 1, &sum, &ctx);
   fclose(f);
   CHECK_STR(buf, "proto,laddr,lport,pid,comm,state,tx_bytes,rtt_us\n"
                  "tcp,::1,443,42,\"we,ird\",ESTABLISHED,123456789012,0\n"
                  "tcp,::1,443,42,\"we,ird\",ESTABLISHED,123456789012,0\n");
   free(buf);
   c.hasOwner = false;
   buf = NULL;
   f = open_memstream(&buf, &len);
   Output_init(&o, f, OUTPUT_JSON, &cl);
   Output_interval(&o, rows, 1, &sum, &ctx);
   fclose(f);
   CHECK_CONTAINS(buf, "\"connections\":[{\"proto\":\"tcp\",\"laddr\":\"::1\",\"lport\":443,\"pid\":null,\"comm\":null,");
   free(buf);
}

/* The rows the fast writers are checked on: quotes, separators, line
 * breaks and control characters in comm, IPv6, UDP (TCP-only cells
 * unknown), no owner, counters of 0 and 2^64 - 1, an age below 0. */
static void test_outputRows(Conn* c) {
   memset(c, 0, 5 * sizeof(*c));
   test_setKey(&c[0], ConnKey_tcp(1, 1));
   Conn_setAddrs(&c[0], AF_INET, (const uint8_t[16]){ 127, 0, 0, 1 }, (const uint8_t[16]){ 10, 200, 3, 255 });
   c[0].lport = 65535;
   c[0].state = CONN_ESTABLISHED;
   c[0].txBytes = c[0].rxPackets = UINT64_MAX;
   c[0].retrans = UINT32_MAX;
   c[0].hasOwner = true;
   strcpy(c[0].comm, "a,b");
   Conn_setStartTime(&c[0], 999.95);
   c[0].cgroupId = 12345;
   c[0].netns = 4026531840u;
   c[1] = c[0];
   test_setKey(&c[1], ConnKey_tcp(2, 1));
   Conn_setAddrs(&c[1], AF_INET6, (const uint8_t[16]){ [15] = 1 },
                 (const uint8_t[16]){ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3, 4 });
   strcpy(c[1].comm, "say \"hi\"\n");
   c[1].txRate = 1234.5f;
   c[1].rxRate = 0.49f;
   c[1].rttUs = 7;
   Conn_setStartTime(&c[1], 1000.5);   /* after the sample: age 0 */
   c[2] = c[0];
   test_setKey(&c[2], ConnKey_udp(3, 1, AF_INET6, Conn_raddr(&c[1]), 53));
   c[2].state = CONN_UDP_IDLE;
   c[2].hasOwner = false;
   c[3] = c[1];
   test_setKey(&c[3], ConnKey_tcp(4, 2));
   c[3].state = CONN_CLOSED;
   c[3].uid = CONN_UID_UNKNOWN;
   strcpy(c[3].comm, "x\r\\y\x01 fifteen");
   c[4] = c[0];
   test_setKey(&c[4], ConnKey_tcp(5, 3));
   c[4].txBytes = c[4].rxBytes = c[4].rxPackets = 0;
   c[4].retrans = 0;
   strcpy(c[4].comm, "plain");
   c[4].cgroupId = c[4].netns = 0;
}

/* The writers as they were (printf family, a field at a time), to compare with. */
static char* test_outputOld(const ColumnList* cl, Conn* const* rows, size_t n, const RowContext* ctx, bool json) {
   char* buf = NULL;
   size_t len = 0;
   FILE* f = open_memstream(&buf, &len);
   for (size_t i = 0; i < n; i++) {
      for (int j = 0; j < cl->count; j++) {
         const Column* col = &Column_table[cl->ids[j]];
         char cell[64];
         int l = Column_raw(col, rows[i], ctx, cell, sizeof(cell));
         if (json) {
            fprintf(f, "%s\"%s\":", j ? "," : "{", col->key);
            if (l < 0)
               fputs("null", f);
            else if (col->kind == COLUMN_NUMBER)
               fputs(cell, f);
            else
               Output_jsonString(f, cell);
         } else {
            if (j)
               fputc(',', f);
            if (l > 0 && col->freeText)
               Output_csvField(f, cell);
            else if (l > 0)
               fputs(cell, f);
         }
      }
      fputs(json ? "}" : "\n", f);
      if (json)
         fputs(i + 1 < n ? "," : "]}\n", f);
   }
   fclose(f);
   return buf;
}

/* The text lines as they were made: widths column by column, cells padded
 * (numbers right-aligned, the last string column not padded). */
static char* test_textOld(const ColumnList* cl, Conn* const* rows, size_t n, const RowContext* ctx) {
   char* buf = NULL;
   size_t len = 0;
   FILE* f = open_memstream(&buf, &len);
   int width[64];
   char cell[64];
   for (int j = 0; j < cl->count; j++) {
      const Column* col = &Column_table[cl->ids[j]];
      width[j] = col->width > (int)strlen(col->title) ? col->width : (int)strlen(col->title);
      for (size_t i = 0; i < n; i++) {
         Column_human(col, rows[i], ctx, cell, sizeof(cell));
         width[j] = (int)strlen(cell) > width[j] ? (int)strlen(cell) : width[j];
      }
   }
   for (size_t i = 0; i <= n; i++) {
      for (int j = 0; j < cl->count; j++) {
         const Column* col = &Column_table[cl->ids[j]];
         bool last = j == cl->count - 1;
         if (i == 0)
            snprintf(cell, sizeof(cell), "%s", col->title);
         else
            Column_human(col, rows[i - 1], ctx, cell, sizeof(cell));
         int w = last && col->kind != COLUMN_NUMBER ? 0 : width[j];
         fprintf(f, col->kind == COLUMN_NUMBER ? "%*s%c" : "%-*s%c", w, cell, last ? '\n' : ' ');
      }
   }
   fputc('\n', f);
   fclose(f);
   return buf;
}

static void test_output_text(Conn* const* rows, const ColumnList* cl, const RowContext* ctx) {
   char* buf = NULL;
   size_t len = 0;
   FILE* f = open_memstream(&buf, &len);
   Output o;
   Output_init(&o, f, OUTPUT_TEXT, cl);
   Summary sum = { .interval = 1 };
   CHECK(Output_interval(&o, (Conn**)rows, 5, &sum, ctx) == 0);
   fclose(f);
   char* want = test_textOld(cl, rows, 5, ctx);
   const char* got = strstr(buf, "\n\n");   /* after the summary */
   CHECK(got != NULL);
   if (got && strcmp(got + 2, want) != 0)
      fprintf(stderr, "text:\n%s\nold:\n%s\n", got + 2, want);
   CHECK_STR(got ? got + 2 : "", want);
   free(buf);
   free(want);
}

static void test_output_fast(void) {
   Conn c[5];
   test_outputRows(c);
   Conn* rows[5] = { &c[0], &c[1], &c[2], &c[3], &c[4] };
   ColumnList cl;
   ColumnList_all(&cl);
   RowContext ctx = { .wallNow = 1000.25, .monoNow = 5, .wallText = "1000.250" };
   Summary sum = { .interval = 1 };
   for (int json = 0; json <= 1; json++) {
      char* buf = NULL;
      size_t len = 0;
      FILE* f = open_memstream(&buf, &len);
      Output o;
      Output_init(&o, f, json ? OUTPUT_JSON : OUTPUT_CSV, &cl);
      o.headerDone = true;
      CHECK(Output_interval(&o, rows, 5, &sum, &ctx) == 0);
      fclose(f);
      char* want = test_outputOld(&cl, rows, 5, &ctx, json);
      /* JSON: the rows after the summary */
      const char* got = json ? strstr(buf, "\"connections\":[") : buf;
      CHECK(got != NULL);
      got = got && json ? got + strlen("\"connections\":[") : got;
      if (got && strcmp(got, want) != 0)
         fprintf(stderr, "fast:\n%s\nold:\n%s\n", got, want);
      CHECK_STR(got ? got : "", want);
      free(buf);
      free(want);
   }
   test_output_text(rows, &cl, &ctx);
}

/* Names for test_output_memo: some need quoting, some are unknown, and
 * round 1 renames some (the next interval must show the new names). */
static int test_namesRound;

static const char* test_memoCgroupName(uint64_t id) {
   switch (id) {
   case 100: return test_namesRound ? "web-renamed" : "web,1";
   case 200: return "db \"x\"";
   case 300: return test_namesRound ? "late" : NULL;   /* unknown, then known */
   case 400: return "";
   default: return id % 2 ? "odd" : NULL;
   }
}

static const char* test_memoCgroupPath(uint64_t id) {
   static char path[64];
   const char* name = test_memoCgroupName(id);
   if (!name)
      return NULL;
   snprintf(path, sizeof(path), "/system.slice/%s\n", name);
   return path;
}

static const char* test_memoNetns(uint32_t inode) {
   switch (inode) {
   case 111: return test_namesRound ? "green" : "blue";
   case 222: return "a,b";
   default: return NULL;
   }
}

/* The CSV of one interval, as Output_interval writes it (after the header). */
static char* test_csvInterval(Output* o, Conn** rows, size_t n, const RowContext* ctx) {
   char* buf = NULL;
   size_t len = 0;
   FILE* f = open_memstream(&buf, &len);
   o->out = f;
   Summary sum = { .interval = 1 };
   CHECK(Output_interval(o, rows, n, &sum, ctx) == 0);
   fclose(f);
   return buf;
}

/*
 * The CSV writer makes the cells of the memo'd columns (time, proto, user,
 * state, age_s, cgroup, cgroup_path, netns) once per value and copies them: the
 * same bytes as every cell made afresh (test_outputOld), on rows whose
 * values repeat, alternate, change from the row before, collide in the
 * memo's ways, need quoting, are unknown; and over two intervals with
 * names changed between them, through one Output.
 */
static void test_output_memo(void) {
   enum { N = 60 };
   static const uint64_t cgroups[] = { 100, 100, 200, 0, 300, 100, 400, 7, 9, 11, 13, 15, 17, 200 };
   static const uint32_t netns[] = { 111, 111, 222, 0, 333, 111, 222 };
   static const uint32_t uids[] = { 0, 0, 4000000, CONN_UID_UNKNOWN, 65534, 0 };
   Conn base[5], c[N];
   Conn* rows[N];
   test_outputRows(base);
   for (size_t i = 0; i < N; i++) {
      c[i] = base[i % 5];
      c[i].cookie = 100 + i;
      c[i].cgroupId = cgroups[(i / 2) % ARRAY_SIZE(cgroups)];
      c[i].netns = netns[(i / 3) % ARRAY_SIZE(netns)];
      c[i].uid = uids[i % ARRAY_SIZE(uids)];
      c[i].hasOwner = i % 7 != 3;
      c[i].state = (uint8_t)(i % 11 < 6 ? CONN_ESTABLISHED : i % 11);
      if (i % 4 == 0)
         Conn_setStartTime(&c[i], 990.0 + (double)i / 8);   /* ages of their own among shared ones */
      rows[i] = &c[i];
   }
   static const NamesOps ops = { .cgroupPath = test_memoCgroupPath, .cgroupName = test_memoCgroupName,
                                 .netns = test_memoNetns };
   Names_use(&ops);
   ColumnList cl;
   ColumnList_all(&cl);
   Output o;
   Output_init(&o, NULL, OUTPUT_CSV, &cl);
   o.headerDone = true;
   for (test_namesRound = 0; test_namesRound <= 1; test_namesRound++) {
      RowContext ctx = { .wallNow = 1000.25 + test_namesRound, .monoNow = 5,
                         .wallText = test_namesRound ? "1001.250" : "1000.250" };
      char* got = test_csvInterval(&o, rows, N, &ctx);
      char* want = test_outputOld(&cl, rows, N, &ctx, false);
      if (strcmp(got, want) != 0)
         fprintf(stderr, "memo'd:\n%s\nafresh:\n%s\n", got, want);
      CHECK_STR(got, want);
      CHECK_CONTAINS(got, test_namesRound ? "1001.250,tcp," : "1000.250,tcp,");
      CHECK_CONTAINS(got, test_namesRound ? ",web-renamed,\"/system.slice/web-renamed\n\",111:green,"
                                          : ",\"web,1\",\"/system.slice/web,1\n\",111:blue,");
      CHECK_CONTAINS(got, test_namesRound ? ",late,\"/system.slice/late\n\"," : ",300,300,");
      CHECK_CONTAINS(got, ",\"db \"\"x\"\"\",\"/system.slice/db \"\"x\"\"\n\",\"222:a,b\",");
      free(got);
      free(want);
   }
   Names_use(NULL);
}

static int test_radixRef(const void* pa, const void* pb) {
   const RadixItem* a = pa;
   const RadixItem* b = pb;
   if (a->major != b->major)
      return a->major < b->major ? -1 : 1;
   if (a->minor != b->minor)
      return a->minor < b->minor ? -1 : 1;
   return a->index < b->index ? -1 : a->index > b->index;
}

static void test_radix(void) {
   enum { N = 5000 };
   static RadixItem items[N], ref[N];
   static const double some[] = { -1e300, -2.5, -0.0, 0.0, 1e-300, 0.5, 3.0, 1e15, 1e300 };
   srand(7);
   for (size_t i = 0; i < N; i++) {
      double d = i % 3 ? (double)(rand() % 50) - 10 : some[rand() % 9];
      /* index: the input position, so equal keys must keep it ascending */
      items[i] = (RadixItem){ .major = RadixSort_doubleKey(d) ^ (i % 7 ? 0 : (uint64_t)rand() << 20),
                              .minor = (uint32_t)(rand() % 4) << (rand() % 30),
                              .index = (uint32_t)i };
   }
   memcpy(ref, items, sizeof(items));
   qsort(ref, N, sizeof(RadixItem), test_radixRef);
   RadixSort_sort(items, N);
   /* the same keys in the same order, every item still there once */
   bool same = true, seen[N] = { false };
   for (size_t i = 0; i < N; i++) {
      same = same && items[i].major == ref[i].major && items[i].minor == ref[i].minor && !seen[items[i].index];
      seen[items[i].index] = true;
   }
   CHECK(same);
   /* the key map keeps the order of doubles, and -0 == 0 */
   for (size_t i = 0; i + 1 < sizeof(some) / sizeof(some[0]); i++)
      CHECK(RadixSort_doubleKey(some[i]) <= RadixSort_doubleKey(some[i + 1]));
   CHECK(RadixSort_doubleKey(-0.0) == RadixSort_doubleKey(0.0));
   CHECK(RadixSort_doubleKey(-2.5) < RadixSort_doubleKey(-1.0));
}

static void test_format(void) {
   char got[32], want[32];
   static const uint64_t ints[] = { 0, 7, 10, 99, 100, 4194321, 18446744073709551615ull };
   for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
      snprintf(want, sizeof(want), "%llu", (unsigned long long)ints[i]);
      CHECK(Format_u64(got, ints[i]) == (int)strlen(want));
      CHECK_STR(got, want);
   }
   /* ties, carries into the integer part, and every decimals value */
   static const double reals[] = { 0, 0.5, 1.5, 2.5, 0.25, 0.05, 0.95, 9.96, 99.95, 123456.789, 1e14 + 0.5,
                                   1763842800.1234, 3.0 / 7, -1.5, 2e15 };
   for (size_t i = 0; i < sizeof(reals) / sizeof(reals[0]); i++) {
      for (int d = 0; d <= 3; d++) {
         snprintf(want, sizeof(want), "%.*f", d, reals[i]);
         CHECK(Format_fixed(got, reals[i], d) == (int)strlen(want));
         if (strcmp(got, want) != 0)
            fprintf(stderr, "Format_fixed(%.17g, %d) = %s, printf says %s\n", reals[i], d, got, want);
         CHECK_STR(got, want);
      }
   }
   /* rates and ages as they come: quotients of integers */
   int mismatches = 0;
   srand(42);
   for (int i = 0; i < 200000; i++) {
      double v = (double)(rand() % 100000000) / (double)(1 + rand() % 2000);
      int d = i % 4;
      snprintf(want, sizeof(want), "%.*f", d, v);
      Format_fixed(got, v, d);
      mismatches += strcmp(got, want) != 0;
   }
   CHECK(mismatches == 0);
   /* every length of integer, and every byte of an address */
   int bad = 0;
   for (int i = 0; i < 100000; i++) {
      uint64_t v = ((uint64_t)rand() << 42 ^ (uint64_t)rand() << 21 ^ (uint64_t)rand()) >> (i % 64);
      snprintf(want, sizeof(want), "%llu", (unsigned long long)v);
      bad += Format_u64(got, v) != (int)strlen(want) || strcmp(got, want) != 0;
   }
   for (int i = 0; i < 256; i++) {
      uint8_t a[4] = { (uint8_t)i, (uint8_t)(255 - i), (uint8_t)(i * 7), (uint8_t)(i / 3) };
      snprintf(want, sizeof(want), "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
      bad += Format_ipv4(got, a) != (int)strlen(want) || strcmp(got, want) != 0;
   }
   CHECK(bad == 0);
   /* human bytes as snprintf made them: "%.0f", "%.1f%c" below 10, "%.0f%c" */
   for (int i = 0; i < 100000; i++) {
      double v = i < 50 ? (double)i * 1023.97 : (double)((uint64_t)rand() << (i % 40)) / (1 + i % 7);
      double x = v;
      int u = -1;
      while (x >= 1024 && u < 4) {
         x /= 1024;
         u++;
      }
      if (u < 0)
         snprintf(want, sizeof(want), "%.0f", x);
      else
         snprintf(want, sizeof(want), x < 10 ? "%.1f%c" : "%.0f%c", x, "KMGTP"[u]);
      Column_humanBytes(v, got, sizeof(got));
      bad += strcmp(got, want) != 0;
   }
   Column_humanBytes(1e6, got, 4);
   CHECK_STR(got, "977");   /* cut as snprintf cuts "977K" */
   CHECK(bad == 0);
   CHECK(Format_ipv4(got, (const uint8_t[]){ 192, 168, 0, 255 }) == 13);
   CHECK_STR(got, "192.168.0.255");
   Format_ipv4(got, (const uint8_t[]){ 0, 0, 0, 0 });
   CHECK_STR(got, "0.0.0.0");
}

int main(void) {
   test_format();
   test_radix();
   test_table_churn();
   test_touched();
   test_flow_keys();
   test_columns();
   test_metric_columns();
   test_sort();
   test_escaping();
   test_csv_row();
   test_output_fast();
   test_output_memo();
   return check_done("test_table");
}
