/*
 * CRT.h: the terminal under the screen: curses set-up and tear-down, the
 * colour palette (with a monochrome fallback, NO_COLOR and the colour
 * setting honoured), UTF-8 detection, standard error kept off the screen,
 * and the restore of the terminal when tcptop crashes.
 */
#ifndef TCPTOP_CRT_H
#define TCPTOP_CRT_H

#include <stdbool.h>

typedef enum CRTElement_ {
   CRT_TITLE,        /* the first header line */
   CRT_LABEL,        /* header labels */
   CRT_VALUE,        /* header figures */
   CRT_GRAPH_TX,
   CRT_GRAPH_RX,
   CRT_WARNING,      /* lost events, failed probes, PAUSED */
   CRT_TABLE_HEAD,
   CRT_SORT_HEAD,    /* the sort column's title */
   CRT_ROW,
   CRT_ROW_CLOSED,
   CRT_SELECTED,
   CRT_KEY,          /* footer: the key */
   CRT_KEY_TEXT,     /* footer: what it does */
   CRT_ELEMENTS,
} CRTElement;

typedef struct CRT_ {
   bool utf8;
   bool colour;
   int attr[CRT_ELEMENTS];
   int savedStderr;    /* fd 2 while the screen is up; -1 otherwise */
   int capture;        /* where fd 2 writes meanwhile */
   void* term;         /* the curses SCREEN */
} CRT;

/* Starts curses; colourMode is SETTINGS_COLOUR_*. 0, or -1 with *err. */
int CRT_init(CRT* this, int colourMode, char** err);
/* Ends curses, restores the terminal exactly, prints what went to stderr. */
void CRT_done(CRT* this);

/* Drawing helpers. */
const char* CRT_arrow(const CRT* this, bool descending);
const char* CRT_ellipsis(const CRT* this);
/* "label value" at the cursor: the label in its colour, the value in element's. */
void CRT_addPair(const CRT* this, const char* label, const char* value, int element);

/* Keys curses has no name for. */
#define KEY_ESCAPE 27
#define KEY_CTRL(c) ((c) & 0x1f)

#endif
