/*
 * DetailPanel.h: one connection (Enter on the list), in place of the list:
 * every column's value, exact and human, and graphs of its send and receive
 * rates over the last intervals. It follows the connection by key at each
 * sample; once the connection is gone its last values stay, marked gone.
 */
#ifndef TCPTOP_DETAILPANEL_H
#define TCPTOP_DETAILPANEL_H

#include <stdbool.h>

#include "ui/Panel.h"
#include "ui/RateHistory.h"

typedef struct DetailPanel_ {
   Panel super;
   Conn conn;              /* the connection, as last seen */
   ConnHistory history;    /* its rates, as last seen */
   bool gone;
} DetailPanel;

void DetailPanel_init(DetailPanel* this);

#endif
