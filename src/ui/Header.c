/*
 * Header.c: the summary lines, from the view's totals (the ones at the
 * pause, while paused).
 */
#include "config.h"
#include "ui/Header.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* The probe health lines shown (P), at most a third of the screen. */
static int Header_healthLines(const View* view) {
   const char* text = view->monitor->healthText;
   if (!view->showHealth || !text)
      return 0;
   int n = 0;
   for (const char* p = text; *p; p++)
      n += *p == '\n';
   return n < LINES / 3 ? n : LINES / 3;
}

int Header_height(const View* view) {
   return HEADER_LINES + Header_healthLines(view);
}

/* Capture: where the packets come from; probes: how many run, what no
 * probe fills. */
static void Header_drawSource(const View* view) {
   const Settings* settings = view->monitor->settings;
   const Summary* s = &view->summary;
   const CRT* crt = &view->crt;
   char buf[64];
   if (s->capture) {
      CRT_addPair(crt, "  packets from ", settings->readFile ? settings->readFile : "a live capture", CRT_VALUE);
      if (settings->readFile)
         CRT_addPair(crt, " ", Monitor_ended(view->monitor) ? "(replay ended)" : "(replaying)", CRT_VALUE);
      snprintf(buf, sizeof(buf), "%llu", (unsigned long long)s->malformed);
      CRT_addPair(crt, "  malformed ", buf, s->malformed ? CRT_WARNING : CRT_VALUE);
      return;
   }
   snprintf(buf, sizeof(buf), "%d loaded", view->probesOk);
   CRT_addPair(crt, "  probes ", buf, CRT_VALUE);
   snprintf(buf, sizeof(buf), "%d failed", view->probesFailed);
   CRT_addPair(crt, ", ", buf, view->probesFailed ? CRT_WARNING : CRT_VALUE);
   if (view->monitor->missing)
      CRT_addPair(crt, "  without data ", view->monitor->missing, CRT_WARNING);
}

static void Header_drawTitleLine(const View* view) {
   char ts[16], buf[64];
   time_t t = (time_t)view->format.ctx.wallNow;
   struct tm tm;
   strftime(ts, sizeof(ts), "%H:%M:%S", localtime_r(&t, &tm));
   move(0, 0);
   attrset(view->crt.attr[CRT_TITLE]);
   printw("tcptop %s - %s", PACKAGE_VERSION, ts);
   snprintf(buf, sizeof(buf), "%gs", view->monitor->interval);
   CRT_addPair(&view->crt, "  interval ", buf, CRT_VALUE);
   Header_drawSource(view);
   if (view->paused)
      CRT_addPair(&view->crt, "  ", "PAUSED", CRT_WARNING);
}

static void Header_drawConnections(const View* view) {
   const Summary* s = &view->summary;
   const CRT* crt = &view->crt;
   char buf[32];
   move(1, 0);
   snprintf(buf, sizeof(buf), "%d", s->tcp);
   CRT_addPair(crt, "TCP ", buf, CRT_VALUE);
   for (int st = CONN_ESTABLISHED; st <= CONN_NEW_SYN_RECV; st++) {
      if (!s->byState[st])
         continue;
      snprintf(buf, sizeof(buf), "%d", s->byState[st]);
      CRT_addPair(crt, " ", Conn_stateName(st), CRT_LABEL);
      CRT_addPair(crt, " ", buf, CRT_VALUE);
   }
   snprintf(buf, sizeof(buf), "%d", s->udp);
   CRT_addPair(crt, "   UDP ", buf, CRT_VALUE);
   snprintf(buf, sizeof(buf), "%d", s->byState[CONN_UDP_ACTIVE]);
   CRT_addPair(crt, " active ", buf, CRT_VALUE);
   snprintf(buf, sizeof(buf), "%d", s->byState[CONN_UDP_IDLE]);
   CRT_addPair(crt, " idle ", buf, CRT_VALUE);
   snprintf(buf, sizeof(buf), "%d", s->closed);
   CRT_addPair(crt, "   closed ", buf, CRT_VALUE);
}

static void Header_drawRate(const View* view, int y, const char* label, double rate, const Sparkline* hist,
                            int element) {
   char value[32], line[SPARKLINE_LEN * 4 + 1];
   Cells_formatRate(view->format.units, rate, value, sizeof(value));
   move(y, 0);
   attrset(view->crt.attr[CRT_LABEL]);
   printw("%-8s", label);
   attrset(view->crt.attr[CRT_VALUE]);
   printw("%7s%s/s ", value, view->format.units == SETTINGS_UNITS_BITS ? "" : "B");
   int width = COLS - 19 < SPARKLINE_LEN ? COLS - 19 : SPARKLINE_LEN;
   attrset(view->crt.attr[element]);
   if (width > 0)
      addstr(Sparkline_render(hist, width, view->crt.utf8, line, sizeof(line)));
   attrset(A_NORMAL);
}

