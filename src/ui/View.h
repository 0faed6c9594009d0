/*
 * View.h: what every part of the screen shares: the monitor and the
 * terminal, the view's choices (columns, sort, the t, c and / filters,
 * names, P), the rows shown in their order with a selection that follows
 * its connection, the copies kept while paused, the header's totals and
 * each connection's rate history. View.c keeps the rows; the panels draw
 * them and change the choices. It calls no panel.
 */
#ifndef TCPTOP_VIEW_H
#define TCPTOP_VIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "core/Groups.h"
#include "core/Monitor.h"
#include "ui/CRT.h"
#include "ui/Cells.h"
#include "ui/RateHistory.h"
#include "ui/RowFilter.h"
#include "ui/Sparkline.h"

#define VIEW_FILTER_LEN ROWFILTER_LEN
/* Up to this many rows, every row with traffic has a rate history; above,
 * only the rows the list has drawn (RateHistory.watchedOnly). */
#define VIEW_HISTORY_ALL 20000
/* Positions sorted beyond those asked for, each side (View_sortRange). */
#define VIEW_SORT_AHEAD 256

/* Rows and their sort items (items[i] names rows[i] until a selection
 * moves the items). */
typedef struct ViewRows_ {
   Conn** rows;
   RadixItem* items;
   size_t n;
} ViewRows;

/* What the rows past t and c were made from: while it holds, clearing the
 * / text takes them again without a pass over every row. */
typedef struct ViewBasis_ {
   int samples;
   int sortColumn;
   bool descending, showClosed, paused, inGroup;
   int proto;
   int groupKey;
   const Conn* frozen;
   ConnKey group;
} ViewBasis;

typedef struct View_ {
   Monitor* monitor;
   CRT crt;
   ColumnList columns;        /* chosen, in order (F2) */
   ColumnList shown;          /* on the list: columns, or a group view's (View_layout) */
   Groups groups;             /* g: the monitor's rows folded by a key (GROUP_NONE: none) */
   bool inGroup;              /* Enter on a group: its connections only (Esc leaves) */
   Conn groupRow;             /* the group entered: its key's fields */
   bool columnsChanged;       /* or their text (F2, n, a resize): the list lays them out anew */
   SortOrder sort;
   int proto;                 /* SETTINGS_PROTO_*: the t key */
   char filter[VIEW_FILTER_LEN];   /* the / text */
   RowFilter rowFilter;       /* its tables (View_rebuild) */
   bool paused, showClosed, showHealth, quit;
   CellFormat format;         /* units, names (n), the sample shown */
   Summary summary;
   /* the rows shown (while paused, of the copies taken at the pause), in
    * the source's order, and their sort keys: only the positions a panel
    * asked for are sorted (View_row), not all 400,000 */
   Conn** visible;
   RadixItem* order;          /* one per row shown: [sortedFrom, sortedTo) in order */
   size_t nRows;
   size_t sortedFrom, sortedTo;
   ViewRows all;              /* past t and c: visible and order without / text */
   ViewRows matched;          /* past the / text too: visible and order with it */
   ViewBasis allBasis;        /* what all was made from */
   bool allValid;
   bool markShown;            /* a sample's rebuild: its pass marks the rows shown (Monitor_shown) */
   Conn* frozen;              /* the copies, while paused */
   size_t nFrozen;
   size_t selected;
   ConnKey selectedKey;
   bool hasSelection;
   Sparkline txTotal, rxTotal;     /* the header's */
   Sparkline txFrozen, rxFrozen;   /* theirs, while paused */
   RateHistory history;            /* each connection's recent rates */
   RateHistory frozenHistory;      /* theirs at the pause, while paused */
   int probesOk, probesFailed;
   char message[256];         /* one line at the bottom until the next key */
} View;

void View_init(View* this, Monitor* monitor);
void View_done(View* this);

/* A new sample: the totals, the histories, and the rows unless paused. */
void View_sample(View* this);
/* The rows again (the monitor's, or the paused copies): filters, keys,
 * the selection's new position. */
void View_rebuild(View* this);
/* The row at position i of the order (i < nRows), sorting what it takes. */
Conn* View_row(View* this, size_t i);
/* Positions from..to sorted, ready for View_row: a partial selection of
 * the order (the sorted range grows or moves), not a sort of every row. */
void View_sortRange(View* this, size_t from, size_t to);
void View_selectIndex(View* this, size_t index);
void View_moveSelection(View* this, long delta);
/* Pausing copies the rows and their histories: sampling and the log go on. */
void View_pause(View* this, bool pause);
/* The list drew c: its rate history is kept (with many rows, only the
 * drawn ones have one). */
void View_watch(View* this, const Conn* c);
/* The rate histories of the rows shown: the copies while paused. */
const RateHistory* View_history(const View* this);
/* g: the next group key (none, process, ... netns). */
void View_cycleGroup(View* this);
/* Does the list show group rows (a key, and no group entered)? */
bool View_grouped(const View* this);
/* Enter on a group row: its connections; Esc: the groups again. */
void View_enterGroup(View* this);
void View_leaveGroup(View* this);
/* The list's columns anew: the chosen ones, or for group rows the key's,
 * connections, then the chosen ones that sum (bytes, rates, packets,
 * retransmits, RTT). */
void View_layout(View* this);

/* A new interval, clamped to 0.05 s .. 1 h, said on the bottom line. */
void View_setInterval(View* this, double seconds);

#endif
