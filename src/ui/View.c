/*
 * View.c: which rows the screen shows and in what order: the view's own
 * filters (t, c, /) over the monitor's rows in one pass that also makes
 * each row's sort item, then only the positions drawn selected from the
 * order (not a sort of every row); the selection that follows its
 * connection, the copies kept while paused, and each connection's rate
 * history.
 */
#include "config.h"
#include "ui/View.h"

#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
   Groups_init(&this->groups, (GroupKey)monitor->settings->group);
   View_layout(this);
   RateHistory_init(&this->history);
   RateHistory_init(&this->frozenHistory);
   BackendStatus st;
   Backend_status(monitor->backend, &st);
   this->probesOk = st.probesOk;
   this->probesFailed = st.probesFailed;
}

static void View_freeFrozen(View* this) {
   this->allValid = false;   /* its rows may be these copies */
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
   free(this->all.rows);
   free(this->all.items);
   free(this->matched.rows);
   free(this->matched.items);
   Groups_done(&this->groups);
   Conn_freeCopy(&this->groupRow);
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
   Conn_freeCopy(&this->groupRow);
   Conn_copy(&this->groupRow, View_row(this, this->selected));   /* the group may go */
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
   this->selectedKey = Conn_key(&this->groupRow);   /* back on the group left */
   this->hasSelection = true;
   View_layout(this);
   View_refresh(this);
}

/* The histories of rows the table has forgotten go with them. */
void View_sample(View* this) {
   Monitor* m = this->monitor;
   Sparkline_push(&this->txTotal, m->summary.txRate);
   Sparkline_push(&this->rxTotal, m->summary.rxRate);
   this->history.watchedOnly = m->nRows > VIEW_HISTORY_ALL;
   if (this->history.watchedOnly)
      RateHistory_recordKnown(&this->history, &m->table);
   else
      RateHistory_record(&this->history, m->rows, m->nRows);
   RateHistory_prune(&this->history, &m->table);
   if (this->groups.key != GROUP_NONE)
      Groups_fold(&this->groups, m->rows, m->nRows, m->ctx.monoNow);
   bool alone = this->paused || View_grouped(this);   /* the rebuild's pass is not over m->rows */
   if (alone)
      Monitor_shown(m, m->rows, m->nRows);
   if (!this->paused) {
      this->summary = m->summary;
      this->format.ctx = m->ctx;
      this->markShown = !alone;
      View_rebuild(this);
      this->markShown = false;
   }
}

/* A group row (the source is the groups: its groupConns is not read, a
 * cache line of every row) shows by the / text only. */
static bool View_rowVisible(View* this, const Conn* c, bool group, bool matching) {
   if (group)
      return !matching || RowFilter_matches(&this->rowFilter, c);
   if (this->inGroup && !Groups_member(this->groups.key, &this->groupRow, c))
      return false;
   if (this->proto == SETTINGS_PROTO_TCP && c->proto != IPPROTO_TCP)
      return false;
   if (this->proto == SETTINGS_PROTO_UDP && c->proto != IPPROTO_UDP)
      return false;
   if (!this->showClosed && c->state == CONN_CLOSED)
      return false;
   return !matching || RowFilter_matches(&this->rowFilter, c);
}

/* Where the selected connection is now (found: the index of its item in
 * order); the same index when it is gone. */
