/*
 * ScreenPanels.c: the help page (h, F1), the sort menu (F6) and the setup
 * panel (F2): which columns, in which order, applied at once.
 */
#include "config.h"
#include "ui/Screen.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "config/Config.h"
#include "core/XUtils.h"


static const char* const Screen_helpLines[] = {
   "tcptop keys",
   "",
   "  q            quit (in a panel: close it)",
   "  < > , .      sort by the previous / next column      F6  sort menu",
   "  I            invert the sort order",
   "  /            filter: text in the command, addresses, ports, state (Esc clears)",
   "  p            pause the display (sampling and --log go on)",
   "  + -          longer / shorter interval              d   type an interval",
   "  t            cycle TCP / UDP / all",
   "  n            host names (reverse DNS in the background; numeric until known)",
   "  c            show / hide recently closed connections",
   "  P            show / hide a line per probe: status, hooks (events/s, ns/event with --probe-stats)",
   "  Up Down PgUp PgDn Home End   move the selection (it follows its connection)",
   "  Enter        details of the selected connection, with its rate history",
   "  h F1 ?       this help",
   "  F2 S         setup: pick and order the columns",
   "  Ctrl-L       redraw",
   "",
   "Rates are per second over the last interval; closed connections stay 5 s.",
   "",
   "Press any key to return.",
};

void Screen_drawHelp(Screen* this) {
   for (size_t i = 0; i < ARRAY_SIZE(Screen_helpLines) && (int)i < LINES - 1; i++) {
      attrset(this->crt.attr[i == 0 ? CRT_TITLE : CRT_ROW]);
      mvaddnstr((int)i, 0, Screen_helpLines[i], COLS);
   }
   attrset(A_NORMAL);
}

/* A framed list at the left of the table area; returns its first line. */
static int Screen_panelFrame(const Screen* this, const char* title, int rows, int width) {
   int y = 6, h = rows + 2 < LINES - y - 1 ? rows + 2 : LINES - y - 1;
   attrset(this->crt.attr[CRT_TABLE_HEAD]);
   mvhline(y, 0, ' ', width);
   mvaddnstr(y, 1, title, width - 1);
   attrset(A_NORMAL);
   for (int i = 1; i < h; i++)
      mvhline(y + i, 0, ' ', width);
   return y + 1;
}

void Screen_drawSortMenu(Screen* this) {
   int width = 40 < COLS ? 40 : COLS;
   int y = Screen_panelFrame(this, "Sort by (Enter, Esc)", Column_count, width);
   int visible = LINES - y - 1;
   int first = this->menuCursor >= visible ? this->menuCursor - visible + 1 : 0;
   for (int i = first; i < Column_count && i - first < visible; i++) {
      bool cur = i == this->menuCursor;
      attrset(this->crt.attr[cur ? CRT_SELECTED : CRT_ROW]);
      mvprintw(y + i - first, 0, " %s %-12s %-22.22s", i == this->sort.column ? "*" : " ", Column_table[i].key,
               Column_table[i].title);
   }
   attrset(A_NORMAL);
}

void Screen_sortMenuKey(Screen* this, int key) {
   switch (key) {
   case KEY_UP: this->menuCursor = this->menuCursor > 0 ? this->menuCursor - 1 : 0; break;
   case KEY_DOWN: this->menuCursor = this->menuCursor + 1 < Column_count ? this->menuCursor + 1 : this->menuCursor; break;
   case '\r': case '\n': case KEY_ENTER:
      this->sort.column = this->menuCursor;
      this->sort.descending = Column_table[this->menuCursor].descending;
      this->mode = SCREEN_TABLE;
      Screen_rebuild(this);
      break;
   case SCREEN_KEY_ESC: case 'q': case KEY_F(6): this->mode = SCREEN_TABLE; break;
   default: break;
   }
}

/* The setup list: the shown columns in order, then the others. */
static int Screen_setupItems(const Screen* this, int* items, bool* shown) {
   int n = 0;
   for (int j = 0; j < this->columns.count; j++) {
      shown[n] = true;
      items[n++] = this->columns.ids[j];
   }
   for (int id = 0; id < Column_count; id++) {
      bool in = false;
      for (int j = 0; j < this->columns.count; j++)
         in = in || this->columns.ids[j] == id;
      if (!in) {
         shown[n] = false;
         items[n++] = id;
      }
   }
   return n;
}

