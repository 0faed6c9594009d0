/*
 * Output.c: text, CSV and JSON writers of an interval.
 */
#include "config.h"
#include "core/Output.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/ConnTable.h"
#include "core/XUtils.h"

#define OUTPUT_CELL 64

/* A text line: every cell padded to its width, plus separators. */
static size_t Output_lineMax(const ColumnList* cl, const int* width) {
   size_t n = 2;
   for (int j = 0; j < cl->count; j++)
      n += (size_t)(width[j] > OUTPUT_CELL ? width[j] : OUTPUT_CELL) + 1;
   return n;
}

void Summary_add(Summary* this, const Conn* c) {
   if (c->state == CONN_CLOSED)
      this->closed++;
   else if (c->proto == IPPROTO_UDP)
      this->udp++;
   else
      this->tcp++;
   if (c->state <= CONN_CLOSED)
      this->byState[c->state]++;
   this->txRate += c->txRate;
   this->rxRate += c->rxRate;
   this->txPacketRate += c->txPacketRate;
   this->rxPacketRate += c->rxPacketRate;
}

void Output_init(Output* this, FILE* out, OutputFormat format, const ColumnList* columns) {
   this->out = out;
   this->format = format;
   this->columns = *columns;
   this->headerDone = false;
   this->rowsName = "connections";
}

char* Output_csvHeader(const ColumnList* columns) {
   Buf b;
   Buf_init(&b);
   for (int j = 0; j < columns->count; j++)
      Buf_printf(&b, "%s%s", j ? "," : "", Column_table[columns->ids[j]].key);
   return Buf_cstr(&b);
}

/* Appends s to p as a CSV field, quoted when it holds a separator, a quote or
 * a line break; p has room for 2 * strlen(s) + 2. Returns the new end. */
static char* Output_csvAppend(char* p, const char* s, size_t len, bool mayQuote) {
   if (!mayQuote || !strpbrk(s, ",\"\r\n")) {
      memcpy(p, s, len);
      return p + len;
   }
   *p++ = '"';
   for (; *s; s++) {
      if (*s == '"')
         *p++ = '"';
      *p++ = *s;
   }
   *p++ = '"';
   return p;
}

void Output_csvField(FILE* out, const char* s) {
   char buf[2 * OUTPUT_CELL + 2];
   char* end = Output_csvAppend(buf, s, strlen(s), true);
   fwrite(buf, 1, (size_t)(end - buf), out);
}

void Output_jsonString(FILE* out, const char* s) {
   fputc('"', out);
   for (const unsigned char* p = (const unsigned char*)s; *p; p++) {
      if (*p == '"' || *p == '\\')
         fprintf(out, "\\%c", *p);
      else if (*p < 0x20)
         fprintf(out, "\\u%04x", *p);
      else
         fputc(*p, out);
   }
   fputc('"', out);
}

static void Output_summaryText(FILE* out, const Summary* s, const RowContext* ctx) {
   char tx[16], rx[16], ts[16];
   time_t t = (time_t)ctx->wallNow;
   struct tm tm;
   strftime(ts, sizeof(ts), "%H:%M:%S", localtime_r(&t, &tm));
   Column_humanBytes(s->txRate, tx, sizeof(tx));
   Column_humanBytes(s->rxRate, rx, sizeof(rx));
   fprintf(out, "tcptop - %s, interval %.1fs, tcp %d (established %d, other %d), udp %d (active %d, idle %d), "
                "closed %d\n", ts, s->interval, s->tcp, s->byState[CONN_ESTABLISHED],
           s->tcp - s->byState[CONN_ESTABLISHED], s->udp, s->byState[CONN_UDP_ACTIVE],
           s->byState[CONN_UDP_IDLE], s->closed);
   fprintf(out, "Traffic: tx %sB/s, rx %sB/s, packets tx %.0f/s, rx %.0f/s, lost events %llu", tx, rx,
           s->txPacketRate, s->rxPacketRate, (unsigned long long)s->lost);
   if (s->capture)
      fprintf(out, ", malformed %llu", (unsigned long long)s->malformed);
   fputc('\n', out);
   if (s->untracked)
      fputs(s->untracked, out);
   if (s->health)
      fputs(s->health, out);   /* its last line names the columns without data */
   else if (s->missing)
      fprintf(out, "Without data on this kernel: %s\n", s->missing);
   fputc('\n', out);
}

