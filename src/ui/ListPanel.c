/*
 * ListPanel.c: the list and its keys. Only the rows on screen are
 * formatted; curses sends only what changed.
 */
#include "config.h"
#include "ui/ListPanel.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "core/XUtils.h"
#include "ui/Header.h"

#define LISTPANEL_ADDR_MAX 39      /* a full IPv6 address */
#define LISTPANEL_ADDR_MIN 12

/* Interval steps for + and -. */
static const double ListPanel_intervals[] = { 0.1, 0.2, 0.5, 1, 2, 3, 5, 10, 15, 30, 60 };

/* Rows of the list on this terminal: below the header, above the footer. */
static int ListPanel_height(const View* view) {
   int h = LINES - Header_height(view) - 2;   /* column titles, footer */
   return h > 1 ? h : 1;
}

static void ListPanel_resetWidths(ListPanel* this, const View* view) {
   for (int j = 0; j < view->shown.count; j++) {
      const Column* col = &Column_table[view->shown.ids[j]];
      int t = (int)strlen(col->title) + 1;   /* room for the sort arrow */
      this->widths[j] = col->width > t ? col->width : t;
   }
}

/* Widths grow to fit the rows on screen, addresses shrink to fit COLS. */
static void ListPanel_fitWidths(ListPanel* this, View* view, int first, int count) {
   char cell[CELLS_LEN];
   const ColumnList* cl = &view->shown;
   for (int j = 0; j < cl->count; j++) {
      for (int i = first; i < first + count; i++) {
         Cells_format(&view->format, cl->ids[j], View_row(view, (size_t)i), cell, sizeof(cell));
         int l = (int)strlen(cell);
         if (Cells_isAddress(cl->ids[j]) && l > LISTPANEL_ADDR_MAX)
            l = LISTPANEL_ADDR_MAX;
         this->widths[j] = l > this->widths[j] ? l : this->widths[j];
      }
   }
   int total = 0;
   for (int j = 0; j < cl->count; j++)
      total += this->widths[j] + 1;
   for (int j = 0; j < cl->count && total > COLS; j++) {
      if (!Cells_isAddress(cl->ids[j]))
         continue;
      int spare = this->widths[j] - LISTPANEL_ADDR_MIN;
      int cut = total - COLS < spare ? total - COLS : spare;
      if (cut > 0) {
         this->widths[j] -= cut;
         total -= cut;
      }
   }
}

/* Prints s in exactly w columns at (y, x). */
static void ListPanel_put(const View* view, int y, int x, const char* s, int w, bool right, bool middle) {
   char buf[CELLS_LEN * 2];
   if (w > 0 && x < COLS)
      mvaddstr(y, x, Cells_fit(s, w, right, middle, CRT_ellipsis(&view->crt), buf, sizeof(buf)));
}

static void ListPanel_drawTitles(const ListPanel* this, const View* view, int y) {
   attrset(view->crt.attr[CRT_TABLE_HEAD]);
   mvhline(y, 0, ' ', COLS);
   int x = 0;
   for (int j = 0; j < view->shown.count && x + this->widths[j] <= COLS; j++) {   /* whole columns only */
      int id = view->shown.ids[j];
      const Column* col = &Column_table[id];
      bool sorted = id == view->sort.column, right = col->kind == COLUMN_NUMBER;
      char title[48];
      snprintf(title, sizeof(title), "%s%s", col->title, sorted ? CRT_arrow(&view->crt, view->sort.descending) : "");
      int w = this->widths[j] + (sorted && view->crt.utf8 ? 2 : 0);   /* the arrow's extra bytes */
      attrset(view->crt.attr[sorted ? CRT_SORT_HEAD : CRT_TABLE_HEAD]);
      ListPanel_put(view, y, x, title, w, right, false);
      x += this->widths[j] + 1;
   }
   attrset(A_NORMAL);
}

static void ListPanel_drawRow(const ListPanel* this, const View* view, int y, const Conn* c, bool selected) {
   attrset(view->crt.attr[selected ? CRT_SELECTED : c->state == CONN_CLOSED ? CRT_ROW_CLOSED : CRT_ROW]);
   if (selected)
      mvhline(y, 0, ' ', COLS);
   char cell[CELLS_LEN];
   int x = 0;
   for (int j = 0; j < view->shown.count && x + this->widths[j] <= COLS; j++) {
      int id = view->shown.ids[j];
      Cells_format(&view->format, id, c, cell, sizeof(cell));
      ListPanel_put(view, y, x, cell, this->widths[j], Column_table[id].kind == COLUMN_NUMBER, Cells_isAddress(id));
      x += this->widths[j] + 1;
   }
   attrset(A_NORMAL);
}

/* The rows from top on, with the selection on screen. */
static void ListPanel_draw(Panel* super, View* view) {
   ListPanel* this = (ListPanel*)super;
   int h = ListPanel_height(view);
   if (view->columnsChanged) {
      View_layout(view);   /* F2 may have changed the chosen columns */
      ListPanel_resetWidths(this, view);
      view->columnsChanged = false;
   }
   if (view->selected < this->top)
      this->top = view->selected;
   if (view->selected >= this->top + (size_t)h)
      this->top = view->selected - (size_t)h + 1;
   if (this->top + (size_t)h > view->nRows)
      this->top = view->nRows > (size_t)h ? view->nRows - (size_t)h : 0;
   int count = (int)(view->nRows - this->top) < h ? (int)(view->nRows - this->top) : h;
   View_sortRange(view, this->top, this->top + (size_t)count);   /* this page of the order only */
   ListPanel_fitWidths(this, view, (int)this->top, count);
   int y = Header_height(view);
   ListPanel_drawTitles(this, view, y);
   for (int i = 0; i < count; i++) {
      size_t r = this->top + (size_t)i;
      Conn* c = View_row(view, r);
      ListPanel_drawRow(this, view, y + 1 + i, c, r == view->selected);
      View_watch(view, c);   /* its rate graph from now on, however many rows */
   }
}

