/*
 * ScreenRows.c: which rows the screen shows and in what order: the view's
 * own filters (t, c, /) over the monitor's rows, the sort, the selection
 * that follows its connection, the copies kept while paused, and each
 * connection's rate history.
 */
#include "config.h"
#include "ui/Screen.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/XUtils.h"

/* Does the / text occur in the command, an address, a port or the state? */
static bool Screen_filterMatches(const Screen* this, const Conn* c) {
   char text[160], la[INET6_ADDRSTRLEN], ra[INET6_ADDRSTRLEN];
   int af = c->family == AF_INET6 ? AF_INET6 : AF_INET;
   if (!inet_ntop(af, c->laddr, la, sizeof(la)))
      la[0] = '\0';
   if (!inet_ntop(af, c->raddr, ra, sizeof(ra)))
      ra[0] = '\0';
   snprintf(text, sizeof(text), "%s\t%s:%u\t%s:%u\t%s\t%s", c->hasOwner ? c->comm : "", la, c->lport, ra,
            c->rport, Conn_stateName(c->state), c->key.proto == IPPROTO_UDP ? "udp" : "tcp");
   return strcasestr(text, this->filter) != NULL;
}

static bool Screen_rowVisible(const Screen* this, const Conn* c) {
   if (this->proto == SETTINGS_PROTO_TCP && c->key.proto != IPPROTO_TCP)
      return false;
   if (this->proto == SETTINGS_PROTO_UDP && c->key.proto != IPPROTO_UDP)
      return false;
   if (!this->showClosed && c->state == CONN_CLOSED)
      return false;
   return !this->filter[0] || Screen_filterMatches(this, c);
}

/* Where the selected connection is now; the same index when it is gone. */
static void Screen_followSelection(Screen* this) {
   if (this->hasSelection) {
      for (size_t i = 0; i < this->nRows; i++) {
         if (memcmp(&this->rows[i]->key, &this->selectedKey, sizeof(ConnKey)) == 0) {
            this->selected = i;
            return;
         }
      }
   }
   Screen_selectIndex(this, this->selected);
}

void Screen_rebuild(Screen* this) {
   Monitor* m = this->monitor;
   size_t n = this->paused ? this->nFrozen : m->nRows;
   this->rows = xRealloc(this->rows, sizeof(Conn*) * (n + 1));
   this->nRows = 0;
   for (size_t i = 0; i < n; i++) {
      Conn* c = this->paused ? &this->frozen[i] : m->rows[i];
      if (Screen_rowVisible(this, c))
         this->rows[this->nRows++] = c;
   }
   SortOrder_sort(&this->sort, this->rows, this->nRows);
   Screen_followSelection(this);
}

void Screen_selectIndex(Screen* this, size_t index) {
   if (this->nRows == 0) {
      this->selected = this->top = 0;
      this->hasSelection = false;
      return;
   }
   this->selected = index < this->nRows ? index : this->nRows - 1;
   this->selectedKey = this->rows[this->selected]->key;
   this->hasSelection = true;
}

void Screen_moveSelection(Screen* this, long delta) {
   long i = (long)this->selected + delta;
   Screen_selectIndex(this, i < 0 ? 0 : (size_t)i);
}

void Screen_freeFrozen(Screen* this) {
   RateHistory_done(&this->frozenHistory);
   free(this->frozen);
   this->frozen = NULL;
   this->nFrozen = 0;
}

/* Pausing copies the rows (with their histories): sampling and the log go on. */
void Screen_pause(Screen* this, bool pause) {
   Monitor* m = this->monitor;
   Screen_freeFrozen(this);
   this->paused = pause;
   if (pause) {
      this->frozen = xMalloc(sizeof(Conn) * (m->nRows + 1));
      for (size_t i = 0; i < m->nRows; i++)
         this->frozen[i] = *m->rows[i];
      RateHistory_copy(&this->frozenHistory, &this->history);
      this->nFrozen = m->nRows;
      this->txFrozen = this->txTotal;
      this->rxFrozen = this->rxTotal;
   } else {
      this->summary = m->summary;
      this->format.ctx = m->ctx;
   }
   Screen_rebuild(this);
}

/* One value per interval for each row that has ever had traffic; the
 * histories of rows the table has forgotten go. */
void Screen_recordHistory(Screen* this) {
   Monitor* m = this->monitor;
   RateHistory_record(&this->history, m->rows, m->nRows);
   RateHistory_prune(&this->history, &m->table);
}
