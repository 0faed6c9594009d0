/*
 * Footer.c: the bottom line.
 */
#include "config.h"
#include "ui/Footer.h"

#include <curses.h>

#include "core/XUtils.h"

static void Footer_drawKeyBar(const View* view) {
   static const char* const keys[][2] = {
      { "q", "Quit" }, { "<>", "Sort" }, { "/", "Filter" }, { "p", "Pause" }, { "t", "Proto" },
      { "n", "Names" }, { "c", "Closed" }, { "Enter", "Detail" }, { "h", "Help" }, { "F2", "Setup" },
   };
   for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
      attrset(view->crt.attr[CRT_KEY]);
      printw("%s", keys[i][0]);
      attrset(view->crt.attr[CRT_KEY_TEXT]);
      printw("%-7s", keys[i][1]);
   }
   attrset(A_NORMAL);
}

void Footer_draw(const View* view, const Prompt* prompt, const char* panelKeys) {
   move(LINES - 1, 0);
   clrtoeol();
   if (Prompt_active(prompt)) {
      Prompt_draw(prompt, view);
   } else if (panelKeys) {
      attrset(view->crt.attr[CRT_KEY_TEXT]);
      addnstr(view->message[0] ? view->message : panelKeys, COLS);
      attrset(A_NORMAL);
   } else if (view->message[0]) {
      attrset(view->crt.attr[CRT_WARNING]);
      addnstr(view->message, COLS);
      attrset(A_NORMAL);
   } else {
      Footer_drawKeyBar(view);
   }
}