/* A cell, human (text: "-" when unknown) or exact (empty when unknown); its length. */
static int Output_cell(const Column* col, const Conn* c, const RowContext* ctx, bool human, char* out) {
   if (human)
      return Column_human(col, c, ctx, out, OUTPUT_CELL);
   int len = Column_raw(col, c, ctx, out, OUTPUT_CELL);
   return len < 0 ? 0 : len;
}

/* Appends cell padded to width (numbers right-aligned); the last string
 * column is not padded. */
static char* Output_textAppend(char* p, const Column* col, const char* cell, int width, bool last) {
   int len = (int)strlen(cell);
   int pad = width > len && !(last && col->kind != COLUMN_NUMBER) ? width - len : 0;
   if (col->kind == COLUMN_NUMBER) {
      memset(p, ' ', (size_t)pad);
      p += pad;
   }
   memcpy(p, cell, (size_t)len);
   p += len;
   if (col->kind != COLUMN_NUMBER) {
      memset(p, ' ', (size_t)pad);
      p += pad;
   }
   *p++ = last ? '\n' : ' ';
   return p;
}

/* The widths: the titles, the columns' own, and every cell; row by row,
 * so each row is fetched once (column by column, a row was fetched once a
 * column). */
static void Output_textWidths(const ColumnList* cl, Conn** rows, size_t n, const RowContext* ctx, int* width) {
   char cell[OUTPUT_CELL];
   for (int j = 0; j < cl->count; j++) {
      const Column* col = &Column_table[cl->ids[j]];
      width[j] = col->width > (int)strlen(col->title) ? col->width : (int)strlen(col->title);
   }
   for (size_t i = 0; i < n; i++) {
      if (i + CONNTABLE_AHEAD < n)
         Conn_prefetch(rows[i + CONNTABLE_AHEAD]);
      for (int j = 0; j < cl->count; j++) {
         Output_cell(&Column_table[cl->ids[j]], rows[i], ctx, true, cell);
         int l = (int)strlen(cell);
         width[j] = l > width[j] ? l : width[j];
      }
   }
}

/*
 * Lines are made in one block and written in big pieces: a fwrite per line
 * (copied again into stdio's buffer), strlen and strpbrk per cell were a
 * fifth of -b's own time at 400,000 rows.
 */
#define OUTPUT_BLOCK (128 * 1024)

typedef struct OutputBlock_ {
   FILE* out;
   char* buf;
   char* p;              /* the end of what is made */
} OutputBlock;

/* lineMax: the longest line a row can make. */
static void OutputBlock_init(OutputBlock* b, FILE* out, size_t lineMax) {
   b->out = out;
   b->buf = xMalloc(OUTPUT_BLOCK + lineMax);
   b->p = b->buf;
}

/* Where the next line goes: lineMax bytes from there are free. */
static char* OutputBlock_next(OutputBlock* b) {
   if (b->p - b->buf >= OUTPUT_BLOCK) {
      fwrite(b->buf, 1, (size_t)(b->p - b->buf), b->out);
      b->p = b->buf;
   }
   return b->p;
}

static void OutputBlock_done(OutputBlock* b) {
   fwrite(b->buf, 1, (size_t)(b->p - b->buf), b->out);
   free(b->buf);
   b->buf = b->p = NULL;
}

/* A cell written in place at p (len bytes): quoted, when it holds a
 * separator, a quote or a line break. Returns the new end. */
static char* Output_csvQuoteInPlace(char* p, size_t len) {
   size_t i = 0;
   while (i < len && p[i] != ',' && p[i] != '"' && p[i] != '\r' && p[i] != '\n')
      i++;
   if (i == len)
      return p + len;
   char cell[OUTPUT_CELL];
   memcpy(cell, p, len);
   cell[len] = '\0';
   return Output_csvAppend(p, cell, len, true);
}

