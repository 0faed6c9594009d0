/*
 * Output.c: text, CSV and JSON writers of an interval.
 */
#include "config.h"
#include "Output.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <time.h>

#include "XUtils.h"

#define OUTPUT_CELL 64

void Summary_add(Summary* this, const Conn* c) {
   if (c->state == CONN_CLOSED)
      this->closed++;
   else if (c->key.proto == IPPROTO_UDP)
      this->udp++;
   else
      this->tcp++;
   if (c->state >= 0 && c->state <= CONN_CLOSED)
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
}

void Output_csvField(FILE* out, const char* s) {
   if (!strpbrk(s, ",\"\r\n")) {
      fputs(s, out);
      return;
   }
   fputc('"', out);
   for (; *s; s++) {
      if (*s == '"')
         fputc('"', out);
      fputc(*s, out);
   }
   fputc('"', out);
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
   fprintf(out, "Traffic: tx %sB/s, rx %sB/s, packets tx %.0f/s, rx %.0f/s, lost events %llu\n\n", tx, rx,
           s->txPacketRate, s->rxPacketRate, (unsigned long long)s->lost);
}

static void Output_cell(const Column* col, const Conn* c, const RowContext* ctx, bool human, char* out) {
   if (human && col->human)
      col->human(c, ctx, out, OUTPUT_CELL);
   else if (!col->raw(c, ctx, out, OUTPUT_CELL))
      snprintf(out, OUTPUT_CELL, "%s", human ? "-" : "");
}

static void Output_text(Output* this, Conn** rows, size_t n, const Summary* s, const RowContext* ctx) {
   const ColumnList* cl = &this->columns;
   int width[64];
   char cell[OUTPUT_CELL];
   for (int j = 0; j < cl->count; j++) {
      const Column* col = &Column_table[cl->ids[j]];
      width[j] = col->width > (int)strlen(col->title) ? col->width : (int)strlen(col->title);
      for (size_t i = 0; i < n; i++) {
         Output_cell(col, rows[i], ctx, true, cell);
         int l = (int)strlen(cell);
         width[j] = l > width[j] ? l : width[j];
      }
   }
   Output_summaryText(this->out, s, ctx);
   for (int j = 0; j < cl->count; j++) {
      const Column* col = &Column_table[cl->ids[j]];
      bool last = j == cl->count - 1;
      fprintf(this->out, col->kind == COLUMN_NUMBER ? "%*s%s" : "%-*s%s", last && col->kind != COLUMN_NUMBER ? 0 : width[j],
              col->title, last ? "\n" : " ");
   }
   for (size_t i = 0; i < n; i++) {
      for (int j = 0; j < cl->count; j++) {
         const Column* col = &Column_table[cl->ids[j]];
         bool last = j == cl->count - 1;
         Output_cell(col, rows[i], ctx, true, cell);
         fprintf(this->out, col->kind == COLUMN_NUMBER ? "%*s%s" : "%-*s%s",
                 last && col->kind != COLUMN_NUMBER ? 0 : width[j], cell, last ? "\n" : " ");
      }
   }
   fputc('\n', this->out);
}

static void Output_csv(Output* this, Conn** rows, size_t n, const RowContext* ctx) {
   const ColumnList* cl = &this->columns;
   char cell[OUTPUT_CELL];
   if (!this->headerDone) {
      for (int j = 0; j < cl->count; j++)
         fprintf(this->out, "%s%s", j ? "," : "", Column_table[cl->ids[j]].key);
      fputc('\n', this->out);
      this->headerDone = true;
   }
   for (size_t i = 0; i < n; i++) {
      for (int j = 0; j < cl->count; j++) {
         if (j)
            fputc(',', this->out);
         Output_cell(&Column_table[cl->ids[j]], rows[i], ctx, false, cell);
         Output_csvField(this->out, cell);
      }
      fputc('\n', this->out);
   }
}

static void Output_jsonRow(Output* this, const Conn* c, const RowContext* ctx) {
   const ColumnList* cl = &this->columns;
   char cell[OUTPUT_CELL];
   fputc('{', this->out);
   for (int j = 0; j < cl->count; j++) {
      const Column* col = &Column_table[cl->ids[j]];
      fprintf(this->out, "%s\"%s\":", j ? "," : "", col->key);
      if (!col->raw(c, ctx, cell, sizeof(cell)))
         fputs("null", this->out);
      else if (col->kind == COLUMN_NUMBER)
         fputs(cell, this->out);
      else
         Output_jsonString(this->out, cell);
   }
   fputc('}', this->out);
}

static void Output_json(Output* this, Conn** rows, size_t n, const Summary* s, const RowContext* ctx) {
   fprintf(this->out, "{\"time\":%.3f,\"interval\":%.3f,\"summary\":{\"tcp\":%d,\"udp\":%d,\"closed\":%d,"
                      "\"established\":%d,\"udp_active\":%d,\"udp_idle\":%d,\"tx_rate\":%.0f,\"rx_rate\":%.0f,"
                      "\"tx_packet_rate\":%.0f,\"rx_packet_rate\":%.0f,\"lost_events\":%llu},\"connections\":[",
           ctx->wallNow, s->interval, s->tcp, s->udp, s->closed, s->byState[CONN_ESTABLISHED],
           s->byState[CONN_UDP_ACTIVE], s->byState[CONN_UDP_IDLE], s->txRate, s->rxRate, s->txPacketRate,
           s->rxPacketRate, (unsigned long long)s->lost);
   for (size_t i = 0; i < n; i++) {
      if (i)
         fputc(',', this->out);
      Output_jsonRow(this, rows[i], ctx);
   }
   fputs("]}\n", this->out);
}

int Output_interval(Output* this, Conn** rows, size_t n, const Summary* summary, const RowContext* ctx) {
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
   }
   if (fflush(this->out) != 0 || ferror(this->out))
      return errno ? errno : EIO;
   return 0;
}
