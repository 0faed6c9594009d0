/*
 * Screen.h: the interactive view (ncurses), top-like: a summary header with
 * sparklines, one row per connection, keys to sort, filter, pause, change
 * the interval, resolve names, open a connection's details, pick columns.
 * Screen.c runs the loop; ScreenRows.c builds the rows shown; ScreenDraw.c
 * the header and the table; ScreenKeys.c the keys; ScreenPanels.c help,
 * sort menu and setup; ScreenDetail.c one connection.
 */
#ifndef TCPTOP_SCREEN_H
#define TCPTOP_SCREEN_H

#include <stdbool.h>

#include "ui/CRT.h"
#include "ui/Cells.h"
#include "core/Column.h"
#include "core/Monitor.h"
#include "ui/RateHistory.h"
#include "ui/Resolver.h"
#include "ui/Sparkline.h"

typedef enum ScreenMode_ {
   SCREEN_TABLE,
   SCREEN_DETAIL,
   SCREEN_HELP,
   SCREEN_SORT_MENU,
   SCREEN_SETUP,
} ScreenMode;

typedef enum ScreenPrompt_ {
   SCREEN_PROMPT_NONE,
   SCREEN_PROMPT_FILTER,     /* typing the / filter (applied live) */
   SCREEN_PROMPT_DELAY,      /* typing a new interval after d */
} ScreenPrompt;

#define SCREEN_FILTER_LEN 64
#define SCREEN_KEY_ESC 27

typedef struct Screen_ {
   Monitor* monitor;
   CRT crt;
   ColumnList columns;
   SortOrder sort;
   int proto;                 /* SETTINGS_PROTO_*: the t key */
   char filter[SCREEN_FILTER_LEN];
   ScreenPrompt prompt;
   char input[SCREEN_FILTER_LEN];   /* the d prompt's text */
   bool paused, showClosed, showHealth, quit;
   bool endShown;           /* a replay's last sample, at its last packet, taken */
   ScreenMode mode;
   /* the rows shown, sorted; while paused, copies taken at the pause */
   Conn** rows;
   size_t nRows;
   Conn* frozen;              /* the copies, while paused */
   size_t nFrozen;
   Summary summary;
   CellFormat format;         /* units, names (n), the sample shown */
   size_t selected, top;
   ConnKey selectedKey;
   bool hasSelection;
   Conn detail;               /* the detail view's connection, last seen */
   ConnHistory detailHistory;
   bool detailGone;
   Sparkline txTotal, rxTotal;
   Sparkline txFrozen, rxFrozen;   /* the header's, while paused */
   RateHistory history;       /* each connection's recent rates */
   RateHistory frozenHistory; /* theirs at the pause, while paused */
   int widths[64];            /* per shown column, only growing until reset */
   int menuCursor;            /* sort menu and setup */
   int probesOk, probesFailed;
   char message[256];         /* one line at the bottom until the next key */
   bool dirty;
} Screen;

/* Runs the screen until q or a signal; returns the exit code. */
int Screen_run(Monitor* monitor);

/* ScreenRows.c */
void Screen_rebuild(Screen* this);
void Screen_moveSelection(Screen* this, long delta);
void Screen_selectIndex(Screen* this, size_t index);
void Screen_pause(Screen* this, bool pause);
void Screen_recordHistory(Screen* this);
void Screen_freeFrozen(Screen* this);

/* ScreenDraw.c */
void Screen_draw(Screen* this);
int Screen_tableHeight(const Screen* this);
void Screen_resetWidths(Screen* this);

/* ScreenKeys.c */
void Screen_handleKey(Screen* this, int key);
void Screen_setInterval(Screen* this, double seconds);

/* ScreenPanels.c */
void Screen_drawHelp(Screen* this);
void Screen_drawSortMenu(Screen* this);
void Screen_drawSetup(Screen* this);
void Screen_sortMenuKey(Screen* this, int key);
void Screen_setupKey(Screen* this, int key);
void Screen_saveSetup(Screen* this);

/* ScreenDetail.c */
void Screen_openDetail(Screen* this);
void Screen_updateDetail(Screen* this);
void Screen_drawDetail(Screen* this);
void Screen_detailKey(Screen* this, int key);

#endif
