/*
 * ScreenDraw.c: the summary header, the table and the footer. Only the
 * rows on screen are formatted; curses sends only what changed.
 */
#include "config.h"
#include "ui/Screen.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/XUtils.h"

#define SCREEN_HEADER_BASE 6       /* above the column titles, without probe lines */
#define SCREEN_ADDR_MAX 39         /* a full IPv6 address */
#define SCREEN_ADDR_MIN 12

/* The probe health lines shown (P), at most a third of the screen. */
static int Screen_healthLines(const Screen* this) {
   const char* text = this->monitor->healthText;
   if (!this->showHealth || !text)
      return 0;
   int n = 0;
   for (const char* p = text; *p; p++)
      n += *p == '\n';
   return n < LINES / 3 ? n : LINES / 3;
}

static int Screen_headerLines(const Screen* this) {
   return SCREEN_HEADER_BASE + Screen_healthLines(this);
}

int Screen_tableHeight(const Screen* this) {
   int h = LINES - Screen_headerLines(this) - 2;   /* column titles, footer */
   return h > 1 ? h : 1;
}

void Screen_resetWidths(Screen* this) {
   for (int j = 0; j < this->columns.count; j++) {
      const Column* col = &Column_table[this->columns.ids[j]];
      int t = (int)strlen(col->title) + 1;   /* room for the sort arrow */
      this->widths[j] = col->width > t ? col->width : t;
   }
}

/* Widths grow to fit the rows on screen, addresses shrink to fit COLS. */
static void Screen_fitWidths(Screen* this, int first, int count) {
   char cell[CELLS_LEN];
   for (int j = 0; j < this->columns.count; j++) {
      int id = this->columns.ids[j];
      for (int i = first; i < first + count; i++) {
         Cells_format(&this->format, id, this->rows[i], cell, sizeof(cell));
         int l = (int)strlen(cell);
         if (Cells_isAddress(id) && l > SCREEN_ADDR_MAX)
            l = SCREEN_ADDR_MAX;
         this->widths[j] = l > this->widths[j] ? l : this->widths[j];
      }
   }
   int total = 0;
   for (int j = 0; j < this->columns.count; j++)
      total += this->widths[j] + 1;
   for (int j = 0; j < this->columns.count && total > COLS; j++) {
      if (!Cells_isAddress(this->columns.ids[j]))
         continue;
      int cut = total - COLS < this->widths[j] - SCREEN_ADDR_MIN ? total - COLS : this->widths[j] - SCREEN_ADDR_MIN;
      if (cut > 0) {
         this->widths[j] -= cut;
         total -= cut;
      }
   }
}

/* Prints s in exactly w columns at (y, x). */
static void Screen_put(const Screen* this, int y, int x, const char* s, int w, bool right, bool middle) {
   char buf[CELLS_LEN * 2];
   if (w > 0 && x < COLS)
      mvaddstr(y, x, Cells_fit(s, w, right, middle, CRT_ellipsis(&this->crt), buf, sizeof(buf)));
}

static void Screen_drawTitles(Screen* this, int y) {
   attrset(this->crt.attr[CRT_TABLE_HEAD]);
   mvhline(y, 0, ' ', COLS);
   int x = 0;
   for (int j = 0; j < this->columns.count && x + this->widths[j] <= COLS; j++) {   /* whole columns only */
      int id = this->columns.ids[j];
      const Column* col = &Column_table[id];
      bool sorted = id == this->sort.column, right = col->kind == COLUMN_NUMBER;
      char title[48];
      snprintf(title, sizeof(title), "%s%s", col->title, sorted ? CRT_arrow(&this->crt, this->sort.descending) : "");
      int w = this->widths[j] + (sorted && this->crt.utf8 ? 2 : 0);   /* the arrow's extra bytes */
      attrset(this->crt.attr[sorted ? CRT_SORT_HEAD : CRT_TABLE_HEAD]);
      Screen_put(this, y, x, title, w, right, false);
      x += this->widths[j] + 1;
   }
   attrset(A_NORMAL);
}

static void Screen_drawRow(Screen* this, int y, const Conn* c, bool selected) {
   int attr = this->crt.attr[selected ? CRT_SELECTED : c->state == CONN_CLOSED ? CRT_ROW_CLOSED : CRT_ROW];
   attrset(attr);
   if (selected)
      mvhline(y, 0, ' ', COLS);
   char cell[CELLS_LEN];
   int x = 0;
   for (int j = 0; j < this->columns.count && x + this->widths[j] <= COLS; j++) {
      int id = this->columns.ids[j];
      Cells_format(&this->format, id, c, cell, sizeof(cell));
      Screen_put(this, y, x, cell, this->widths[j], Column_table[id].kind == COLUMN_NUMBER, Cells_isAddress(id));
      x += this->widths[j] + 1;
   }
   attrset(A_NORMAL);
}

