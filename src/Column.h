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
} Column;

extern const Column Column_table[];
extern const int Column_count;

/* Index in Column_table, or -1. */
int Column_find(const char* key);
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
