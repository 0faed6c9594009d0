/*
 * RateHistory.h: each connection's recent send and receive rates, one value
 * per interval, for the screen's detail graphs. The screen keeps them here,
 * by ConnKey, from a row's first traffic on; at each sample the entries of
 * rows the connection table no longer has are freed, so memory follows the
 * table. With many rows (a history is 600 bytes: 240 MB at 400,000 rows,
 * and a lookup per row each interval) only the rows the list has drawn are
 * kept (watchedOnly): from their first drawing, until they have not been
 * drawn for a graph's width of samples.
 */
#ifndef TCPTOP_RATEHISTORY_H
#define TCPTOP_RATEHISTORY_H

#include <stddef.h>
#include <stdint.h>

#include "core/ConnTable.h"
#include "ui/Sparkline.h"

/* One connection's send and receive rates, one value per interval. */
typedef struct ConnHistory_ {
   Sparkline tx, rx;
} ConnHistory;

typedef struct RateHistoryEntry_ RateHistoryEntry;

typedef struct RateHistory_ {
   RateHistoryEntry** slots;   /* open addressing by ConnKey_hash */
   size_t cap;                 /* a power of two; 0 while empty and never used */
   size_t count;
   uint32_t sample;            /* counts the records: entries not seen in the last */
   bool watchedOnly;           /* only the rows drawn (RateHistory_watch) are kept */
} RateHistory;

/* An empty map (no allocation until the first entry). */
void RateHistory_init(RateHistory* this);
/* Frees every entry; the map is empty again. */
void RateHistory_done(RateHistory* this);

/* A sample's rows: one value each for the rows that have ever had traffic. */
void RateHistory_record(RateHistory* this, Conn* const* rows, size_t n);
/* A sample with watchedOnly: one value each for the rows that have an
 * entry, read from table. */
void RateHistory_recordKnown(RateHistory* this, const ConnTable* table);
/* c was drawn: its entry, made now if it has none. */
void RateHistory_watch(RateHistory* this, const Conn* c);
/* Frees the entries of connections that table no longer has; with
 * watchedOnly, those of rows not drawn in the last SPARKLINE_LEN samples. */
void RateHistory_prune(RateHistory* this, const ConnTable* table);
/* key's history, or NULL while it has had no traffic. */
const ConnHistory* RateHistory_find(const RateHistory* this, const ConnKey* key);
/* this (empty) becomes a copy of from: the rows kept while paused. */
void RateHistory_copy(RateHistory* this, const RateHistory* from);

#endif
