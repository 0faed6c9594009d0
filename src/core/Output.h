/*
 * Output.h: one interval of the table as text (top -b style), CSV or JSON
 * lines, to any FILE: standard output in -b mode, the --log file.
 */
#ifndef TCPTOP_OUTPUT_H
#define TCPTOP_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/Column.h"
#include "core/Conn.h"

typedef enum OutputFormat_ {
   OUTPUT_TEXT,
   OUTPUT_CSV,
   OUTPUT_JSON,
   OUTPUT_JSONL,   /* one object per connection per interval; a closed one once, flagged */
} OutputFormat;

/* What the summary line says about one interval. */
typedef struct Summary_ {
   double interval;             /* seconds */
   int tcp, udp, closed;
   int byState[CONN_CLOSED + 1];
   double txRate, rxRate;       /* bytes per second, all rows */
   double txPacketRate, rxPacketRate;
   uint64_t lost;               /* events the probes could not deliver (pcap: packets dropped) */
   const char* health;          /* text: probe health lines (--probe-stats), or NULL */
   const char* missing;         /* columns no running probe fills (ProbeCoverage_missing), or NULL */
   bool capture;                /* the pcap backend: malformed packets are shown */
   uint64_t malformed;          /* packets that could not be parsed */
   const char* untracked;       /* lines: connections not tracked, the setting to raise; or NULL */
} Summary;

void Summary_add(Summary* this, const Conn* c);

typedef struct Output_ {
   FILE* out;
   OutputFormat format;
   ColumnList columns;
   bool headerDone;             /* CSV: the header line is written once */
   const char* rowsName;        /* JSON: "connections" (Output_init), or "groups" */
} Output;

/* The CSV header starts; a log tcptop continues already has its own
 * (headerDone set after Output_init). */
void Output_init(Output* this, FILE* out, OutputFormat format, const ColumnList* columns);
/* The CSV header line of these columns, without the newline (malloc'd). */
char* Output_csvHeader(const ColumnList* columns);
/* Writes one interval; returns 0, or an errno when the stream failed. */
int Output_interval(Output* this, Conn** rows, size_t n, const Summary* summary, const RowContext* ctx);

/* Writes s as a CSV field (quoted when needed) / a JSON string. */
void Output_csvField(FILE* out, const char* s);
void Output_jsonString(FILE* out, const char* s);

#endif
