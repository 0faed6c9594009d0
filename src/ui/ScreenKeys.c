/*
 * ScreenKeys.c: what each key does on the table, and the two prompts
 * (the / filter, applied as typed; the d interval).
 */
#include "config.h"
#include "ui/Screen.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "core/XUtils.h"

#define KEY_CTRL(c) ((c) & 0x1f)

/* Interval steps for + and -. */
static const double Screen_intervals[] = { 0.1, 0.2, 0.5, 1, 2, 3, 5, 10, 15, 30, 60 };

void Screen_setInterval(Screen* this, double seconds) {
   if (seconds < 0.05)
      seconds = 0.05;
   if (seconds > 3600)
      seconds = 3600;
   this->monitor->interval = seconds;
   snprintf(this->message, sizeof(this->message), "interval %g s", seconds);
}

static void Screen_stepInterval(Screen* this, int direction) {
   double now = this->monitor->interval;
   double next = now;
   int n = (int)ARRAY_SIZE(Screen_intervals);
   for (int i = direction > 0 ? 0 : n - 1; i >= 0 && i < n; i += direction) {
      if ((direction > 0 && Screen_intervals[i] > now + 1e-9) || (direction < 0 && Screen_intervals[i] < now - 1e-9)) {
         next = Screen_intervals[i];
         break;
      }
   }
   Screen_setInterval(this, next);
}

/* The sort moves to the next or previous shown column (< and >). */
static void Screen_shiftSort(Screen* this, int direction) {
   int at = 0;
   for (int j = 0; j < this->columns.count; j++) {
      if (this->columns.ids[j] == this->sort.column)
         at = j;
   }
   at = (at + direction + this->columns.count) % this->columns.count;
   this->sort.column = this->columns.ids[at];
   this->sort.descending = Column_table[this->sort.column].descending;
   Screen_rebuild(this);
}

/* Editing a prompt's text; true when the key was for the prompt. */
static bool Screen_promptKey(Screen* this, int key) {
   bool filter = this->prompt == SCREEN_PROMPT_FILTER;
   char* text = filter ? this->filter : this->input;
   size_t len = strlen(text);
   if (key == SCREEN_KEY_ESC) {
      if (filter)
         text[0] = '\0';
      this->prompt = SCREEN_PROMPT_NONE;
   } else if (key == '\r' || key == '\n' || key == KEY_ENTER) {
      if (!filter)
         Screen_setInterval(this, atof(text) > 0 ? atof(text) : this->monitor->interval);
      this->prompt = SCREEN_PROMPT_NONE;
   } else if (key == KEY_BACKSPACE || key == 127 || key == KEY_CTRL('h')) {
      if (len)
         text[len - 1] = '\0';
   } else if (key >= 0x20 && key < 0x7f && len + 1 < SCREEN_FILTER_LEN) {
      text[len] = (char)key;
      text[len + 1] = '\0';
   } else {
      return true;
   }
   if (filter)
      Screen_rebuild(this);
   return true;
}

static void Screen_startPrompt(Screen* this, ScreenPrompt prompt) {
   this->prompt = prompt;
   if (prompt == SCREEN_PROMPT_DELAY)
      this->input[0] = '\0';
}

/* Selection keys; true when handled. */
static bool Screen_moveKey(Screen* this, int key) {
   long page = Screen_tableHeight(this);
   switch (key) {
   case KEY_UP: Screen_moveSelection(this, -1); break;
   case KEY_DOWN: Screen_moveSelection(this, 1); break;
   case KEY_PPAGE: Screen_moveSelection(this, -page); break;
   case KEY_NPAGE: Screen_moveSelection(this, page); break;
   case KEY_HOME: Screen_selectIndex(this, 0); break;
   case KEY_END: Screen_selectIndex(this, this->nRows ? this->nRows - 1 : 0); break;
   default: return false;
   }
   return true;
}

/* Keys that change what is shown; true when handled. */
static bool Screen_viewKey(Screen* this, int key) {
   switch (key) {
   case 't':
      this->proto = (this->proto + 1) % 3;
      break;
   case 'c':
      this->showClosed = !this->showClosed;
      break;
   case 'P':
      this->showHealth = !this->showHealth;
      this->monitor->wantHealth = this->showHealth;   /* lines from the next sample on */
      break;
   case 'I':
      this->sort.descending = !this->sort.descending;
      break;
   case '<': case ',':
      Screen_shiftSort(this, -1);
      return true;
   case '>': case '.':
      Screen_shiftSort(this, 1);
      return true;
   case SCREEN_KEY_ESC:
      this->filter[0] = '\0';
      break;
   default:
      return false;
   }
   Screen_rebuild(this);
   return true;
}

static void Screen_toggleNames(Screen* this) {
   this->format.names = !this->format.names;
   if (this->format.names && !this->format.resolver && !(this->format.resolver = Resolver_new()))
      snprintf(this->message, sizeof(this->message), "cannot start the name resolver thread: names stay numeric");
   Screen_resetWidths(this);
}

/* Keys that open something or act; true when handled. */
static bool Screen_actionKey(Screen* this, int key) {
   switch (key) {
   case 'q': this->quit = true; break;
   case 'p': Screen_pause(this, !this->paused); break;
   case '+': case '=': Screen_stepInterval(this, 1); break;
   case '-': Screen_stepInterval(this, -1); break;
   case 'd': Screen_startPrompt(this, SCREEN_PROMPT_DELAY); break;
   case '/': Screen_startPrompt(this, SCREEN_PROMPT_FILTER); break;
   case 'n': Screen_toggleNames(this); break;
   case 'h': case '?': case KEY_F(1): this->mode = SCREEN_HELP; break;
   case KEY_F(2): case 'S': this->mode = SCREEN_SETUP; this->menuCursor = 0; break;
   case KEY_F(6): this->mode = SCREEN_SORT_MENU; this->menuCursor = this->sort.column; break;
   case '\r': case '\n': case KEY_ENTER: Screen_openDetail(this); break;
   case KEY_CTRL('l'): clearok(curscr, TRUE); break;
   case KEY_RESIZE: Screen_resetWidths(this); break;
   default: return false;
   }
   return true;
}

void Screen_handleKey(Screen* this, int key) {
   if (key != KEY_RESIZE)
      this->message[0] = '\0';
   if (this->prompt != SCREEN_PROMPT_NONE && Screen_promptKey(this, key))
      return;
   switch (this->mode) {
   case SCREEN_DETAIL: Screen_detailKey(this, key); return;
   case SCREEN_HELP: this->mode = key == KEY_RESIZE ? SCREEN_HELP : SCREEN_TABLE; return;
   case SCREEN_SORT_MENU: Screen_sortMenuKey(this, key); return;
   case SCREEN_SETUP: Screen_setupKey(this, key); return;
   default: break;
   }
   if (!Screen_moveKey(this, key) && !Screen_viewKey(this, key))
      Screen_actionKey(this, key);
}
