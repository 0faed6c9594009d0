/*
 * HelpPanel.h: the keys (h, ? or F1), in place of the list; any key but a
 * resize goes back.
 */
#ifndef TCPTOP_HELPPANEL_H
#define TCPTOP_HELPPANEL_H

#include "ui/Panel.h"

typedef struct HelpPanel_ {
   Panel super;
} HelpPanel;

void HelpPanel_init(HelpPanel* this);

#endif
