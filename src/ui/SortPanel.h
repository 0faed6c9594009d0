/*
 * SortPanel.h: the sort menu (F6), over the list: every column, the one
 * sorted by marked; Enter sorts by the one under the cursor.
 */
#ifndef TCPTOP_SORTPANEL_H
#define TCPTOP_SORTPANEL_H

#include "ui/Panel.h"

typedef struct SortPanel_ {
   Panel super;
   int cursor;       /* a column id */
} SortPanel;

void SortPanel_init(SortPanel* this);

#endif
