/*
 * ListPanel.h: the connection list under the header: the column titles
 * (the sort column's with an arrow) and the rows on screen, the selection;
 * its keys move the selection, change what is shown (t c P I < > Esc),
 * type a filter or an interval (the Prompt on the bottom line), pause,
 * step the interval, and ask for the other panels.
 */
#ifndef TCPTOP_LISTPANEL_H
#define TCPTOP_LISTPANEL_H

#include <stddef.h>

#include "ui/Panel.h"
#include "ui/Prompt.h"

typedef struct ListPanel_ {
   Panel super;
   Prompt prompt;          /* the / filter or d interval being typed */
   size_t top;             /* the row at the top of the list */
   int widths[64];         /* per shown column, only growing until the columns change */
} ListPanel;

void ListPanel_init(ListPanel* this);

#endif
