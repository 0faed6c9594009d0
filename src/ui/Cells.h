/*
 * Cells.h: how the screen writes values: a row's cell for a column (rates in
 * the chosen units, addresses as host names once known, printable ASCII
 * only), a rate alone, and text fitted to a width. Every panel uses it; it
 * draws nothing and calls no panel.
 */
#ifndef TCPTOP_CELLS_H
#define TCPTOP_CELLS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/Column.h"
#include "ui/Resolver.h"

#define CELLS_LEN 96   /* room for a cell's text */

typedef struct CellFormat_ {
   int units;            /* SETTINGS_UNITS_*: rates in bytes or bits per second */
   bool names;           /* host names instead of addresses (n), once resolved */
   Resolver* resolver;   /* NULL: names never asked for, or no thread */
   RowContext ctx;       /* the sample shown: its time, the ages */
} CellFormat;

/* A rate: "1.5K" (units of 1024) or, in bits, "12kb" (units of 1000). */
void Cells_formatRate(int units, double bytesPerSecond, char* out, size_t size);
/* The address columns: cut in the middle, shrunk to fit the screen. */
bool Cells_isAddress(int columnId);
/* Column columnId of c as the screen shows it. */
void Cells_format(const CellFormat* this, int columnId, const Conn* c, char* out, size_t size);
/* s in exactly w columns (ASCII s): padded, or cut; middle: "head…tail". */
char* Cells_fit(const char* s, int w, bool right, bool middle, const char* ellipsis, char* out, size_t size);

#endif