static void Screen_drawTable(Screen* this) {
   int h = Screen_tableHeight(this);
   if (this->selected < this->top)
      this->top = this->selected;
   if (this->selected >= this->top + (size_t)h)
      this->top = this->selected - (size_t)h + 1;
   if (this->top + (size_t)h > this->nRows)
      this->top = this->nRows > (size_t)h ? this->nRows - (size_t)h : 0;
   int count = (int)(this->nRows - this->top) < h ? (int)(this->nRows - this->top) : h;
   Screen_fitWidths(this, (int)this->top, count);
   Screen_drawTitles(this, Screen_headerLines(this));
   for (int i = 0; i < count; i++)
      Screen_drawRow(this, Screen_headerLines(this) + 1 + i, this->rows[this->top + (size_t)i],
                     this->top + (size_t)i == this->selected);
}

/* "label value" pairs: the label in its colour, the value bold. */
static void Screen_pair(const Screen* this, const char* label, const char* value, int valueElement) {
   attrset(this->crt.attr[CRT_LABEL]);
   addstr(label);
   attrset(this->crt.attr[valueElement]);
   addstr(value);
   attrset(A_NORMAL);
}

static void Screen_drawTitleLine(Screen* this) {
   char ts[16], buf[64];
   time_t t = (time_t)this->format.ctx.wallNow;
   struct tm tm;
   strftime(ts, sizeof(ts), "%H:%M:%S", localtime_r(&t, &tm));
   move(0, 0);
   attrset(this->crt.attr[CRT_TITLE]);
   printw("tcptop %s - %s", PACKAGE_VERSION, ts);
   snprintf(buf, sizeof(buf), "%gs", this->monitor->interval);
   Screen_pair(this, "  interval ", buf, CRT_VALUE);
   const Settings* settings = this->monitor->settings;
   if (this->summary.capture) {
      Screen_pair(this, "  packets from ", settings->readFile ? settings->readFile : "a live capture", CRT_VALUE);
      if (settings->readFile)
         Screen_pair(this, " ", Monitor_ended(this->monitor) ? "(replay ended)" : "(replaying)", CRT_VALUE);
      snprintf(buf, sizeof(buf), "%llu", (unsigned long long)this->summary.malformed);
      Screen_pair(this, "  malformed ", buf, this->summary.malformed ? CRT_WARNING : CRT_VALUE);
   } else {
      snprintf(buf, sizeof(buf), "%d loaded", this->probesOk);
      Screen_pair(this, "  probes ", buf, CRT_VALUE);
      snprintf(buf, sizeof(buf), "%d failed", this->probesFailed);
      Screen_pair(this, ", ", buf, this->probesFailed ? CRT_WARNING : CRT_VALUE);
      if (this->monitor->missing)
         Screen_pair(this, "  without data ", this->monitor->missing, CRT_WARNING);
   }
   if (this->paused)
      Screen_pair(this, "  ", "PAUSED", CRT_WARNING);
}

static void Screen_drawConnections(Screen* this) {
   const Summary* s = &this->summary;
   char buf[32];
   move(1, 0);
   snprintf(buf, sizeof(buf), "%d", s->tcp);
   Screen_pair(this, "TCP ", buf, CRT_VALUE);
   for (int st = CONN_ESTABLISHED; st <= CONN_NEW_SYN_RECV; st++) {
      if (!s->byState[st])
         continue;
      snprintf(buf, sizeof(buf), "%d", s->byState[st]);
      Screen_pair(this, " ", Conn_stateName(st), CRT_LABEL);
      Screen_pair(this, " ", buf, CRT_VALUE);
   }
   snprintf(buf, sizeof(buf), "%d", s->udp);
   Screen_pair(this, "   UDP ", buf, CRT_VALUE);
   snprintf(buf, sizeof(buf), "%d", s->byState[CONN_UDP_ACTIVE]);
   Screen_pair(this, " active ", buf, CRT_VALUE);
   snprintf(buf, sizeof(buf), "%d", s->byState[CONN_UDP_IDLE]);
   Screen_pair(this, " idle ", buf, CRT_VALUE);
   snprintf(buf, sizeof(buf), "%d", s->closed);
   Screen_pair(this, "   closed ", buf, CRT_VALUE);
}

static void Screen_drawRate(Screen* this, int y, const char* label, double rate, const Sparkline* hist, int element) {
   char value[32], line[SPARKLINE_LEN * 4 + 1];
   Cells_formatRate(this->format.units, rate, value, sizeof(value));
   move(y, 0);
   attrset(this->crt.attr[CRT_LABEL]);
   printw("%-8s", label);
   attrset(this->crt.attr[CRT_VALUE]);
   printw("%7s%s/s ", value, this->monitor->settings->units == SETTINGS_UNITS_BITS ? "" : "B");
   int width = COLS - 19 < SPARKLINE_LEN ? COLS - 19 : SPARKLINE_LEN;
   attrset(this->crt.attr[element]);
   if (width > 0)
      addstr(Sparkline_render(hist, width, this->crt.utf8, line, sizeof(line)));
   attrset(A_NORMAL);
}

