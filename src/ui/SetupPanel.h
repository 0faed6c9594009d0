/*
 * SetupPanel.h: the columns (F2 or S), over the list: the shown ones in
 * order, then the others; Space shows or hides one, [ and ] move it, each
 * change applied at once; s saves the columns and the sort to the user's
 * config file.
 */
#ifndef TCPTOP_SETUPPANEL_H
#define TCPTOP_SETUPPANEL_H

#include "ui/Panel.h"

typedef struct SetupPanel_ {
   Panel super;
   int cursor;       /* a place in the list of columns */
} SetupPanel;

void SetupPanel_init(SetupPanel* this);

#endif
