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

static void Screen_init(Screen* this, Monitor* monitor) {
   memset(this, 0, sizeof(*this));
   this->monitor = monitor;
   this->columns = monitor->columns;
   this->sort = monitor->sort;
   this->proto = monitor->settings->proto;
   this->format.units = monitor->settings->units;
   this->showClosed = true;
   this->dirty = true;
   BackendStatus st;
   Backend_status(monitor->backend, &st);
   this->probesOk = st.probesOk;
   this->probesFailed = st.probesFailed;
   Screen_resetWidths(this);
}

static void Screen_done(Screen* this) {
   Screen_freeFrozen(this);
   RateHistory_done(&this->history);
   free(this->rows);
   Resolver_free(this->format.resolver);
}

/* A new sample: totals, histories, rows, the detail view. */
static void Screen_onSample(Screen* this) {
   Monitor* m = this->monitor;
   Sparkline_push(&this->txTotal, m->summary.txRate);
   Sparkline_push(&this->rxTotal, m->summary.rxRate);
   Screen_recordHistory(this);
   Monitor_shown(m, m->rows, m->nRows);
   if (!this->paused) {
      this->summary = m->summary;
      this->format.ctx = m->ctx;
      Screen_rebuild(this);
   }
   Screen_updateDetail(this);
   this->dirty = true;
}

/* A capture file replayed: its own clock, paced by Backend_poll. */
static bool Screen_replaying(const Screen* this) {
   double mono, wall;
   return Backend_clock(this->monitor->backend, &mono, &wall);
}

/* Time to the next sample on the sample clock (capture time in a replay). */
static double Screen_left(const Screen* this) {
   double now, wall;
   Monitor_now(this->monitor, &now, &wall);
   return Monitor_deadline(this->monitor) - now;
}

/* Milliseconds to wait for keys: to the next sample; none in a replay,
 * whose poll sleeps to keep pace; forever once it has ended. */
static int Screen_timeout(const Screen* this) {
   if (Monitor_ended(this->monitor))
      return -1;
   double left = Screen_replaying(this) ? 0 : Screen_left(this);
   return left <= 0 ? 0 : (int)ceil(left * 1000);
}

/* Reads events (probes, live packets), or replays up to the next sample
 * in steps of at most 100 ms of capture time, so keys are read between. */
static int Screen_feed(Screen* this) {
   if (!Screen_replaying(this))
      return Monitor_poll(this->monitor, 0);
   if (Monitor_ended(this->monitor))
      return 0;
   double left = Screen_left(this);
   int ms = left <= 0 ? 0 : left > 0.1 ? 100 : (int)ceil(left * 1000);
   return Monitor_poll(this->monitor, ms);
}

static void Screen_readKeys(Screen* this) {
   for (int key; (key = getch()) != ERR;) {
      Screen_handleKey(this, key);
      this->dirty = true;
   }
}

/* Waits for a key, an event or the deadline; -1 after an error line. */
static int Screen_wait(Screen* this) {
   int eventFd = Backend_eventFd(this->monitor->backend);
   struct pollfd fds[2] = { { .fd = STDIN_FILENO, .events = POLLIN }, { .fd = eventFd, .events = POLLIN } };
   int n = poll(fds, eventFd >= 0 ? 2 : 1, Screen_timeout(this));
   if (n < 0 && errno != EINTR) {
      XUtils_error("waiting for input failed: %s", strerror(errno));
      return -1;
   }
   if (n > 0 && (fds[0].revents & (POLLHUP | POLLERR)))
      this->quit = true;   /* the terminal went away */
   if (eventFd < 0 || (n > 0 && fds[1].revents))
      return Screen_feed(this);
   return 0;
}

/* A sample is due: its time has come, or a replay has just ended. */
static bool Screen_due(Screen* this) {
   if (Monitor_stopping())
      return false;
   if (Monitor_ended(this->monitor)) {
      bool last = !this->endShown;
      this->endShown = true;   /* one sample at the last packet's time */
      return last;
   }
   return Screen_left(this) <= 0;
}

static int Screen_loop(Screen* this) {
   int iterations = this->monitor->settings->iterations;
   while (!this->quit && !Monitor_stopping()) {
      if (Screen_wait(this) < 0)
         return 1;
      Screen_readKeys(this);
      if (Screen_due(this)) {
         if (Monitor_sample(this->monitor) < 0)
            return 1;
         Screen_onSample(this);
         if (iterations && this->monitor->samples >= iterations)
            break;
      }
      if (this->dirty && !this->quit) {
         Screen_draw(this);
         this->dirty = false;
      }
   }
   return 0;
}

int Screen_run(Monitor* monitor) {
   Screen s;
   Screen_init(&s, monitor);
   if (Monitor_sample(monitor) < 0)
      return 1;
   if (CRT_init(&s.crt, monitor->settings->colour) < 0)
      return 1;
   Screen_onSample(&s);
   Screen_draw(&s);
   int rc = Screen_loop(&s);
   CRT_done(&s.crt);
   if (rc == 0 && monitor->logFile && !(monitor->settings->iterations && monitor->samples >= monitor->settings->iterations))
      rc = Monitor_sample(monitor) < 0 ? 1 : 0;   /* the log gets the last interval */
   Screen_done(&s);
   return rc;
}