static void ListPanel_stepInterval(View* view, int direction) {
   double now = view->monitor->interval;
   double next = now;
   int n = (int)ARRAY_SIZE(ListPanel_intervals);
   for (int i = direction > 0 ? 0 : n - 1; i >= 0 && i < n; i += direction) {
      double v = ListPanel_intervals[i];
      if ((direction > 0 && v > now + 1e-9) || (direction < 0 && v < now - 1e-9)) {
         next = v;
         break;
      }
   }
   View_setInterval(view, next);
}

/* The sort moves to the next or previous shown column (< and >). */
static void ListPanel_shiftSort(View* view, int direction) {
   int at = 0;
   for (int j = 0; j < view->shown.count; j++) {
      if (view->shown.ids[j] == view->sort.column)
         at = j;
   }
   at = (at + direction + view->shown.count) % view->shown.count;
   view->sort.column = view->shown.ids[at];
   view->sort.descending = Column_table[view->sort.column].descending;
   View_rebuild(view);
}

/* Selection keys; true when handled. */
static bool ListPanel_moveKey(View* view, int key) {
   long page = ListPanel_height(view);
   switch (key) {
   case KEY_UP: View_moveSelection(view, -1); break;
   case KEY_DOWN: View_moveSelection(view, 1); break;
   case KEY_PPAGE: View_moveSelection(view, -page); break;
   case KEY_NPAGE: View_moveSelection(view, page); break;
   case KEY_HOME: View_selectIndex(view, 0); break;
   case KEY_END: View_selectIndex(view, view->nRows ? view->nRows - 1 : 0); break;
   default: return false;
   }
   return true;
}

/* Keys that change what is shown; true when handled. */
static bool ListPanel_viewKey(View* view, int key) {
   switch (key) {
   case 't':
      view->proto = (view->proto + 1) % 3;
      break;
   case 'c':
      view->showClosed = !view->showClosed;
      break;
   case 'P':
      view->showHealth = !view->showHealth;
      view->monitor->wantHealth = view->showHealth;   /* lines from the next sample on */
      break;
   case 'I':
      view->sort.descending = !view->sort.descending;
      break;
   case '<': case ',':
      ListPanel_shiftSort(view, -1);
      return true;
   case '>': case '.':
      ListPanel_shiftSort(view, 1);
      return true;
   case KEY_ESCAPE:   /* the / text, else the group entered */
      if (!view->filter[0] && view->inGroup) {
         View_leaveGroup(view);
         return true;
      }
      view->filter[0] = '\0';
      break;
   case KEY_BACKSPACE: case 127:
      View_leaveGroup(view);
      return true;
   case 'g':
      View_cycleGroup(view);
      return true;
   default:
      return false;
   }
   View_rebuild(view);
   return true;
}

static void ListPanel_toggleNames(View* view) {
   CellFormat* f = &view->format;
   f->names = !f->names;
   if (f->names && !f->resolver && !(f->resolver = Resolver_new()))
      snprintf(view->message, sizeof(view->message), "cannot start the name resolver thread: names stay numeric");
   view->columnsChanged = true;
}

/* Keys that act or open another panel: the panel to show next. */
static PanelId ListPanel_actionKey(ListPanel* this, View* view, int key) {
   switch (key) {
   case 'q': view->quit = true; break;
   case 'p': View_pause(view, !view->paused); break;
   case '+': case '=': ListPanel_stepInterval(view, 1); break;
   case '-': ListPanel_stepInterval(view, -1); break;
   case 'd': Prompt_start(&this->prompt, PROMPT_INTERVAL); break;
   case '/': Prompt_start(&this->prompt, PROMPT_FILTER); break;
   case 'n': ListPanel_toggleNames(view); break;
   case 'h': case '?': case KEY_F(1): return PANEL_HELP;
   case KEY_F(2): case 'S': return PANEL_SETUP;
   case KEY_F(6): return PANEL_SORT;
   case '\r': case '\n': case KEY_ENTER:   /* a group: its connections */
      if (!View_grouped(view))
         return PANEL_DETAIL;
      View_enterGroup(view);
      break;
   case KEY_CTRL('l'): clearok(curscr, TRUE); break;
   case KEY_RESIZE: view->columnsChanged = true; break;
   default: break;
   }
   return PANEL_LIST;
}

static PanelId ListPanel_handleKey(Panel* super, View* view, int key) {
   ListPanel* this = (ListPanel*)super;
   if (Prompt_active(&this->prompt)) {
      Prompt_handleKey(&this->prompt, view, key);
      return PANEL_LIST;
   }
   if (ListPanel_moveKey(view, key) || ListPanel_viewKey(view, key))
      return PANEL_LIST;
   return ListPanel_actionKey(this, view, key);
}

static const PanelClass ListPanel_class = {
   .draw = ListPanel_draw,
   .handleKey = ListPanel_handleKey,
};

void ListPanel_init(ListPanel* this) {
   memset(this, 0, sizeof(*this));
   this->super.klass = &ListPanel_class;
}
