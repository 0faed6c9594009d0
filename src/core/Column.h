/*
 * Column.h: every column tcptop can show, declared once (key, title,
 * description, width, default sort direction, formatter, comparator). The
 * keys are the same in --columns, --sort, the config, CSV headers and JSON.
 */
#ifndef TCPTOP_COLUMN_H
#define TCPTOP_COLUMN_H

#include <stdbool.h>
#include <stddef.h>

#include "core/Conn.h"
#include "core/RadixSort.h"

typedef struct RowContext_ {
   double wallNow;   /* the sample's wall-clock time, seconds */
   double monoNow;   /* the sample's monotonic time, seconds */
   const char* wallText;   /* wallNow as "%.3f", made once per interval; NULL: made per cell */
} RowContext;

typedef enum ColumnKind_ {
   COLUMN_STRING,    /* quoted in JSON */
   COLUMN_NUMBER,    /* bare in JSON; empty in CSV and null in JSON when unknown */
} ColumnKind;

/* Columns backed by one Conn field are read without a function of their own. */
typedef enum ColumnField_ {
   COLUMN_NOT_FIELD = 0,
   COLUMN_U64,
   COLUMN_U32,
   COLUMN_U16,
   COLUMN_REAL,        /* float; machine form with no decimals */
   COLUMN_METRIC,      /* Conn.metrics[offset]; 0 when the row has none */
} ColumnField;

typedef struct Column_ Column;

struct Column_ {
   const char* key;
   const char* title;
   const char* description;
   int width;          /* minimum text width */
   ColumnKind kind;
   bool descending;    /* default sort direction */
   ColumnField field;  /* the Conn field at offset, or COLUMN_NOT_FIELD */
   size_t offset;
   bool humanBytes;    /* text: 1023, 1.0K, 12.5M */
   bool tcpOnly;       /* unknown for UDP flows */
   bool needsOwner;    /* unknown until the process is */
   bool freeText;      /* any text (process and user names): CSV may need quotes */
   bool rate;          /* bytes per second (Column_sortValue): a view may show bits */
   /* Not a field: writes the machine form (CSV/JSON: exact, unscaled) and
    * returns its length. */
   int (*raw)(const Column* col, const Conn* c, const RowContext* ctx, char* out, size_t size);
   /* The human form (text), when it is neither the machine form nor bytes. */
   void (*human)(const Column* col, const Conn* c, const RowContext* ctx, char* out, size_t size);
   /* How rows sort: numeric columns by a value (the field, or this), the
    * others compare. */
   double (*sortKey)(const Column* col, const Conn* c);
   int (*compare)(const Conn* a, const Conn* b);
   /* A cell that is a function of one value of the row (the interval, a
    * state, a uid, a start time, a cgroup id, a namespace inode): that
    * value, its being known included. Within one interval rows of the same value have the
    * same cell, so a writer may make it once and copy it (names may change
    * between intervals: never across them). NULL: each row's own. */
   uint64_t (*memoKey)(const Column* col, const Conn* c);
   const char* probe;  /* a probe's metric: the probe that declares it; NULL: built-in */
};

/* The machine form of a cell; its length, or -1 (an empty string) when unknown. */
int Column_raw(const Column* col, const Conn* c, const RowContext* ctx, char* out, size_t size);
/* The human form ("-" when unknown); its length. */
int Column_human(const Column* col, const Conn* c, const RowContext* ctx, char* out, size_t size);
/* The value numeric columns sort by; true for the columns that have one. */
double Column_sortValue(const Column* col, const Conn* c);
bool Column_sortsByValue(const Column* col);

/* The built-in columns by index in Column_table, then the probes' metrics
 * (Column_addMetric). */
typedef enum ColumnId_ {
   COLUMN_TIME, COLUMN_PROTO, COLUMN_LADDR, COLUMN_LPORT, COLUMN_RADDR, COLUMN_RPORT, COLUMN_PID,
   COLUMN_COMM, COLUMN_USER, COLUMN_STATE, COLUMN_TX_BYTES, COLUMN_RX_BYTES, COLUMN_TX_RATE,
   COLUMN_RX_RATE, COLUMN_RATE, COLUMN_TX_PACKETS, COLUMN_RX_PACKETS, COLUMN_RTT_US, COLUMN_RETRANS,
   COLUMN_AGE_S, COLUMN_CGROUP, COLUMN_CGROUP_PATH, COLUMN_NETNS, COLUMN_PORT, COLUMN_CONNECTIONS,
   COLUMN_RTT_MIN_US,
   COLUMN_BUILTIN_COUNT
} ColumnId;
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

/*
 * The order by parts, for a view that shows a few positions of many rows:
 * each row's key once (items[i] names rows[i]: SortOrder_index), then only
 * the positions asked for sorted. The order is SortOrder_sort's, ties
 * included.
 */
void SortOrder_keys(const SortOrder* this, Conn* const* rows, size_t n, RadixItem* items);
/* One row's item, as SortOrder_keys makes it for rows[i] (a pass that
 * reads the rows anyway makes them as it goes). */
RadixItem SortOrder_item(const SortOrder* this, const Conn* c, size_t i);
/* Rearranges items[0..n) so that items[from..to) are the items of those
 * positions, in order; the ones before them order before, the ones after
 * after (each side in no order). Linear on average, plus the range's sort. */
void SortOrder_select(const SortOrder* this, Conn* const* rows, RadixItem* items, size_t n, size_t from, size_t to);
/* The position of items[i] among items[0..n): how many order before it. */
size_t SortOrder_rank(const SortOrder* this, Conn* const* rows, const RadixItem* items, size_t n, size_t i);
/* Which row an item names (its index in rows). */
size_t SortOrder_index(const RadixItem* item);

/* Human byte units: 1023, 1.0K, 12.5M, 3.1G. */
void Column_humanBytes(double v, char* out, size_t size);

#endif
