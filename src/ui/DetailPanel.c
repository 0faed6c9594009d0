/*
 * DetailPanel.c: the fields, the packet line and the two graphs.
 */
#include "config.h"
#include "ui/DetailPanel.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

#define DETAILPANEL_GRAPH_ROWS 5

static void DetailPanel_copy(DetailPanel* this, const View* view, const Conn* c) {
   Conn_freeCopy(&this->conn);
   Conn_copy(&this->conn, c);   /* its own addresses: the row may go */
   ConnKey key = Conn_key(c);
   const ConnHistory* h = RateHistory_find(View_history(view), &key);
   if (h)
      this->history = *h;
   else
      memset(&this->history, 0, sizeof(this->history));
}

/* The selected row; nothing to open without one. */
static bool DetailPanel_open(Panel* super, View* view) {
   DetailPanel* this = (DetailPanel*)super;
   if (!view->hasSelection || view->selected >= view->nRows)
      return false;
   DetailPanel_copy(this, view, View_row(view, view->selected));
   this->gone = false;
   return true;
}

/* The connection again from the table, unless paused. */
static void DetailPanel_sample(Panel* super, View* view) {
   DetailPanel* this = (DetailPanel*)super;
   if (view->paused)
      return;
   ConnKey key = Conn_key(&this->conn);
   const Conn* c = ConnTable_find(&view->monitor->table, &key);
   if (c)
      DetailPanel_copy(this, view, c);
   this->gone = c == NULL;
}

static PanelId DetailPanel_handleKey(Panel* super, View* view, int key) {
   (void)super;
   (void)view;
   bool back = key == KEY_ESCAPE || key == 'q' || key == '\r' || key == '\n' || key == KEY_ENTER ||
               key == KEY_BACKSPACE;
   return back ? PANEL_LIST : PANEL_DETAIL;
}

/* Every column: title, exact value, and the human one where it differs. */
static int DetailPanel_drawFields(const DetailPanel* this, const View* view, int y) {
   char raw[CELLS_LEN], human[CELLS_LEN];
   const Conn* c = &this->conn;
   for (int id = 0; id < Column_count && y < LINES - 1; id++, y++) {
      const Column* col = &Column_table[id];
      if (Column_raw(col, c, &view->format.ctx, raw, sizeof(raw)) < 0)
         snprintf(raw, sizeof(raw), "-");
      Cells_format(&view->format, id, c, human, sizeof(human));
      attrset(view->crt.attr[CRT_LABEL]);
      mvprintw(y, 0, "%-11s", col->key);
      attrset(view->crt.attr[CRT_VALUE]);
      printw("%-28.28s", raw);
      attrset(A_NORMAL);
      printw(" %-10s", strcmp(raw, human) != 0 ? human : "");
      printw(" %.*s", COLS > 52 ? COLS - 52 : 0, col->description);
   }
   return y;
}

static int DetailPanel_drawPackets(const DetailPanel* this, const View* view, int y) {
   const Conn* c = &this->conn;
   attrset(view->crt.attr[CRT_LABEL]);
   mvprintw(y++, 0, "packets/s  tx %.0f  rx %.0f   cookie %llu   %s%s", c->txPacketRate, c->rxPacketRate,
            (unsigned long long)c->cookie, c->seeded ? "opened before tcptop" : "opened while watched",
            c->state == CONN_CLOSED ? "   closed" : "");
   attrset(A_NORMAL);
   return y;
}

/* One graph, DETAILPANEL_GRAPH_ROWS high, scaled to its own maximum. */
static int DetailPanel_drawGraph(const View* view, int y, const char* label, const Sparkline* s, int element) {
   int width = COLS - 12 < SPARKLINE_LEN ? COLS - 12 : SPARKLINE_LEN;
   double max = Sparkline_max(s, width);
   char line[SPARKLINE_LEN * 4 + 1], value[32];
   Cells_formatRate(view->format.units, max, value, sizeof(value));
   for (int row = 0; row < DETAILPANEL_GRAPH_ROWS && y < LINES - 1 && width > 0; row++, y++) {
      attrset(view->crt.attr[CRT_LABEL]);
      mvprintw(y, 0, "%-11s", row == 0 ? label : row == 1 ? value : "");
      attrset(view->crt.attr[element]);
      addstr(Sparkline_graphRow(s, width, DETAILPANEL_GRAPH_ROWS, row, max, view->crt.utf8, line, sizeof(line)));
   }
   attrset(A_NORMAL);
   return y;
}

static void DetailPanel_draw(Panel* super, View* view) {
   DetailPanel* this = (DetailPanel*)super;
   attrset(view->crt.attr[CRT_TITLE]);
   mvprintw(0, 0, "Connection details%s  (Esc, Enter or q: back)", this->gone ? " - gone" : "");
   if (view->paused)
      addstr("  PAUSED");
   attrset(A_NORMAL);
   int y = DetailPanel_drawFields(this, view, 2);
   y = DetailPanel_drawPackets(this, view, y + 1);
   mvprintw(y + 1, 0, "rates over the last %d intervals of %g s (newest at the right):", SPARKLINE_LEN,
            view->monitor->interval);
   y = DetailPanel_drawGraph(view, y + 2, "send/s", &this->history.tx, CRT_GRAPH_TX);
   DetailPanel_drawGraph(view, y + 1, "receive/s", &this->history.rx, CRT_GRAPH_RX);
}

static const PanelClass DetailPanel_class = {
   .keys = "Esc/Enter/q back",
   .open = DetailPanel_open,
   .draw = DetailPanel_draw,
   .handleKey = DetailPanel_handleKey,
   .sample = DetailPanel_sample,
};

void DetailPanel_init(DetailPanel* this) {
   memset(this, 0, sizeof(*this));
   this->super.klass = &DetailPanel_class;
}
