/*
 * SetupPanel.c: the column setup and its saving (Config_saveDisplay).
 */
#include "config.h"
#include "ui/SetupPanel.h"

#include <curses.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/Config.h"
#include "core/XUtils.h"

/* The list's length: the shown columns (a ColumnList may repeat one), then the others. */
#define SETUPPANEL_ITEMS (64 + COLUMN_MAX)

/* The cursor starts on the first column. */
static bool SetupPanel_open(Panel* super, View* view) {
   (void)view;
   ((SetupPanel*)super)->cursor = 0;
   return true;
}

/* The setup list: the shown columns in order, then the others. */
static int SetupPanel_items(const View* view, int* items, bool* shown) {
   const ColumnList* cl = &view->columns;
   int n = 0;
   for (int j = 0; j < cl->count; j++) {
      shown[n] = true;
      items[n++] = cl->ids[j];
   }
   for (int id = 0; id < Column_count; id++) {
      bool in = false;
      for (int j = 0; j < cl->count; j++)
         in = in || cl->ids[j] == id;
      if (!in) {
         shown[n] = false;
         items[n++] = id;
      }
   }
   return n;
}

static void SetupPanel_draw(Panel* super, View* view) {
   const SetupPanel* this = (const SetupPanel*)super;
   int items[SETUPPANEL_ITEMS];
   bool shown[SETUPPANEL_ITEMS];
   int n = SetupPanel_items(view, items, shown);
   int width = 72 < COLS ? 72 : COLS;
   int y = Panel_drawFrame(view, "Columns: Space show/hide, [ ] move, s save, Esc done", n, width);
   int visible = LINES - y - 1;
   int first = Panel_firstVisible(this->cursor, visible);
   for (int i = first; i < n && i - first < visible; i++) {
      const Column* col = &Column_table[items[i]];
      attrset(view->crt.attr[i == this->cursor ? CRT_SELECTED : CRT_ROW]);
      mvprintw(y + i - first, 0, " [%c] %-11s %-.*s", shown[i] ? 'x' : ' ', col->key, width - 18, col->description);
   }
   attrset(A_NORMAL);
}

/* Space: show or hide the column under the cursor (one always stays). */
static void SetupPanel_toggle(View* view, int id, bool shown) {
   ColumnList* cl = &view->columns;
   if (!shown) {
      if (cl->count < (int)ARRAY_SIZE(cl->ids))
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
   if (view->sort.column == id)
      view->sort.column = cl->ids[0];
}

/* [ and ]: move a shown column one place; the cursor follows it. */
static void SetupPanel_move(SetupPanel* this, View* view, int direction) {
   ColumnList* cl = &view->columns;
   int j = this->cursor, k = j + direction;
   if (j >= cl->count || k < 0 || k >= cl->count)
      return;
   int t = cl->ids[j];
   cl->ids[j] = cl->ids[k];
   cl->ids[k] = t;
   this->cursor = k;
}

/* "proto,laddr,..." and "-rate": the setup as the config and --columns/--sort spell it. */
static char* SetupPanel_columnSpec(const View* view, char* sort, size_t sortSize) {
   Buf b;
   Buf_init(&b);
   for (int j = 0; j < view->columns.count; j++)
      Buf_printf(&b, "%s%s", j ? "," : "", Column_table[view->columns.ids[j]].key);
   snprintf(sort, sortSize, "%c%s", view->sort.descending ? '-' : '+', Column_table[view->sort.column].key);
   return Buf_cstr(&b);
}

/* After the privilege drop the save runs as the user tcptop became: when
 * the file lies outside that user's home (root ran tcptop without sudo:
 * nobody), say how to save as a user who may write there. */
static const char* SetupPanel_userHint(const char* path) {
   struct passwd* pw = getpwuid(geteuid());
   size_t n = pw ? strlen(pw->pw_dir) : 0;
   if (geteuid() == 0 || (pw && n > 1 && strncmp(path, pw->pw_dir, n) == 0 && path[n] == '/'))
      return "";
   return "; tcptop gives up root after start-up: start it through sudo, or with --user NAME, to save as that user";
}

/* s: [display] columns= and sort= into the user's config. */
static void SetupPanel_save(View* view) {
   char sort[48];
   char* columns = SetupPanel_columnSpec(view, sort, sizeof(sort));
   char* path = Config_userPath();
   char* err = NULL;
   if (Config_saveDisplay(path, columns, sort, &err) == 0)
      snprintf(view->message, sizeof(view->message), "saved columns and sort %s to %s", sort, path);
   else
      snprintf(view->message, sizeof(view->message), "not saved: %s%s", err ? err : path, SetupPanel_userHint(path));
   free(err);
   free(path);
   free(columns);
}

/* Every key it knows lays the list out anew, as the columns may have changed. */
static PanelId SetupPanel_handleKey(Panel* super, View* view, int key) {
   SetupPanel* this = (SetupPanel*)super;
   int items[SETUPPANEL_ITEMS];
   bool shown[SETUPPANEL_ITEMS];
   int n = SetupPanel_items(view, items, shown);
   PanelId next = PANEL_SETUP;
   switch (key) {
   case KEY_UP: this->cursor = this->cursor > 0 ? this->cursor - 1 : 0; break;
   case KEY_DOWN: this->cursor = this->cursor + 1 < n ? this->cursor + 1 : this->cursor; break;
   case ' ': SetupPanel_toggle(view, items[this->cursor], shown[this->cursor]); break;
   case '[': case '-': SetupPanel_move(this, view, -1); break;
   case ']': case '+': SetupPanel_move(this, view, 1); break;
   case 's': SetupPanel_save(view); break;
   case KEY_ESCAPE: case 'q': case KEY_F(2): case KEY_F(10): case '\r': case '\n': case KEY_ENTER:
      next = PANEL_LIST;
      break;
   default: return PANEL_SETUP;
   }
   view->columnsChanged = true;
   View_rebuild(view);
   return next;
}

static const PanelClass SetupPanel_class = {
   .overList = true,
   .keys = "Up/Down choose   Space show/hide   [ ] move   s save   Esc done",
   .open = SetupPanel_open,
   .draw = SetupPanel_draw,
   .handleKey = SetupPanel_handleKey,
};

void SetupPanel_init(SetupPanel* this) {
   memset(this, 0, sizeof(*this));
   this->super.klass = &SetupPanel_class;
}