static void Screen_drawTraffic(Screen* this) {
   const Summary* s = &this->summary;
   char buf[48];
   Screen_drawRate(this, 2, "Send", s->txRate, this->paused ? &this->txFrozen : &this->txTotal, CRT_GRAPH_TX);
   Screen_drawRate(this, 3, "Receive", s->rxRate, this->paused ? &this->rxFrozen : &this->rxTotal, CRT_GRAPH_RX);
   move(4, 0);
   snprintf(buf, sizeof(buf), "%.0f/s", s->txPacketRate);
   Screen_pair(this, "Packets  tx ", buf, CRT_VALUE);
   snprintf(buf, sizeof(buf), "%.0f/s", s->rxPacketRate);
   Screen_pair(this, "  rx ", buf, CRT_VALUE);
   snprintf(buf, sizeof(buf), "%llu", (unsigned long long)s->lost);
   Screen_pair(this, "   lost events ", buf, s->lost ? CRT_WARNING : CRT_VALUE);
}

static void Screen_drawViewLine(Screen* this) {
   static const char* const protos[] = { "all", "tcp", "udp" };
   char buf[96];
   move(5, 0);
   snprintf(buf, sizeof(buf), "%zu of %zu", this->nRows, this->paused ? this->nFrozen : this->monitor->nRows);
   Screen_pair(this, "Showing ", buf, CRT_VALUE);
   snprintf(buf, sizeof(buf), "%s %s", Column_table[this->sort.column].key, this->sort.descending ? "desc" : "asc");
   Screen_pair(this, "  sort ", buf, CRT_VALUE);
   Screen_pair(this, "  proto ", protos[this->proto], CRT_VALUE);
   Screen_pair(this, "  names ", this->format.names ? "on" : "off", CRT_VALUE);
   Screen_pair(this, "  closed ", this->showClosed ? "shown" : "hidden", CRT_VALUE);
   if (this->filter[0])
      Screen_pair(this, "  filter ", this->filter, CRT_WARNING);
}

static void Screen_drawHealth(Screen* this) {
   int n = Screen_healthLines(this);
   const char* line = this->monitor->healthText;
   attrset(this->crt.attr[CRT_LABEL]);
   for (int i = 0; i < n && line; i++) {
      const char* end = strchr(line, '\n');
      int len = end ? (int)(end - line) : (int)strlen(line);
      mvaddnstr(SCREEN_HEADER_BASE + i, 0, line, len < COLS ? len : COLS);
      line = end ? end + 1 : NULL;
   }
   attrset(A_NORMAL);
}

static void Screen_drawPanelKeys(Screen* this) {
   static const char* const hints[] = {
      [SCREEN_DETAIL] = "Esc/Enter/q back",
      [SCREEN_SORT_MENU] = "Up/Down choose   Enter sort   Esc cancel",
      [SCREEN_SETUP] = "Up/Down choose   Space show/hide   [ ] move   s save   Esc done",
   };
   attrset(this->crt.attr[CRT_KEY_TEXT]);
   addnstr(this->message[0] ? this->message : hints[this->mode], COLS);
   attrset(A_NORMAL);
}

static void Screen_drawFooter(Screen* this) {
   static const char* const keys[][2] = {
      { "q", "Quit" }, { "<>", "Sort" }, { "/", "Filter" }, { "p", "Pause" }, { "t", "Proto" },
      { "n", "Names" }, { "c", "Closed" }, { "Enter", "Detail" }, { "h", "Help" }, { "F2", "Setup" },
   };
   move(LINES - 1, 0);
   clrtoeol();
   if (this->prompt != SCREEN_PROMPT_NONE) {
      bool filter = this->prompt == SCREEN_PROMPT_FILTER;
      Screen_pair(this, filter ? "Filter: " : "Interval (s): ", filter ? this->filter : this->input, CRT_VALUE);
      addstr("_");
      return;
   }
   if (this->mode != SCREEN_TABLE && this->mode != SCREEN_HELP) {
      Screen_drawPanelKeys(this);
      return;
   }
   if (this->message[0]) {
      attrset(this->crt.attr[CRT_WARNING]);
      addnstr(this->message, COLS);
      attrset(A_NORMAL);
      return;
   }
   for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
      attrset(this->crt.attr[CRT_KEY]);
      printw("%s", keys[i][0]);
      attrset(this->crt.attr[CRT_KEY_TEXT]);
      printw("%-7s", keys[i][1]);
   }
   attrset(A_NORMAL);
}

void Screen_draw(Screen* this) {
   erase();
   switch (this->mode) {
   case SCREEN_DETAIL:
      Screen_drawDetail(this);
      break;
   case SCREEN_HELP:
      Screen_drawHelp(this);
      break;
   default:
      Screen_drawTitleLine(this);
      Screen_drawConnections(this);
      Screen_drawTraffic(this);
      Screen_drawViewLine(this);
      Screen_drawHealth(this);
      Screen_drawTable(this);
      if (this->mode == SCREEN_SORT_MENU)
         Screen_drawSortMenu(this);
      else if (this->mode == SCREEN_SETUP)
         Screen_drawSetup(this);
      break;
   }
   Screen_drawFooter(this);
   refresh();
}
