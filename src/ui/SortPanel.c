/*
 * SortPanel.c: the sort menu.
 */
#include "config.h"
#include "ui/SortPanel.h"

#include <curses.h>
#include <string.h>

/* The cursor starts on the column sorted by. */
static bool SortPanel_open(Panel* super, View* view) {
   ((SortPanel*)super)->cursor = view->sort.column;
   return true;
}

static void SortPanel_draw(Panel* super, View* view) {
   const SortPanel* this = (const SortPanel*)super;
   int width = 40 < COLS ? 40 : COLS;
   int y = Panel_drawFrame(view, "Sort by (Enter, Esc)", Column_count, width);
   int visible = LINES - y - 1;
   int first = Panel_firstVisible(this->cursor, visible);
   for (int i = first; i < Column_count && i - first < visible; i++) {
      attrset(view->crt.attr[i == this->cursor ? CRT_SELECTED : CRT_ROW]);
      mvprintw(y + i - first, 0, " %s %-12s %-22.22s", i == view->sort.column ? "*" : " ", Column_table[i].key,
               Column_table[i].title);
   }
   attrset(A_NORMAL);
}

static PanelId SortPanel_handleKey(Panel* super, View* view, int key) {
   SortPanel* this = (SortPanel*)super;
   switch (key) {
   case KEY_UP:
      this->cursor = this->cursor > 0 ? this->cursor - 1 : 0;
      return PANEL_SORT;
   case KEY_DOWN:
      this->cursor = this->cursor + 1 < Column_count ? this->cursor + 1 : this->cursor;
      return PANEL_SORT;
   case '\r': case '\n': case KEY_ENTER:
      view->sort.column = this->cursor;
      view->sort.descending = Column_table[this->cursor].descending;
      View_rebuild(view);
      return PANEL_LIST;
   case KEY_ESCAPE: case 'q': case KEY_F(6):
      return PANEL_LIST;
   default:
      return PANEL_SORT;
   }
}

static const PanelClass SortPanel_class = {
   .overList = true,
   .keys = "Up/Down choose   Enter sort   Esc cancel",
   .open = SortPanel_open,
   .draw = SortPanel_draw,
   .handleKey = SortPanel_handleKey,
};

void SortPanel_init(SortPanel* this) {
   memset(this, 0, sizeof(*this));
   this->super.klass = &SortPanel_class;
}
