/*
 * Panel.c: the calls through a panel's class, and what the menus share.
 */
#include "config.h"
#include "ui/Panel.h"

#include <curses.h>

#include "ui/Header.h"

bool Panel_open(Panel* this, View* view) {
   return !this->klass->open || this->klass->open(this, view);
}

void Panel_draw(Panel* this, View* view) {
   this->klass->draw(this, view);
}

PanelId Panel_handleKey(Panel* this, View* view, int key) {
   return this->klass->handleKey(this, view, key);
}

void Panel_sample(Panel* this, View* view) {
   if (this->klass->sample)
      this->klass->sample(this, view);
}

int Panel_drawFrame(const View* view, const char* title, int rows, int width) {
   int y = HEADER_LINES, h = rows + 2 < LINES - y - 1 ? rows + 2 : LINES - y - 1;
   attrset(view->crt.attr[CRT_TABLE_HEAD]);
   mvhline(y, 0, ' ', width);
   mvaddnstr(y, 1, title, width - 1);
   attrset(A_NORMAL);
   for (int i = 1; i < h; i++)
      mvhline(y + i, 0, ' ', width);
   return y + 1;
}

int Panel_firstVisible(int cursor, int visible) {
   return cursor >= visible ? cursor - visible + 1 : 0;
}
