/*
 * ScreenDetail.c: one connection (Enter): every column's value, exact and
 * human, and a graph of its send and receive rates over the last intervals.
 * The view follows the connection by key; once it is gone, its last values
 * stay, marked gone.
 */
#include "config.h"
#include "ui/Screen.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "core/XUtils.h"

#define SCREEN_GRAPH_ROWS 5

static void Screen_copyDetail(Screen* this, const Conn* c) {
   this->detail = *c;
   const ConnHistory* h = RateHistory_find(this->paused ? &this->frozenHistory : &this->history, &c->key);
   if (h)
      this->detailHistory = *h;
   else
      memset(&this->detailHistory, 0, sizeof(this->detailHistory));
}

void Screen_openDetail(Screen* this) {
   if (!this->hasSelection || this->selected >= this->nRows)
      return;
   Screen_copyDetail(this, this->rows[this->selected]);
   this->detailGone = false;
   this->mode = SCREEN_DETAIL;
}

void Screen_updateDetail(Screen* this) {
   if (this->mode != SCREEN_DETAIL || this->paused)
      return;
   const Conn* c = ConnTable_find(&this->monitor->table, &this->detail.key);
   if (c)
      Screen_copyDetail(this, c);
   this->detailGone = c == NULL;
}

void Screen_detailKey(Screen* this, int key) {
   if (key == SCREEN_KEY_ESC || key == 'q' || key == '\r' || key == '\n' || key == KEY_ENTER || key == KEY_BACKSPACE)
      this->mode = SCREEN_TABLE;
}

/* Every column: title, exact value, and the human one where it differs. */
static int Screen_detailFields(Screen* this, int y) {
   char raw[96], human[96];
   const Conn* c = &this->detail;
   for (int id = 0; id < Column_count && y < LINES - 1; id++, y++) {
      const Column* col = &Column_table[id];
      if (Column_raw(col, c, &this->format.ctx, raw, sizeof(raw)) < 0)
         snprintf(raw, sizeof(raw), "-");
      Cells_format(&this->format, id, c, human, sizeof(human));
      attrset(this->crt.attr[CRT_LABEL]);
      mvprintw(y, 0, "%-11s", col->key);
      attrset(this->crt.attr[CRT_VALUE]);
      printw("%-28.28s", raw);
      attrset(A_NORMAL);
      if (strcmp(raw, human) != 0)
         printw(" %-10s", human);
      else
         printw(" %-10s", "");
      printw(" %.*s", COLS > 52 ? COLS - 52 : 0, col->description);
   }
   return y;
}

static int Screen_detailExtra(Screen* this, int y) {
   const Conn* c = &this->detail;
   char tx[32], rx[32];
   Cells_formatRate(this->format.units, c->txPacketRate, tx, sizeof(tx));
   Cells_formatRate(this->format.units, c->rxPacketRate, rx, sizeof(rx));
   attrset(this->crt.attr[CRT_LABEL]);
   mvprintw(y++, 0, "packets/s  tx %.0f  rx %.0f   cookie %llu   %s%s", c->txPacketRate, c->rxPacketRate,
            (unsigned long long)c->key.cookie, c->seeded ? "opened before tcptop" : "opened while watched",
            c->state == CONN_CLOSED ? "   closed" : "");
   attrset(A_NORMAL);
   return y;
}

/* One graph, SCREEN_GRAPH_ROWS high, scaled to its own maximum. */
static int Screen_detailGraph(Screen* this, int y, const char* label, const Sparkline* s, int element) {
   int width = COLS - 12 < SPARKLINE_LEN ? COLS - 12 : SPARKLINE_LEN;
   double max = Sparkline_max(s, width);
   char line[SPARKLINE_LEN * 4 + 1], value[32];
   Cells_formatRate(this->format.units, max, value, sizeof(value));
   for (int row = 0; row < SCREEN_GRAPH_ROWS && y < LINES - 1 && width > 0; row++, y++) {
      attrset(this->crt.attr[CRT_LABEL]);
      mvprintw(y, 0, "%-11s", row == 0 ? label : row == 1 ? value : "");
      attrset(this->crt.attr[element]);
      addstr(Sparkline_graphRow(s, width, SCREEN_GRAPH_ROWS, row, max, this->crt.utf8, line, sizeof(line)));
   }
   attrset(A_NORMAL);
   return y;
}

void Screen_drawDetail(Screen* this) {
   attrset(this->crt.attr[CRT_TITLE]);
   mvprintw(0, 0, "Connection details%s  (Esc, Enter or q: back)", this->detailGone ? " - gone" : "");
   if (this->paused)
      addstr("  PAUSED");
   attrset(A_NORMAL);
   int y = Screen_detailFields(this, 2);
   y = Screen_detailExtra(this, y + 1);
   mvprintw(y + 1, 0, "rates over the last %d intervals of %g s (newest at the right):", SPARKLINE_LEN,
            this->monitor->interval);
   y = Screen_detailGraph(this, y + 2, "send/s", &this->detailHistory.tx, CRT_GRAPH_TX);
   Screen_detailGraph(this, y + 1, "receive/s", &this->detailHistory.rx, CRT_GRAPH_RX);
}
