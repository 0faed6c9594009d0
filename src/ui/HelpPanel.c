/*
 * HelpPanel.c: the help page.
 */
#include "config.h"
#include "ui/HelpPanel.h"

#include <curses.h>
#include <string.h>

#include "core/XUtils.h"

static const char* const HelpPanel_lines[] = {
   "tcptop keys",
   "",
   "  q            quit (in a panel: close it)",
   "  < > , .      sort by the previous / next column      F6  sort menu",
   "  I            invert the sort order",
   "  /            filter: text in the command, addresses, ports, state, cgroup path, netns (Esc clears)",
   "  p            pause the display (sampling and --log go on)",
   "  + -          longer / shorter interval              d   type an interval",
   "  t            cycle TCP / UDP / all",
   "  n            host names (reverse DNS in the background; numeric until known)",
   "  c            show / hide recently closed connections",
   "  P            show / hide a line per probe: status, hooks (events/s, ns/event with --probe-stats)",
   "  Up Down PgUp PgDn Home End   move the selection (it follows its connection)",
   "  Enter        details of the selected connection, with its rate history; on a group: its connections",
   "  g            group by none / process / command / remote / port / cgroup / netns (Esc, Backspace: leave a group)",
   "  h F1 ?       this help",
   "  F2 S         setup: pick and order the columns",
   "  Ctrl-L       redraw",
   "",
   "Rates are per second over the last interval; closed connections stay 5 s.",
   "",
   "Press any key to return.",
};

static void HelpPanel_draw(Panel* super, View* view) {
   (void)super;
   for (size_t i = 0; i < ARRAY_SIZE(HelpPanel_lines) && (int)i < LINES - 1; i++) {
      attrset(view->crt.attr[i == 0 ? CRT_TITLE : CRT_ROW]);
      mvaddnstr((int)i, 0, HelpPanel_lines[i], COLS);
   }
   attrset(A_NORMAL);
}

static PanelId HelpPanel_handleKey(Panel* super, View* view, int key) {
   (void)super;
   (void)view;
   return key == KEY_RESIZE ? PANEL_HELP : PANEL_LIST;
}

static const PanelClass HelpPanel_class = {
   .draw = HelpPanel_draw,
   .handleKey = HelpPanel_handleKey,
};

void HelpPanel_init(HelpPanel* this) {
   memset(this, 0, sizeof(*this));
   this->super.klass = &HelpPanel_class;
}