/* A full map's first line ("N connections not tracked: ... raise [probes]
 * max_tcp_connections") after the lost events, as far as the width goes;
 * the monitor's own copy: a paused view's summary keeps no text. */
static void Header_drawUntracked(const View* view) {
   const char* text = view->monitor->untrackedText;
   int room = COLS - getcurx(stdscr) - 3;
   if (!text || room <= 0)
      return;
   const char* nl = strchr(text, '\n');
   int len = nl ? (int)(nl - text) : (int)strlen(text);
   attrset(view->crt.attr[CRT_WARNING]);
   addstr("   ");
   addnstr(text, len < room ? len : room);
   attrset(A_NORMAL);
}

static void Header_drawTraffic(const View* view) {
   const Summary* s = &view->summary;
   char buf[48];
   Header_drawRate(view, 2, "Send", s->txRate, view->paused ? &view->txFrozen : &view->txTotal, CRT_GRAPH_TX);
   Header_drawRate(view, 3, "Receive", s->rxRate, view->paused ? &view->rxFrozen : &view->rxTotal, CRT_GRAPH_RX);
   move(4, 0);
   snprintf(buf, sizeof(buf), "%.0f/s", s->txPacketRate);
   CRT_addPair(&view->crt, "Packets  tx ", buf, CRT_VALUE);
   snprintf(buf, sizeof(buf), "%.0f/s", s->rxPacketRate);
   CRT_addPair(&view->crt, "  rx ", buf, CRT_VALUE);
   snprintf(buf, sizeof(buf), "%llu", (unsigned long long)s->lost);
   CRT_addPair(&view->crt, "   lost events ", buf, s->lost ? CRT_WARNING : CRT_VALUE);
   Header_drawUntracked(view);
}

/* The group entered, as its key columns show it ("1234 curl"), Esc to leave. */
static void Header_groupLabel(const View* view, char* out, size_t size) {
   int ids[2];
   int n = Groups_keyColumns(view->groups.key, ids);
   size_t used = 0;
   out[0] = '\0';
   for (int i = 0; i < n && used + 1 < size; i++) {
      char cell[CELLS_LEN];
      Cells_format(&view->format, ids[i], &view->groupRow, cell, sizeof(cell));
      used += (size_t)snprintf(out + used, size - used, "%s%s", i ? " " : "", cell);
   }
   if (used + 1 < size)
      snprintf(out + used, size - used, " (Esc: back)");
}

static void Header_drawViewLine(const View* view) {
   static const char* const protos[] = { "all", "tcp", "udp" };
   const CRT* crt = &view->crt;
   char buf[96];
   move(5, 0);
   size_t all = view->paused ? view->nFrozen : View_grouped(view) ? view->groups.nRows : view->monitor->nRows;
   snprintf(buf, sizeof(buf), "%zu of %zu", view->nRows, all);
   CRT_addPair(crt, "Showing ", buf, CRT_VALUE);
   snprintf(buf, sizeof(buf), "%s %s", Column_table[view->sort.column].key, view->sort.descending ? "desc" : "asc");
   CRT_addPair(crt, "  sort ", buf, CRT_VALUE);
   CRT_addPair(crt, "  proto ", protos[view->proto], CRT_VALUE);
   CRT_addPair(crt, "  names ", view->format.names ? "on" : "off", CRT_VALUE);
   CRT_addPair(crt, "  closed ", view->showClosed ? "shown" : "hidden", CRT_VALUE);
   if (view->filter[0])
      CRT_addPair(crt, "  filter ", view->filter, CRT_WARNING);
   if (view->groups.key != GROUP_NONE)
      CRT_addPair(crt, "  grouped by ", Groups_keyNames[view->groups.key], CRT_WARNING);
   if (view->inGroup) {
      Header_groupLabel(view, buf, sizeof(buf));
      CRT_addPair(crt, "  in ", buf, CRT_WARNING);
   }
}

static void Header_drawHealth(const View* view) {
   int n = Header_healthLines(view);
   const char* line = view->monitor->healthText;
   attrset(view->crt.attr[CRT_LABEL]);
   for (int i = 0; i < n && line; i++) {
      const char* end = strchr(line, '\n');
      int len = end ? (int)(end - line) : (int)strlen(line);
      mvaddnstr(HEADER_LINES + i, 0, line, len < COLS ? len : COLS);
      line = end ? end + 1 : NULL;
   }
   attrset(A_NORMAL);
}

void Header_draw(const View* view) {
   Header_drawTitleLine(view);
   Header_drawConnections(view);
   Header_drawTraffic(view);
   Header_drawViewLine(view);
   Header_drawHealth(view);
}
