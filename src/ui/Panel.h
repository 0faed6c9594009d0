/*
 * Panel.h: a part of the screen with its own drawing and keys, htop's Panel
 * in small. Each panel (the connection list, a connection's details, the
 * help, the sort menu, the column setup) is one module behind a PanelClass;
 * Screen draws the active one, gives it the keys, and opens the one it
 * asks for. Panels share the View, never each other: one asks for another
 * by its id.
 */
#ifndef TCPTOP_PANEL_H
#define TCPTOP_PANEL_H

#include <stdbool.h>

#include "ui/View.h"

typedef enum PanelId_ {
   PANEL_LIST,      /* the connections, under the header */
   PANEL_DETAIL,    /* one connection (Enter) */
   PANEL_HELP,      /* h, F1 */
   PANEL_SORT,      /* the sort menu (F6) */
   PANEL_SETUP,     /* the columns (F2) */
   PANEL_COUNT,
} PanelId;

typedef struct Panel_ Panel;

typedef struct PanelClass_ {
   /* Drawn over the header and the list (a menu), not in their place. */
   bool overList;
   /* The bottom line while it is open; NULL: the list's keys. */
   const char* keys;
   /* Asked for by another panel; false: nothing to show, it stays closed.
    * NULL: it always opens. */
   bool (*open)(Panel* this, View* view);
   void (*draw)(Panel* this, View* view);
   /* A key; returns the panel to show next (its own id to stay). */
   PanelId (*handleKey)(Panel* this, View* view, int key);
   /* A new sample while it is open; NULL: nothing to do. */
   void (*sample)(Panel* this, View* view);
} PanelClass;

struct Panel_ {
   const PanelClass* klass;
};

bool Panel_open(Panel* this, View* view);
void Panel_draw(Panel* this, View* view);
PanelId Panel_handleKey(Panel* this, View* view, int key);
void Panel_sample(Panel* this, View* view);

/* A framed menu at the left, under the summary; returns its first row. */
int Panel_drawFrame(const View* view, const char* title, int rows, int width);
/* The first of `visible` menu rows shown, so that cursor is among them. */
int Panel_firstVisible(int cursor, int visible);

#endif