/* A cell's machine form written at p (OUTPUT_CELL bytes free); its length
 * (0 when unknown), what a truncated snprintf wrote when that was cut. */
static size_t Output_rawAt(const Column* col, const Conn* c, const RowContext* ctx, char* p) {
   int len = Column_raw(col, c, ctx, p, OUTPUT_CELL);
   if (len <= 0)
      return 0;
   return len < OUTPUT_CELL ? (size_t)len : strlen(p);
}

/* A cell's CSV form at p (room: 2 * OUTPUT_CELL + 2); returns its end. */
static char* Output_csvCell(const Column* col, const Conn* c, const RowContext* ctx, char* p) {
   size_t len = Output_rawAt(col, c, ctx, p);
   return col->freeText && len ? Output_csvQuoteInPlace(p, len) : p + len;
}

/*
 * The cells of the columns with a memo key (time, proto, user, state,
 * age_s, cgroup, netns), made once per value and copied, CSV-quoted, into the
 * lines: consecutive rows mostly share them, and making them was name
 * lookups, snprintf, strlen and a quote scan a cell. A few ways per column
 * (by the key's hash): rows alternating between some values hit too. Kept
 * for one interval only (Output_csv's): names change between intervals.
 */
#define OUTPUT_MEMO_WAYS 4

typedef struct OutputMemo_ {
   uint64_t key;
   bool made;
   uint8_t len;
   char text[2 * OUTPUT_CELL + 2];
} OutputMemo;

/* Column's cell of c at p, from its memo (ways: OUTPUT_MEMO_WAYS slots),
 * made there first when not yet. */
static char* OutputMemo_cell(OutputMemo* ways, const Column* col, const Conn* c, const RowContext* ctx, char* p) {
   uint64_t key = col->memoKey(col, c);
   OutputMemo* m = &ways[(key * 0x9E3779B97F4A7C15ull) >> 62];
   if (!m->made || m->key != key) {
      m->len = (uint8_t)(Output_csvCell(col, c, ctx, m->text) - m->text);
      m->key = key;
      m->made = true;
   }
   /* p has room for any cell: a short one is copied as 16 bytes, cheaper
    * than a copy of its length */
   if (m->len <= 16)
      memcpy(p, m->text, 16);
   else
      memcpy(p, m->text, m->len);
   return p + m->len;
}

/* What an interval's CSV lines are made of, looked up once, not a cell:
 * each column, and its memo's ways (NULL: it has no memo key). */
typedef struct OutputCsvPlan_ {
   int count;
   const Column* col[64];
   OutputMemo* ways[64];
   OutputMemo* slots;        /* every memo'd column's ways, none made */
} OutputCsvPlan;

static void OutputCsvPlan_init(OutputCsvPlan* this, const ColumnList* cl) {
   int memoed = 0;
   for (int j = 0; j < cl->count; j++)
      memoed += Column_table[cl->ids[j]].memoKey != NULL;
   this->slots = memoed ? xCalloc((size_t)memoed * OUTPUT_MEMO_WAYS, sizeof(OutputMemo)) : NULL;
   this->count = cl->count;
   for (int j = 0, m = 0; j < cl->count; j++) {
      this->col[j] = &Column_table[cl->ids[j]];
      this->ways[j] = this->col[j]->memoKey ? &this->slots[(m++) * OUTPUT_MEMO_WAYS] : NULL;
   }
}

static void OutputCsvPlan_done(OutputCsvPlan* this) {
   free(this->slots);
   this->slots = NULL;
}

/* One CSV line at p (room: Output_csvLineMax); returns its end. */
static char* Output_csvLine(const OutputCsvPlan* plan, const Conn* c, const RowContext* ctx, char* p) {
   for (int j = 0; j < plan->count; j++) {
      const Column* col = plan->col[j];
      p = plan->ways[j] ? OutputMemo_cell(plan->ways[j], col, c, ctx, p) : Output_csvCell(col, c, ctx, p);
      *p++ = ',';
   }
   if (plan->count)
      p--;   /* the last separator */
   *p++ = '\n';
   return p;
}

