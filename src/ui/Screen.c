/*
 * Screen.c: the screen's loop: one poll on the keyboard and the backend's
 * events together, a sample at each deadline, a redraw only after a sample
 * or a key.
 */
#include "config.h"
#include "ui/Screen.h"

#include <curses.h>
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/XUtils.h"
#include "ui/DetailPanel.h"
#include "ui/Footer.h"
#include "ui/Header.h"
#include "ui/HelpPanel.h"
#include "ui/ListPanel.h"
#include "ui/SetupPanel.h"
#include "ui/SortPanel.h"
#include "ui/View.h"

typedef struct Screen_ {
   View view;
   ListPanel list;
   DetailPanel detail;
   HelpPanel help;
   SortPanel sortMenu;
   SetupPanel setup;
   Panel* panels[PANEL_COUNT];   /* by PanelId */
   PanelId active;
   bool endShown;           /* a replay's last sample, at its last packet, taken */
   bool dirty;
   char* error;             /* what stopped the loop, said once the terminal is back */
} Screen;

static void Screen_init(Screen* this, Monitor* monitor) {
   memset(this, 0, sizeof(*this));
   View_init(&this->view, monitor);
   ListPanel_init(&this->list);
   DetailPanel_init(&this->detail);
   HelpPanel_init(&this->help);
   SortPanel_init(&this->sortMenu);
   SetupPanel_init(&this->setup);
   this->panels[PANEL_LIST] = &this->list.super;
   this->panels[PANEL_DETAIL] = &this->detail.super;
   this->panels[PANEL_HELP] = &this->help.super;
   this->panels[PANEL_SORT] = &this->sortMenu.super;
   this->panels[PANEL_SETUP] = &this->setup.super;
   this->active = PANEL_LIST;
   this->dirty = true;
}

/* A new sample: totals, histories, rows, then the open panel. */
static void Screen_onSample(Screen* this) {
   View_sample(&this->view);
   Panel_sample(this->panels[this->active], &this->view);
   this->dirty = true;
}

/* The header and the list, unless a panel takes their place; the footer. */
static void Screen_draw(Screen* this) {
   Panel* active = this->panels[this->active];
   erase();
   if (this->active == PANEL_LIST || active->klass->overList) {
      Header_draw(&this->view);
      Panel_draw(&this->list.super, &this->view);
   }
   if (this->active != PANEL_LIST)
      Panel_draw(active, &this->view);
   Footer_draw(&this->view, &this->list.prompt, active->klass->keys);
   refresh();
}

/* The active panel takes the key; the one it asks for opens if it can. */
static void Screen_handleKey(Screen* this, int key) {
   if (key != KEY_RESIZE)
      this->view.message[0] = '\0';
   PanelId next = Panel_handleKey(this->panels[this->active], &this->view, key);
   if (next != this->active && Panel_open(this->panels[next], &this->view))
      this->active = next;
}

/* A capture file replayed: its own clock, paced by Backend_poll. */
static bool Screen_replaying(const Screen* this) {
   double mono, wall;
   return Backend_clock(this->view.monitor->backend, &mono, &wall);
}

/* Time to the next sample on the sample clock (capture time in a replay). */
static double Screen_left(const Screen* this) {
   double now, wall;
   Monitor_now(this->view.monitor, &now, &wall);
   return Monitor_deadline(this->view.monitor) - now;
}

/* Milliseconds to wait for keys: to the next sample; none in a replay,
 * whose poll sleeps to keep pace; forever once it has ended. */
static int Screen_timeout(const Screen* this) {
   if (Monitor_ended(this->view.monitor))
      return -1;
   double left = Screen_replaying(this) ? 0 : Screen_left(this);
   return left <= 0 ? 0 : (int)ceil(left * 1000);
}

/* Reads events (probes, live packets), or replays up to the next sample
 * in steps of at most 100 ms of capture time, so keys are read between. */
static int Screen_feed(Screen* this) {
   if (!Screen_replaying(this))
      return Monitor_poll(this->view.monitor, 0, &this->error);
   if (Monitor_ended(this->view.monitor))
      return 0;
   double left = Screen_left(this);
   int ms = left <= 0 ? 0 : left > 0.1 ? 100 : (int)ceil(left * 1000);
   return Monitor_poll(this->view.monitor, ms, &this->error);
}

static void Screen_readKeys(Screen* this) {
   for (int key; (key = getch()) != ERR;) {
      Screen_handleKey(this, key);
      this->dirty = true;
   }
}

/* Waits for a key, an event or the deadline; 0, or -1 with this->error. */
static int Screen_wait(Screen* this) {
   int eventFd = Backend_eventFd(this->view.monitor->backend);
   struct pollfd fds[3] = { { .fd = STDIN_FILENO, .events = POLLIN }, { .fd = eventFd, .events = POLLIN },
                            { .fd = Monitor_hookFd(this->view.monitor), .events = POLLIN } };
   int n = poll(fds, 3, Screen_timeout(this));   /* a negative fd is skipped */
   if (n < 0 && errno != EINTR) {
      this->error = xAsprintf("waiting for input failed: %s", strerror(errno));
      return -1;
   }
   if (n > 0 && (fds[0].revents & (POLLHUP | POLLERR)))
      this->view.quit = true;   /* the terminal went away */
   if (n > 0 && fds[2].revents)
      Monitor_serveHook(this->view.monitor);   /* the metrics endpoint (src/export/) */
   if (eventFd < 0 || (n > 0 && fds[1].revents))
      return Screen_feed(this);
   return 0;
}

/* A sample is due: its time has come, or a replay has just ended. */
static bool Screen_due(Screen* this) {
   if (Monitor_stopping())
      return false;
   if (Monitor_ended(this->view.monitor)) {
      bool last = !this->endShown;
      this->endShown = true;   /* one sample at the last packet's time */
      return last;
   }
   return Screen_left(this) <= 0;
}

static int Screen_loop(Screen* this) {
   int iterations = this->view.monitor->settings->iterations;
   while (!this->view.quit && !Monitor_stopping()) {
      if (Screen_wait(this) < 0)
         return 1;
      Screen_readKeys(this);
      if (Screen_due(this)) {
         if (Monitor_sample(this->view.monitor, &this->error) < 0)
            return 1;
         Screen_onSample(this);
         if (iterations && this->view.monitor->samples >= iterations)
            break;
      }
      if (this->dirty && !this->view.quit) {
         Screen_draw(this);
         this->dirty = false;
      }
   }
   return 0;
}

int Screen_run(Monitor* monitor) {
   Screen s;
   monitor->viewSorts = true;   /* the view selects its page: no full sort of every row */
   Screen_init(&s, monitor);
   if (Monitor_sample(monitor, &s.error) < 0 || CRT_init(&s.view.crt, monitor->settings->colour, &s.error) < 0) {
      XUtils_error("%s", s.error);
      free(s.error);
      View_done(&s.view);
      return 1;
   }
   Screen_onSample(&s);
   Screen_draw(&s);
   int rc = Screen_loop(&s);
   CRT_done(&s.view.crt);
   if (rc == 0 && monitor->logFile && !(monitor->settings->iterations && monitor->samples >= monitor->settings->iterations))
      rc = Monitor_sample(monitor, &s.error) < 0 ? 1 : 0;   /* the log gets the last interval */
   if (s.error)
      XUtils_error("%s", s.error);   /* the terminal is back: said once */
   free(s.error);
   View_done(&s.view);
   return rc;
}