void Screen_drawSetup(Screen* this) {
   int items[64];
   bool shown[64];
   int n = Screen_setupItems(this, items, shown);
   int width = 72 < COLS ? 72 : COLS;
   int y = Screen_panelFrame(this, "Columns: Space show/hide, [ ] move, s save, Esc done", n, width);
   int visible = LINES - y - 1;
   int first = this->menuCursor >= visible ? this->menuCursor - visible + 1 : 0;
   for (int i = first; i < n && i - first < visible; i++) {
      const Column* col = &Column_table[items[i]];
      attrset(this->crt.attr[i == this->menuCursor ? CRT_SELECTED : CRT_ROW]);
      mvprintw(y + i - first, 0, " [%c] %-11s %-.*s", shown[i] ? 'x' : ' ', col->key, width - 18, col->description);
   }
   attrset(A_NORMAL);
}

/* Space: show or hide the column under the cursor (one always stays). */
static void Screen_setupToggle(Screen* this, int id, bool shown) {
   ColumnList* cl = &this->columns;
   if (!shown) {
      cl->ids[cl->count++] = id;
      return;
   }
   if (cl->count == 1)
      return;
   int j = 0;
   while (cl->ids[j] != id)
      j++;
   memmove(&cl->ids[j], &cl->ids[j + 1], sizeof(int) * (size_t)(cl->count - j - 1));
   cl->count--;
   if (this->sort.column == id)
      this->sort.column = cl->ids[0];
}

/* [ and ]: move a shown column one place; the cursor follows it. */
static void Screen_setupMove(Screen* this, int direction) {
   ColumnList* cl = &this->columns;
   int j = this->menuCursor, k = j + direction;
   if (j >= cl->count || k < 0 || k >= cl->count)
      return;
   int t = cl->ids[j];
   cl->ids[j] = cl->ids[k];
   cl->ids[k] = t;
   this->menuCursor = k;
}

void Screen_setupKey(Screen* this, int key) {
   int items[64];
   bool shown[64];
   int n = Screen_setupItems(this, items, shown);
   switch (key) {
   case KEY_UP: this->menuCursor = this->menuCursor > 0 ? this->menuCursor - 1 : 0; break;
   case KEY_DOWN: this->menuCursor = this->menuCursor + 1 < n ? this->menuCursor + 1 : this->menuCursor; break;
   case ' ': Screen_setupToggle(this, items[this->menuCursor], shown[this->menuCursor]); break;
   case '[': case '-': Screen_setupMove(this, -1); break;
   case ']': case '+': Screen_setupMove(this, 1); break;
   case 's': Screen_saveSetup(this); break;
   case SCREEN_KEY_ESC: case 'q': case KEY_F(2): case KEY_F(10): case '\r': case '\n': case KEY_ENTER:
      this->mode = SCREEN_TABLE;
      break;
   default: return;
   }
   Screen_resetWidths(this);
   Screen_rebuild(this);
}

/* "proto,laddr,..." and "-rate": the setup as the config and --columns/--sort spell it. */
static char* Screen_columnSpec(const Screen* this, char* sort, size_t sortSize) {
   Buf b;
   Buf_init(&b);
   for (int j = 0; j < this->columns.count; j++)
      Buf_printf(&b, "%s%s", j ? "," : "", Column_table[this->columns.ids[j]].key);
   snprintf(sort, sortSize, "%c%s", this->sort.descending ? '-' : '+', Column_table[this->sort.column].key);
   return Buf_cstr(&b);
}

/* s in the setup panel: [display] columns= and sort= into the user's config. */
void Screen_saveSetup(Screen* this) {
   char sort[48];
   char* columns = Screen_columnSpec(this, sort, sizeof(sort));
   char* path = Config_userPath();
   char* err = NULL;
   if (Config_saveDisplay(path, columns, sort, &err) == 0)
      snprintf(this->message, sizeof(this->message), "saved columns and sort %s to %s", sort, path);
   else
      snprintf(this->message, sizeof(this->message), "not saved: %s", err ? err : path);
   free(err);
   free(path);
   free(columns);
}