static size_t Output_csvLineMax(const ColumnList* cl) {
   return (size_t)cl->count * (2 * OUTPUT_CELL + 3) + 2;
}

static void Output_csv(Output* this, Conn** rows, size_t n, const RowContext* ctx) {
   const ColumnList* cl = &this->columns;
   if (!this->headerDone) {
      char* header = Output_csvHeader(cl);
      fprintf(this->out, "%s\n", header);
      free(header);
      this->headerDone = true;
   }
   OutputCsvPlan plan;
   OutputCsvPlan_init(&plan, cl);
   OutputBlock b;
   OutputBlock_init(&b, this->out, Output_csvLineMax(cl));
   for (size_t i = 0; i < n; i++) {
      if (i + CONNTABLE_AHEAD < n)
         Conn_prefetch(rows[i + CONNTABLE_AHEAD]);
      b.p = Output_csvLine(&plan, rows[i], ctx, OutputBlock_next(&b));
   }
   OutputBlock_done(&b);
   OutputCsvPlan_done(&plan);
}

static void Output_text(Output* this, Conn** rows, size_t n, const Summary* s, const RowContext* ctx) {
   const ColumnList* cl = &this->columns;
   int width[64];
   char cell[OUTPUT_CELL];
   Output_textWidths(cl, rows, n, ctx, width);
   Output_summaryText(this->out, s, ctx);
   OutputBlock b;
   OutputBlock_init(&b, this->out, Output_lineMax(cl, width));
   char* p = OutputBlock_next(&b);
   for (int j = 0; j < cl->count; j++)
      p = Output_textAppend(p, &Column_table[cl->ids[j]], Column_table[cl->ids[j]].title, width[j], j == cl->count - 1);
   b.p = p;
   for (size_t i = 0; i < n; i++) {
      if (i + CONNTABLE_AHEAD < n)
         Conn_prefetch(rows[i + CONNTABLE_AHEAD]);
      p = OutputBlock_next(&b);
      for (int j = 0; j < cl->count; j++) {
         const Column* col = &Column_table[cl->ids[j]];
         Output_cell(col, rows[i], ctx, true, cell);
         p = Output_textAppend(p, col, cell, width[j], j == cl->count - 1);
      }
      b.p = p;
   }
   OutputBlock_done(&b);
   fputc('\n', this->out);
}

/* s as a JSON string at p (room: 6 * strlen(s) + 2); returns the end. */
static char* Output_jsonAppend(char* p, const char* s, size_t len) {
   static const char hex[] = "0123456789abcdef";
   *p++ = '"';
   for (size_t i = 0; i < len; i++) {
      unsigned char ch = (unsigned char)s[i];
      if (ch == '"' || ch == '\\') {
         *p++ = '\\';
         *p++ = (char)ch;
      } else if (ch < 0x20) {
         memcpy(p, "\\u00", 4);
         p[4] = hex[ch >> 4];
         p[5] = hex[ch & 15];
         p += 6;
      } else {
         *p++ = (char)ch;
      }
   }
   *p++ = '"';
   return p;
}

static char* Output_appendStr(char* p, const char* s) {
   size_t len = strlen(s);
   memcpy(p, s, len);
   return p + len;
}

/* The columns of a row as JSON members at p, after `{` and what opens it;
 * returns the end. */
static char* Output_jsonMembers(const ColumnList* cl, const Conn* c, const RowContext* ctx, bool first, char* p) {
   char cell[OUTPUT_CELL];
   for (int j = 0; j < cl->count; j++) {
      const Column* col = &Column_table[cl->ids[j]];
      if (j || !first)
         *p++ = ',';
      *p++ = '"';
      p = Output_appendStr(p, col->key);
      *p++ = '"';
      *p++ = ':';
      int len = Column_raw(col, c, ctx, cell, sizeof(cell));
      if (len < 0)
         p = Output_appendStr(p, "null");
      else if (col->kind == COLUMN_NUMBER)
         p = Output_appendStr(p, cell);
      else
         p = Output_jsonAppend(p, cell, strlen(cell));
   }
   return p;
}