static void View_followSelection(View* this, size_t found) {
   if (this->hasSelection && found < this->nRows) {
      this->selected = SortOrder_rank(&this->sort, this->visible, this->order, this->nRows, found);
      return;
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

static bool View_isSelected(const View* this, const Conn* c) {
   return c->cookie == this->selectedKey.cookie && Conn_hasKey(c, &this->selectedKey);
}

/* One pass into set: the rows shown with their sort keys (with the /
 * text when matching), and where the selected one is among them. */
static size_t View_collect(View* this, ViewRows* set, bool matching) {
   size_t live;
   Conn** source = View_source(this, &live);
   size_t n = this->paused ? this->nFrozen : live, found = SIZE_MAX;
   set->rows = xRealloc(set->rows, sizeof(Conn*) * (n + 1));
   set->items = xRealloc(set->items, sizeof(RadixItem) * (n + 1));
   set->n = 0;
   if (matching)
      RowFilter_begin(&this->rowFilter, this->filter);
   bool groups = View_grouped(this);
   for (size_t i = 0; i < n; i++) {
      if (!this->paused && i + CONNTABLE_AHEAD < n) {
         Conn_prefetch(source[i + CONNTABLE_AHEAD]);
         if (matching)   /* the / text reads the command and the attribution too */
            __builtin_prefetch(&source[i + CONNTABLE_AHEAD]->netns);
      }
      Conn* c = this->paused ? &this->frozen[i] : source[i];
      if (this->markShown && c->state == CONN_CLOSED)
         c->shown = true;   /* Monitor_shown's marking, in this pass (written only where it changes) */
      if (!View_rowVisible(this, c, groups, matching))
         continue;
      if (this->hasSelection && View_isSelected(this, c))
         found = set->n;
      set->items[set->n] = SortOrder_item(&this->sort, c, set->n);
      set->rows[set->n++] = c;
   }
   return found;
}

static void View_basis(const View* this, ViewBasis* b) {
   memset(b, 0, sizeof(*b));   /* compared whole: no padding left unset */
   b->samples = this->monitor->samples;
   b->sortColumn = this->sort.column;
   b->descending = this->sort.descending;
   b->showClosed = this->showClosed;
   b->paused = this->paused;
   b->inGroup = this->inGroup;
   b->proto = this->proto;
   b->groupKey = this->groups.key;
   b->frozen = this->frozen;
   if (this->inGroup)
      b->group = Conn_key(&this->groupRow);
}

/* The item naming the selected row in set, when the rows are those shown
 * now (the same sample): a scan of pointers, not of rows. SIZE_MAX: none. */
static size_t View_findSelected(const View* this, const ViewRows* set) {
   if (!this->hasSelection || this->selected < this->sortedFrom || this->selected >= this->sortedTo)
      return SIZE_MAX;
   const Conn* row = this->visible[SortOrder_index(&this->order[this->selected])];
   for (size_t i = 0; i < set->n; i++) {
      if (set->rows[SortOrder_index(&set->items[i])] == row)
         return i;
   }
   return SIZE_MAX;
}

/* The rows of set are the ones shown; found: the selected one's item. */
static void View_use(View* this, const ViewRows* set, size_t found) {
   this->visible = set->rows;
   this->order = set->items;
   this->nRows = set->n;
   this->sortedFrom = this->sortedTo = 0;
   View_followSelection(this, found);
}

void View_rebuild(View* this) {
   ViewBasis b;
   View_basis(this, &b);
   bool same = this->allValid && memcmp(&b, &this->allBasis, sizeof(b)) == 0;
   if (this->filter[0]) {
      View_use(this, &this->matched, View_collect(this, &this->matched, true));
   } else if (same) {   /* the / text cleared: the rows past t and c again, as they were */
      View_use(this, &this->all, View_findSelected(this, &this->all));
   } else {
      size_t found = View_collect(this, &this->all, false);
      this->allBasis = b;
      this->allValid = true;
      View_use(this, &this->all, found);
   }
}

/* A range apart from the sorted one: selected where it lies (the items
 * beyond the sorted range all order after it, those before before). */
static void View_sortApart(View* this, size_t from, size_t to) {
   size_t lo = this->sortedFrom, hi = this->sortedTo;
   if (lo == hi)
      SortOrder_select(&this->sort, this->visible, this->order, this->nRows, from, to);
   else if (from > hi)
      SortOrder_select(&this->sort, this->visible, this->order + hi, this->nRows - hi, from - hi, to - hi);
   else
      SortOrder_select(&this->sort, this->visible, this->order, lo, from, to);
   this->sortedFrom = from;
   this->sortedTo = to;
}

void View_sortRange(View* this, size_t from, size_t to) {
   size_t lo = this->sortedFrom, hi = this->sortedTo;
   if (to > this->nRows)
      to = this->nRows;
   if (from >= to || (from >= lo && to <= hi))
      return;
   /* a few pages more each side: the next page down or up is sorted already */
   from = from > VIEW_SORT_AHEAD ? from - VIEW_SORT_AHEAD : 0;
   to = to + VIEW_SORT_AHEAD < this->nRows ? to + VIEW_SORT_AHEAD : this->nRows;
   if (lo == hi || to < lo || from > hi) {
      View_sortApart(this, from, to);
      return;
   }
   if (from < lo) {   /* it touches the sorted range: that grows */
      SortOrder_select(&this->sort, this->visible, this->order, lo, from, lo);
      this->sortedFrom = from;
   }
   if (to > hi) {
      SortOrder_select(&this->sort, this->visible, this->order + hi, this->nRows - hi, 0, to - hi);
      this->sortedTo = to;
   }
}

Conn* View_row(View* this, size_t i) {
   View_sortRange(this, i, i + 1);
   return this->visible[SortOrder_index(&this->order[i])];
}

void View_selectIndex(View* this, size_t index) {
   if (this->nRows == 0) {
      this->selected = 0;
      this->hasSelection = false;
      return;
   }
   this->selected = index < this->nRows ? index : this->nRows - 1;
   this->selectedKey = Conn_key(View_row(this, this->selected));
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

void View_watch(View* this, const Conn* c) {
   if (!this->paused && this->history.watchedOnly)
      RateHistory_watch(&this->history, c);
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
