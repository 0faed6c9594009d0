/*
 * Prompt.c: editing the typed line.
 */
#include "config.h"
#include "ui/Prompt.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

void Prompt_start(Prompt* this, PromptKind kind) {
   this->kind = kind;
   if (kind == PROMPT_INTERVAL)
      this->input[0] = '\0';
}

bool Prompt_active(const Prompt* this) {
   return this->kind != PROMPT_NONE;
}

/* Enter or Esc: the prompt ends; Enter after d sets the interval. */
static void Prompt_finish(Prompt* this, View* view, bool enter) {
   if (this->kind == PROMPT_FILTER && !enter)
      view->filter[0] = '\0';
   if (this->kind == PROMPT_INTERVAL && enter)
      View_setInterval(view, atof(this->input) > 0 ? atof(this->input) : view->monitor->interval);
   this->kind = PROMPT_NONE;
}

void Prompt_handleKey(Prompt* this, View* view, int key) {
   bool filter = this->kind == PROMPT_FILTER;
   char* text = filter ? view->filter : this->input;
   size_t len = strlen(text);
   if (key == KEY_ESCAPE || key == '\r' || key == '\n' || key == KEY_ENTER) {
      Prompt_finish(this, view, key != KEY_ESCAPE);
   } else if (key == KEY_BACKSPACE || key == 127 || key == KEY_CTRL('h')) {
      if (len)
         text[len - 1] = '\0';
   } else if (key >= 0x20 && key < 0x7f && len + 1 < VIEW_FILTER_LEN) {
      text[len] = (char)key;
      text[len + 1] = '\0';
   } else {
      return;
   }
   if (filter)
      View_rebuild(view);
}

void Prompt_draw(const Prompt* this, const View* view) {
   bool filter = this->kind == PROMPT_FILTER;
   CRT_addPair(&view->crt, filter ? "Filter: " : "Interval (s): ", filter ? view->filter : this->input, CRT_VALUE);
   addstr("_");
}
