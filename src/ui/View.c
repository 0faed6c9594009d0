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

#include "core/Names.h"
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
   Groups_init(&this->groups, (GroupKey)monitor->settings->group, 1);
   View_layout(this);
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
   Groups_done(&this->groups);
   Resolver_free(this->format.resolver);
}

bool View_grouped(const View* this) {
   return this->groups.key != GROUP_NONE && !this->inGroup;
}

/* The columns that mean something for a group: sums, the worst, the range. */
static bool View_summable(int id) {
   switch (id) {
   case COLUMN_TX_BYTES: case COLUMN_RX_BYTES: case COLUMN_TX_RATE: case COLUMN_RX_RATE: case COLUMN_RATE:
   case COLUMN_TX_PACKETS: case COLUMN_RX_PACKETS: case COLUMN_RETRANS: case COLUMN_RTT_US: case COLUMN_RTT_MIN_US:
      return true;
   default:
      return false;
   }
}

void View_layout(View* this) {
   this->columnsChanged = true;
   if (!View_grouped(this)) {
      this->shown = this->columns;
      return;
   }
   ColumnList* s = &this->shown;
   s->count = Groups_keyColumns(this->groups.key, s->ids);
   s->ids[s->count++] = COLUMN_CONNECTIONS;
   for (int j = 0; j < this->columns.count && s->count < (int)ARRAY_SIZE(s->ids); j++) {
      int id = this->columns.ids[j];
      if (id == COLUMN_RTT_US)
         s->ids[s->count++] = COLUMN_RTT_MIN_US;   /* the range: lowest, then highest */
      if (View_summable(id) && id != COLUMN_RTT_MIN_US && s->count < (int)ARRAY_SIZE(s->ids))
         s->ids[s->count++] = id;
   }
}

/* The list anew; while paused, from a new copy of what it shows. */
static void View_refresh(View* this) {
   if (this->paused)
      View_pause(this, true);
   else
      View_rebuild(this);
}

void View_cycleGroup(View* this) {
   GroupKey key = (GroupKey)((this->groups.key + 1) % GROUP_KEY_COUNT);
   Groups_setKey(&this->groups, key);
   this->inGroup = false;
   Monitor* m = this->monitor;
   if (key != GROUP_NONE)
      Groups_fold(&this->groups, m->rows, m->nRows, m->ctx.monoNow);
   this->hasSelection = false;
   this->selected = 0;
   View_layout(this);
   View_refresh(this);
}

void View_enterGroup(View* this) {
   if (!View_grouped(this) || this->nRows == 0)
      return;
   this->groupRow = *this->rows[this->selected];
   this->inGroup = true;
   this->hasSelection = false;
   this->selected = 0;
   View_layout(this);
   View_refresh(this);
}

void View_leaveGroup(View* this) {
   if (!this->inGroup)
      return;
   this->inGroup = false;
   this->selectedKey = this->groupRow.key;   /* back on the group left */
   this->hasSelection = true;
   View_layout(this);
   View_refresh(this);
}

/* The histories of rows the table has forgotten go with them. */
void View_sample(View* this) {
   Monitor* m = this->monitor;
   Sparkline_push(&this->txTotal, m->summary.txRate);
   Sparkline_push(&this->rxTotal, m->summary.rxRate);
   RateHistory_record(&this->history, m->rows, m->nRows);
   RateHistory_prune(&this->history, &m->table);
   Monitor_shown(m, m->rows, m->nRows);
   if (this->groups.key != GROUP_NONE)
      Groups_fold(&this->groups, m->rows, m->nRows, m->ctx.monoNow);
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

/* The cgroup (its path) and the network namespace (inode:name): matched
 * only where the rest did not. */
static bool View_attributionMatches(const View* this, const Conn* c) {
   char text[4200];
   const char* cgroup = c->cgroupId ? Names_cgroupPath(c->cgroupId) : NULL;
   const char* nsName = c->netns ? Names_netns(c->netns) : NULL;
   char* p = View_putText(text, cgroup ? cgroup : "");
   *p++ = '\t';
   if (c->netns) {
      p = View_putUnsigned(p, c->netns);
      *p++ = ':';
      p = View_putText(p, nsName ? nsName : "");
   }
   *p = '\0';
   return strcasestr(text, this->filter) != NULL;
}

/* Does the / text occur in the command, an address, a port, the state,
 * the cgroup path or the network namespace? Written by hand, not with
 * snprintf: with 400,000 rows a filter typed is this times 400,000 before
 * the screen redraws. */
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
   p = View_putText(p, c->isGroup ? "" : Conn_stateName(c->state));
   *p++ = '\t';
   p = View_putText(p, c->key.proto == IPPROTO_UDP ? "udp" : "tcp");
   *p = '\0';
   if (strcasestr(text, this->filter))
      return true;
   return (c->cgroupId || c->netns) && View_attributionMatches(this, c);
}

static bool View_rowVisible(const View* this, const Conn* c) {
   if (c->isGroup)   /* a group: only the / text */
      return !this->filter[0] || View_filterMatches(this, c);
   if (this->inGroup && !Groups_member(this->groups.key, &this->groupRow, c))
      return false;
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

/* The rows the list is made of: the groups, or the monitor's (filtered in View_rowVisible). */
static Conn** View_source(const View* this, size_t* n) {
   if (View_grouped(this)) {
      *n = this->groups.nRows;
      return this->groups.rows;
   }
   *n = this->monitor->nRows;
   return this->monitor->rows;
}

void View_rebuild(View* this) {
   size_t live;
   Conn** source = View_source(this, &live);
   size_t n = this->paused ? this->nFrozen : live;
   this->rows = xRealloc(this->rows, sizeof(Conn*) * (n + 1));
   this->nRows = 0;
   for (size_t i = 0; i < n; i++) {
      if (!this->paused && i + CONNTABLE_AHEAD < n)
         Conn_prefetch(source[i + CONNTABLE_AHEAD]);
      Conn* c = this->paused ? &this->frozen[i] : source[i];
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
      size_t n;
      Conn** source = View_source(this, &n);
      this->frozen = xMalloc(sizeof(Conn) * (n + 1));
      for (size_t i = 0; i < n; i++)
         Conn_copy(&this->frozen[i], source[i]);
      this->nFrozen = n;
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
