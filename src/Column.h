/*
 * Column.h: every column tcptop can show, declared once (key, title,
 * description, width, default sort direction, formatter, comparator). The
 * keys are the same in --columns, --sort, the config, CSV headers and JSON.
 */
#ifndef TCPTOP_COLUMN_H
#define TCPTOP_COLUMN_H

#include <stdbool.h>
#include <stddef.h>

#include "Conn.h"

typedef struct RowContext_ {
   double wallNow;   /* the sample's wall-clock time, seconds */
   double monoNow;   /* the sample's monotonic time, seconds */
   const char* wallText;   /* wallNow as "%.3f", made once per interval; NULL: made per cell */
} RowContext;

typedef enum ColumnKind_ {
   COLUMN_STRING,    /* quoted in JSON */
   COLUMN_NUMBER,    /* bare in JSON; empty in CSV and null in JSON when unknown */
} ColumnKind;

typedef struct Column_ {
   const char* key;
   const char* title;
   const char* description;
   int width;          /* minimum text width */
   ColumnKind kind;
   bool descending;    /* default sort direction */
   /* Writes the machine form (CSV/JSON: exact, unscaled); false when unknown. */
   bool (*raw)(const Conn* c, const RowContext* ctx, char* out, size_t size);
   /* Writes the human form (text); NULL means the machine form. */
   void (*human)(const Conn* c, const RowContext* ctx, char* out, size_t size);
   /* How rows sort: numeric columns give a key, the others compare. */
   double (*sortKey)(const Conn* c);
   int (*compare)(const Conn* a, const Conn* b);
   const char* probe;  /* a probe's metric: the probe that declares it; NULL: built-in */
} Column;

/* The built-in columns, then the probes' metrics (Column_addMetric). */
#define COLUMN_BUILTIN_COUNT 20
#define COLUMN_MAX (COLUMN_BUILTIN_COUNT + CONN_METRICS)
extern Column Column_table[COLUMN_MAX];
extern int Column_count;

/* Index in Column_table, or -1. */
int Column_find(const char* key);
/* Is key a built-in column's? */
bool Column_isBuiltin(const char* key);
/*
 * Appends the column of a probe metric kept in Conn.metrics[slot]; a unit of
 * "bytes" is shown in human units in text. Returns its index, or -1 (table
 * full, bad slot, or the key taken).
 */
int Column_addMetric(const char* key, const char* title, const char* unit, const char* agg, int slot,
                     const char* probe);
/* Drops the metric columns (tests, and a new probe set). */
void Column_clearMetrics(void);
/* "time, proto, ..." for messages and --help. */
char* Column_keyList(void);

/* An ordered choice of columns. */
typedef struct ColumnList_ {
   int ids[64];
   int count;
} ColumnList;

/* Parses "proto,laddr,..."; -1 with *err ("unknown column 'x': valid: ..."). */
int ColumnList_parse(ColumnList* this, const char* spec, char** err);
void ColumnList_all(ColumnList* this);
/* The built-in default columns, then the probes' metric columns. */
void ColumnList_default(ColumnList* this);

typedef struct SortOrder_ {
   int column;
   bool descending;
} SortOrder;

/* "rate", "+comm" (ascending) or "-pid" (descending); -1 with *err. */
int SortOrder_parse(SortOrder* this, const char* spec, char** err);
void SortOrder_sort(const SortOrder* this, Conn** rows, size_t n);

/* Human byte units: 1023, 1.0K, 12.5M, 3.1G. */
void Column_humanBytes(double v, char* out, size_t size);

#endif