/* The longest members a row can make (and what surrounds them). */
static size_t Output_jsonLineMax(const ColumnList* cl) {
   size_t n = 64;
   for (int j = 0; j < cl->count; j++)
      n += strlen(Column_table[cl->ids[j]].key) + 4 + 6 * OUTPUT_CELL + 2;
   return n;
}

/* jsonl: a line per live row, and one for a closed row the first time it
 * is printed (the view marks it shown), with "closed":true; the same keys
 * in the same order on every line. */
static void Output_jsonl(Output* this, Conn** rows, size_t n, const RowContext* ctx) {
   OutputBlock b;
   OutputBlock_init(&b, this->out, Output_jsonLineMax(&this->columns));
   for (size_t i = 0; i < n; i++) {
      const Conn* c = rows[i];
      bool closed = c->state == CONN_CLOSED;
      if (closed && c->shown)
         continue;
      char* p = OutputBlock_next(&b);
      p = Output_appendStr(p, "{\"time\":");
      p = Output_appendStr(p, ctx->wallText);
      p = Output_appendStr(p, closed ? ",\"closed\":true" : ",\"closed\":false");
      p = Output_jsonMembers(&this->columns, c, ctx, false, p);
      b.p = Output_appendStr(p, "}\n");
   }
   OutputBlock_done(&b);
}

static void Output_json(Output* this, Conn** rows, size_t n, const Summary* s, const RowContext* ctx) {
   fprintf(this->out, "{\"time\":%.3f,\"interval\":%.3f,\"summary\":{\"tcp\":%d,\"udp\":%d,\"closed\":%d,"
                      "\"established\":%d,\"udp_active\":%d,\"udp_idle\":%d,\"tx_rate\":%.0f,\"rx_rate\":%.0f,"
                      "\"tx_packet_rate\":%.0f,\"rx_packet_rate\":%.0f,\"lost_events\":%llu",
           ctx->wallNow, s->interval, s->tcp, s->udp, s->closed, s->byState[CONN_ESTABLISHED],
           s->byState[CONN_UDP_ACTIVE], s->byState[CONN_UDP_IDLE], s->txRate, s->rxRate, s->txPacketRate,
           s->rxPacketRate, (unsigned long long)s->lost);
   if (s->capture)
      fprintf(this->out, ",\"malformed\":%llu", (unsigned long long)s->malformed);
   fprintf(this->out, "},\"%s\":[", this->rowsName);
   OutputBlock b;
   OutputBlock_init(&b, this->out, Output_jsonLineMax(&this->columns));
   for (size_t i = 0; i < n; i++) {
      char* p = OutputBlock_next(&b);
      if (i)
         *p++ = ',';
      *p++ = '{';
      p = Output_jsonMembers(&this->columns, rows[i], ctx, true, p);
      *p++ = '}';
      b.p = p;
   }
   OutputBlock_done(&b);
   fputs("]}\n", this->out);
}

int Output_interval(Output* this, Conn** rows, size_t n, const Summary* summary, const RowContext* rowCtx) {
   char wallText[32];
   RowContext local = *rowCtx;
   const RowContext* ctx = &local;
   if (!local.wallText) {
      snprintf(wallText, sizeof(wallText), "%.3f", local.wallNow);
      local.wallText = wallText;
   }
   switch (this->format) {
   case OUTPUT_TEXT:
      Output_text(this, rows, n, summary, ctx);
      break;
   case OUTPUT_CSV:
      Output_csv(this, rows, n, ctx);
      break;
   case OUTPUT_JSON:
      Output_json(this, rows, n, summary, ctx);
      break;
   case OUTPUT_JSONL:
      Output_jsonl(this, rows, n, ctx);
      break;
   }
   if (fflush(this->out) != 0 || ferror(this->out))
      return errno ? errno : EIO;
   return 0;
}
