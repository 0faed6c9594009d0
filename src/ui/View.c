/*
 * View.c: which rows the screen shows and in what order: the view's own
 * filters (t, c, /) over the monitor's rows, the sort, the selection that
 * follows its connection, the copies kept while paused, and each
 * connection's rate history.
 */
#include "config.h"
#include "ui/View.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/XUtils.h"

void View_init(View* this, Monitor* monitor) {
   memset(this, 0, sizeof(*this));
   this->monitor = monitor;
   this->columns = monitor->columns;
   this->columnsChanged = true;
   this->sort = monitor->sort;
   this->proto = monitor->settings->proto;
   this->showClosed = true;
   this->format.units = monitor->settings->units;
   RateHistory_init(&this->history);
   RateHistory_init(&this->frozenHistory);
   BackendStatus st;
   Backend_status(monitor->backend, &st);
   this->probesOk = st.probesOk;
   this->probesFailed = st.probesFailed;
}

static void View_freeFrozen(View* this) {
   RateHistory_done(&this->frozenHistory);
   for (size_t i = 0; i < this->nFrozen; i++)
      Conn_freeCopy(&this->frozen[i]);
   free(this->frozen);
   this->frozen = NULL;
   this->nFrozen = 0;
}

void View_done(View* this) {
   View_freeFrozen(this);
   RateHistory_done(&this->history);
   free(this->rows);
   Resolver_free(this->format.resolver);
}

/* The histories of rows the table has forgotten go with them. */
void View_sample(View* this) {
   Monitor* m = this->monitor;
   Sparkline_push(&this->txTotal, m->summary.txRate);
   Sparkline_push(&this->rxTotal, m->summary.rxRate);
   RateHistory_record(&this->history, m->rows, m->nRows);
   RateHistory_prune(&this->history, &m->table);
   Monitor_shown(m, m->rows, m->nRows);
   if (!this->paused) {
      this->summary = m->summary;
      this->format.ctx = m->ctx;
      View_rebuild(this);
   }
}

static char* View_putText(char* p, const char* s) {
   size_t n = strlen(s);
   memcpy(p, s, n);
   return p + n;
}

static char* View_putUnsigned(char* p, unsigned v) {
   char digits[10];
   int n = 0;
   do
      digits[n++] = (char)('0' + v % 10);
   while ((v /= 10) != 0);
   while (n)
      *p++ = digits[--n];
   return p;
}

/* An address as inet_ntop writes it; IPv4 without printf (glibc's
 * inet_ntop formats it with sprintf, most of a filter's cost per row). */
static char* View_putAddr(char* p, int family, const uint8_t* a) {
   if (family == AF_INET6) {
      char s[INET6_ADDRSTRLEN];
      return View_putText(p, inet_ntop(AF_INET6, a, s, sizeof(s)) ? s : "");
   }
   for (int i = 0; i < 4; i++) {
      p = View_putUnsigned(p, a[i]);
      if (i < 3)
         *p++ = '.';
   }
   return p;
}

/* Does the / text occur in the command, an address, a port or the state?
 * Written by hand, not with snprintf: with 400,000 rows a filter typed is
 * this times 400,000 before the screen redraws. */
static bool View_filterMatches(const View* this, const Conn* c) {
   char text[192];   /* comm 16, two addresses of 46 and ports, state, proto, tabs */
   int af = c->family == AF_INET6 ? AF_INET6 : AF_INET;
   char* p = View_putText(text, c->hasOwner ? c->comm : "");
   *p++ = '\t';
   p = View_putAddr(p, af, c->laddr);
   *p++ = ':';
   p = View_putUnsigned(p, c->lport);
   *p++ = '\t';
   p = View_putAddr(p, af, c->raddr);
   *p++ = ':';
   p = View_putUnsigned(p, c->rport);
   *p++ = '\t';
   p = View_putText(p, Conn_stateName(c->state));
   *p++ = '\t';
   p = View_putText(p, c->key.proto == IPPROTO_UDP ? "udp" : "tcp");
   *p = '\0';
   return strcasestr(text, this->filter) != NULL;
}

static bool View_rowVisible(const View* this, const Conn* c) {
   if (this->proto == SETTINGS_PROTO_TCP && c->key.proto != IPPROTO_TCP)
      return false;
   if (this->proto == SETTINGS_PROTO_UDP && c->key.proto != IPPROTO_UDP)
      return false;
   if (!this->showClosed && c->state == CONN_CLOSED)
      return false;
   return !this->filter[0] || View_filterMatches(this, c);
}

/* Where the selected connection is now; the same index when it is gone. */
static void View_followSelection(View* this) {
   if (this->hasSelection) {
      for (size_t i = 0; i < this->nRows; i++) {
         if (memcmp(&this->rows[i]->key, &this->selectedKey, sizeof(ConnKey)) == 0) {
            this->selected = i;
            return;
         }
      }
   }
   View_selectIndex(this, this->selected);
}

void View_rebuild(View* this) {
   Monitor* m = this->monitor;
   size_t n = this->paused ? this->nFrozen : m->nRows;
   this->rows = xRealloc(this->rows, sizeof(Conn*) * (n + 1));
   this->nRows = 0;
   for (size_t i = 0; i < n; i++) {
      if (!this->paused && i + CONNTABLE_AHEAD < n)
         Conn_prefetch(m->rows[i + CONNTABLE_AHEAD]);
      Conn* c = this->paused ? &this->frozen[i] : m->rows[i];
      if (View_rowVisible(this, c))
         this->rows[this->nRows++] = c;
   }
   SortOrder_sort(&this->sort, this->rows, this->nRows);
   View_followSelection(this);
}

void View_selectIndex(View* this, size_t index) {
   if (this->nRows == 0) {
      this->selected = 0;
      this->hasSelection = false;
      return;
   }
   this->selected = index < this->nRows ? index : this->nRows - 1;
   this->selectedKey = this->rows[this->selected]->key;
   this->hasSelection = true;
}

void View_moveSelection(View* this, long delta) {
   long i = (long)this->selected + delta;
   View_selectIndex(this, i < 0 ? 0 : (size_t)i);
}

void View_pause(View* this, bool pause) {
   Monitor* m = this->monitor;
   View_freeFrozen(this);
   this->paused = pause;
   if (pause) {
      this->frozen = xMalloc(sizeof(Conn) * (m->nRows + 1));
      for (size_t i = 0; i < m->nRows; i++)
         Conn_copy(&this->frozen[i], m->rows[i]);
      this->nFrozen = m->nRows;
      RateHistory_copy(&this->frozenHistory, &this->history);
      this->txFrozen = this->txTotal;
      this->rxFrozen = this->rxTotal;
   } else {
      this->summary = m->summary;
      this->format.ctx = m->ctx;
   }
   View_rebuild(this);
}

const RateHistory* View_history(const View* this) {
   return this->paused ? &this->frozenHistory : &this->history;
}

void View_setInterval(View* this, double seconds) {
   if (seconds < 0.05)
      seconds = 0.05;
   if (seconds > 3600)
      seconds = 3600;
   this->monitor->interval = seconds;
   snprintf(this->message, sizeof(this->message), "interval %g s", seconds);
}
