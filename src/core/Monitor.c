/*
 * Monitor.c: the sampling shared by every view: rates, UDP expiry, closed
 * rows lingering, the command-line filters, the summary and the CSV log.
 */
#include "config.h"
#include "core/Monitor.h"

#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/Names.h"
#include "core/XUtils.h"

static volatile sig_atomic_t Monitor_stop;

static void Monitor_onSignal(int sig) {
   (void)sig;
   Monitor_stop = 1;
}

bool Monitor_stopping(void) {
   return Monitor_stop != 0;
}

static double Monitor_clock(clockid_t id) {
   struct timespec ts;
   clock_gettime(id, &ts);
   return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The sample's times: the system clocks, or a replayed capture's own clock. */
void Monitor_now(const Monitor* this, double* mono, double* wall) {
   if (!Backend_clock(this->backend, mono, wall)) {
      *mono = Monitor_clock(CLOCK_MONOTONIC);
      *wall = Monitor_clock(CLOCK_REALTIME);
   }
}

/* --cgroup and --netns: one line saying what is wrong. */
static int Monitor_checkFilters(const Settings* settings, char** err) {
   char* why = NULL;
   if (settings->cgroup && Settings_checkCgroup(settings->cgroup, &why) < 0)
      *err = xAsprintf("invalid value '%s' for --cgroup: %s", settings->cgroup, why);
   else if (settings->netns && Settings_checkNetns(settings->netns, &why) < 0)
      *err = xAsprintf("invalid value '%s' for --netns: %s", settings->netns, why);
   free(why);
   return why ? -1 : 0;
}

int Monitor_checkSettings(const Settings* settings, ColumnList* columns, SortOrder* sort, char** err) {
   if (Monitor_checkFilters(settings, err) < 0)
      return -1;
   if (settings->columns) {
      if (ColumnList_parse(columns, settings->columns, err) < 0)
         return -1;
   } else {
      ColumnList_default(columns);
   }
   return SortOrder_parse(sort, settings->sort, err);
}

/* --cgroup: a path from the v2 root (and what is below it), else the
 * short name or the path's last element. */
static bool Monitor_cgroupMatches(const char* want, const Conn* c) {
   const char* path = c->cgroupId ? Names_cgroupPath(c->cgroupId) : NULL;
   if (!path)
      return false;
   if (want[0] == '/') {
      size_t n = strlen(want);
      while (n > 1 && want[n - 1] == '/')
         n--;
      return n == 1 || (strncmp(path, want, n) == 0 && (path[n] == '\0' || path[n] == '/'));
   }
   const char* last = strrchr(path, '/');
   return strcmp(Names_cgroupName(c->cgroupId), want) == 0 || (last && strcmp(last + 1, want) == 0);
}

/* --netns: the inode, or the /run/netns name. */
static bool Monitor_netnsMatches(const char* want, const Conn* c) {
   if (!c->netns)
      return false;
   char* end;
   unsigned long long inode = strtoull(want, &end, 10);
   if (!*end)
      return inode == c->netns;
   const char* name = Names_netns(c->netns);
   return name && strcmp(name, want) == 0;
}

static bool Monitor_matches(const Settings* s, const Conn* c) {
   if (s->cgroup && !Monitor_cgroupMatches(s->cgroup, c))
      return false;
   if (s->netns && !Monitor_netnsMatches(s->netns, c))
      return false;
   if (s->pid && (!c->hasOwner || (int)c->pid != s->pid))
      return false;
   if (s->port && c->lport != s->port && c->rport != s->port)
      return false;
   if (s->proto == SETTINGS_PROTO_TCP && c->proto != IPPROTO_TCP)
      return false;
   if (s->proto == SETTINGS_PROTO_UDP && c->proto != IPPROTO_UDP)
      return false;
   if (s->ipv4 != s->ipv6 && (c->family == AF_INET6) != s->ipv6)
      return false;
   return true;
}

/* The rates of the rows the interval changed, from their counters before
 * (ConnTable's list); Monitor_updateRow zeroes the others'. */
static void Monitor_rates(Monitor* this, double elapsed) {
   const ConnTable* t = &this->table;
   for (size_t i = 0; i < t->nTouched; i++) {
      const ConnTouch* before = &t->touched[i];
      Conn* c = before->row;
      uint64_t tx = c->txBytes - before->txBytes, rx = c->rxBytes - before->rxBytes;
      uint64_t txPackets = c->txPackets - before->txPackets, rxPackets = c->rxPackets - before->rxPackets;
      c->changed = tx || rx || txPackets || rxPackets;
      if (elapsed > 0) {
         c->txRate = (float)((double)tx / elapsed);
         c->rxRate = (float)((double)rx / elapsed);
         c->txPacketRate = (float)((double)txPackets / elapsed);
         c->rxPacketRate = (float)((double)rxPackets / elapsed);
      } else {
         c->txRate = c->rxRate = c->txPacketRate = c->rxPacketRate = 0;
      }
   }
}

/* Rates of the rows the interval did not change, UDP activity and expiry. */
static void Monitor_updateRow(Monitor* this, Conn* c, double now) {
   if (c->generation != this->table.epoch) {   /* not in the interval's list: no change */
      c->changed = false;
      if (c->txRate != 0 || c->rxRate != 0 || c->txPacketRate != 0 || c->rxPacketRate != 0)
         c->txRate = c->rxRate = c->txPacketRate = c->rxPacketRate = 0;
   }
   bool changed = c->changed;
   if (c->state == CONN_CLOSED)
      return;   /* lastActive is closedAt now */
   if (changed || c->lastActive == 0)
      c->lastActive = now;
   if (c->proto != IPPROTO_UDP)
      return;
   c->state = changed ? CONN_UDP_ACTIVE : CONN_UDP_IDLE;
   if (now - c->lastActive >= this->settings->udpTimeout - 1e-6) {
      c->state = CONN_CLOSED;
      c->closedAt = now;
      Backend_forget(this->backend, c);
   }
}

/* Each probe's status and hooks, and with --probe-stats its events/s and
 * ns/event: for the -b text header (--probe-stats) and the screen (P). */
static void Monitor_health(Monitor* this) {
   free(this->healthText);
   this->healthText = NULL;
   if (this->settings->probeStats || this->wantHealth)
      this->healthText = Backend_health(this->backend, this->lastSample);
   this->summary.health = this->healthText;
}

/* What a full table of the backend lost, as lines naming the setting to
 * raise; each kind said once on stderr too (the screen's: at the end). */
static void Monitor_untracked(Monitor* this, const BackendStatus* st) {
   free(this->untrackedText);
   this->untrackedText = NULL;
   Buf text;
   Buf_init(&text);
   if (st->tcpUntracked)
      Buf_printf(&text, "%llu connections not tracked: the map of TCP connections is full (%u): raise [probes] "
                 "max_tcp_connections\n", (unsigned long long)st->tcpUntracked, st->tcpCapacity);
   size_t tcpLen = text.len;
   if (st->udpUntracked)
      Buf_printf(&text, "%llu UDP flows not tracked: the map of UDP flows is full (%u): raise [probes] "
                 "max_udp_flows\n", (unsigned long long)st->udpUntracked, st->udpCapacity);
   if (!text.len) {
      Buf_done(&text);
      return;
   }
   this->untrackedText = xStrdup(Buf_cstr(&text));
   Buf_done(&text);
   if (!this->settings->batch)
      return;
   const char* udp = this->untrackedText + tcpLen;
   if (st->tcpUntracked && !this->untrackedSaid[0])
      XUtils_error("%.*s", (int)tcpLen - 1, this->untrackedText);
   if (st->udpUntracked && !this->untrackedSaid[1])
      XUtils_error("%.*s", (int)strlen(udp) - 1, udp);
   this->untrackedSaid[0] = this->untrackedSaid[0] || st->tcpUntracked;
   this->untrackedSaid[1] = this->untrackedSaid[1] || st->udpUntracked;
}

/* The summary's start: the backend's status, the lines it adds. */
static void Monitor_summaryStart(Monitor* this) {
   BackendStatus st;
   Backend_status(this->backend, &st);
   this->summary = (Summary){ .interval = this->interval,
                              .lost = st.lost + this->table.vanished,
                              .capture = st.capture,
                              .malformed = st.malformed,
                              .missing = this->missing };
   Monitor_untracked(this, &st);
   this->summary.untracked = this->untrackedText;
   Monitor_health(this);
}

/* A closed row logged, printed once (the screen: always) and kept long
 * enough is forgotten. */
static bool Monitor_forgettable(const Monitor* this, const Conn* c, double now) {
   bool printedOnce = c->shown || !this->settings->batch;
   return c->state == CONN_CLOSED && c->logged && printedOnce && now - c->closedAt >= MONITOR_CLOSED_LINGER;
}

/* A row that passes the command-line filters: listed, summed, and what the
 * log and Monitor_shown need noted. */
static void Monitor_keep(Monitor* this, Conn* c, bool logsAll) {
   this->rows[this->nRows++] = c;
   Summary_add(&this->summary, c);
   if (logsAll)
      c->logged = true;   /* no log, or one of groups: nothing owed */
   else if (c->logged)
      this->nLoggedBefore++;   /* a closed row logged already: not again */
   if (c->state == CONN_CLOSED) {
      if (this->nClosed == this->capClosed) {
         this->capClosed = this->capClosed ? 2 * this->capClosed : 256;
         this->closedRows = xRealloc(this->closedRows, this->capClosed * sizeof(Conn*));
      }
      this->closedRows[this->nClosed++] = c;
   }
}

/* Room for every row, grown only when the table has grown. */
static void Monitor_reserveRows(Monitor* this) {
   if (this->capRows > this->table.count)
      return;
   this->capRows = this->table.count + this->table.count / 16 + 64;
   free(this->rows);
   this->rows = xMalloc(this->capRows * sizeof(Conn*));
}

/*
 * One pass over the rows in memory order, each fetched once: rates, UDP
 * activity and expiry, closed rows forgotten, the command-line filters, the
 * summary and the log's marks (it used to be four passes in hash order,
 * each a cache miss a row at 400,000 rows).
 */
static void Monitor_pass(Monitor* this, double now) {
   double elapsed = this->samples ? now - this->lastSample : 0;
   this->lastSample = now;
   Monitor_summaryStart(this);
   Monitor_reserveRows(this);
   this->nRows = this->nClosed = this->nLoggedBefore = 0;
   bool logsAll = !this->logFile || this->groups.key != GROUP_NONE;
   Monitor_rates(this, elapsed);
   ConnTable* t = &this->table;
   size_t n;
   Conn* block;
   for (size_t b = 0; (block = ConnTable_block(t, b, &n)); b++) {
      for (size_t i = 0; i < n; i++) {
         Conn* c = &block[i];
         if (!Conn_live(c))
            continue;
         Monitor_updateRow(this, c, now);
         if (Monitor_forgettable(this, c, now)) {
            ConnKey key = Conn_key(c);
            ConnTable_remove(t, &key);
         } else if (Monitor_matches(this->settings, c)) {
            Monitor_keep(this, c, logsAll);
         } else {
            c->logged = c->shown = true;   /* filtered out: nothing owed, may be forgotten */
         }
      }
   }
}

static int Monitor_logWrite(Monitor* this, Conn** rows, size_t n, char** err) {
   int rc = Output_interval(&this->log, rows, n, &this->summary, &this->ctx);
   if (rc) {
      *err = xAsprintf("cannot write the log %s: %s", this->settings->logFile, strerror(rc));
      return -1;
   }
   return 0;
}

/* Live rows every interval; a closed row exactly once; with --group,
 * every group every interval instead (Monitor_pass marked the rows). 0, or
 * -1 with *err. */
static int Monitor_log(Monitor* this, char** err) {
   if (!this->logFile)
      return 0;
   if (this->groups.key != GROUP_NONE)
      return Monitor_logWrite(this, this->groups.rows, this->groups.nRows, err);
   int rc;
   if (this->nLoggedBefore == 0) {
      rc = Monitor_logWrite(this, this->rows, this->nRows, err);   /* each is owed */
   } else {
      size_t m = 0;
      Conn** logRows = xMalloc(sizeof(Conn*) * (this->nRows + 1));
      for (size_t i = 0; i < this->nRows; i++) {
         if (!this->rows[i]->logged)
            logRows[m++] = this->rows[i];
      }
      rc = Monitor_logWrite(this, logRows, m, err);
      free(logRows);
   }
   for (size_t i = 0; i < this->nClosed; i++)
      this->closedRows[i]->logged = true;
   return rc;
}

int Monitor_sample(Monitor* this, char** err) {
   double mono, wall;
   Monitor_now(this, &mono, &wall);
   if (Backend_sample(this->backend, &this->table, mono, wall, err) < 0)
      return -1;
   this->ctx = (RowContext){ .wallNow = wall, .monoNow = mono };
   Monitor_pass(this, mono);
   if (!this->viewSorts || this->logFile)
      SortOrder_sort(&this->sort, this->rows, this->nRows);
   if (this->groups.key != GROUP_NONE) {
      Groups_fold(&this->groups, this->rows, this->nRows, mono);
      SortOrder_sort(&this->sort, this->groups.rows, this->groups.nRows);
   }
   this->samples++;
   if (Monitor_log(this, err) < 0)
      return -1;
   if (this->hook.sampled)
      this->hook.sampled(this->hook.ctx, this);
   ConnTable_touchedReset(&this->table);   /* the rows this sample changed: used */
   return 0;
}

/* Only a closed row's printing counts (Conn.shown): a row shown while open
 * and closed since is still owed its closed line (jsonl prints it once). */
void Monitor_shown(Monitor* this, Conn** rows, size_t n) {
   if (rows == this->rows && n == this->nRows) {   /* all of them: the closed ones Monitor_pass listed */
      rows = this->closedRows;
      n = this->nClosed;
   }
   for (size_t i = 0; i < n; i++)
      rows[i]->shown = rows[i]->shown || rows[i]->state == CONN_CLOSED;
}

static void Monitor_signals(void) {
   struct sigaction sa = { .sa_handler = Monitor_onSignal };   /* no SA_RESTART: poll returns */
   sigemptyset(&sa.sa_mask);
   sigaction(SIGINT, &sa, NULL);
   sigaction(SIGTERM, &sa, NULL);
   sigaction(SIGHUP, &sa, NULL);
   signal(SIGPIPE, SIG_IGN);
}

bool Monitor_ended(const Monitor* this) {
   return Backend_ended(this->backend);
}

double Monitor_deadline(const Monitor* this) {
   return this->lastSample + this->interval;
}

int Monitor_poll(Monitor* this, int timeoutMs, char** err) {
   double mono, wall;
   Monitor_now(this, &mono, &wall);
   return Backend_poll(this->backend, &this->table, timeoutMs, mono, wall, err);
}

int Monitor_hookFd(const Monitor* this) {
   return this->hook.ready ? this->hook.fd : -1;
}

void Monitor_serveHook(Monitor* this) {
   if (this->hook.ready)
      this->hook.ready(this->hook.ctx);
}

/*
 * Up to timeoutMs for the backend's events and the hook's descriptor
 * together. A backend without a descriptor (a replay, paced by its own
 * poll) gets slices of at most 100 ms, the hook served between them.
 */
static int Monitor_pollBoth(Monitor* this, int timeoutMs, char** err) {
   int eventFd = Backend_eventFd(this->backend);
   struct pollfd fds[2] = { { .fd = this->hook.fd, .events = POLLIN }, { .fd = eventFd, .events = POLLIN } };
   int wait = eventFd >= 0 ? timeoutMs : 0;
   int n = poll(fds, eventFd >= 0 ? 2 : 1, wait);
   if (n < 0 && errno != EINTR) {
      *err = xAsprintf("waiting for events failed: %s", strerror(errno));
      return -1;
   }
   if (n > 0 && fds[0].revents)
      Monitor_serveHook(this);
   if (eventFd >= 0)
      return n > 0 && fds[1].revents ? Monitor_poll(this, 0, err) : 0;
   return Monitor_poll(this, timeoutMs < 100 ? timeoutMs : 100, err);
}

int Monitor_wait(Monitor* this, char** err) {
   for (;;) {
      double now, wall;
      Monitor_now(this, &now, &wall);
      double deadline = Monitor_deadline(this);
      if (Monitor_stop || now >= deadline || Backend_ended(this->backend))
         return 0;
      int ms = (int)ceil((deadline - now) * 1000);
      int rc = Monitor_hookFd(this) >= 0 ? Monitor_pollBoth(this, ms, err) : Monitor_poll(this, ms, err);
      if (rc < 0)
         return -1;
   }
}

int Monitor_init(Monitor* this, const Settings* settings, Backend* backend, LogFile* log, char** err) {
   *this = (Monitor){ .settings = settings, .backend = backend, .interval = settings->interval, .hook = { .fd = -1 } };
   if (Monitor_checkSettings(settings, &this->columns, &this->sort, err) < 0)
      return -1;
   this->logFile = log->file;   /* the monitor's now: Monitor_done closes it */
   log->file = NULL;
   ColumnList all;
   if (settings->group != GROUP_NONE)
      Groups_columns((GroupKey)settings->group, &all);
   else
      ColumnList_all(&all);
   Output_init(&this->log, this->logFile, OUTPUT_CSV, &all);
   /* the screen groups on its own (g); the monitor's groups are for -b and the log */
   bool grouping = settings->batch || this->logFile;
   Groups_init(&this->groups, grouping ? (GroupKey)settings->group : GROUP_NONE);
   this->log.headerDone = log->header != NULL;   /* a continued log has its header */
   ConnTable_init(&this->table);
   this->missing = Backend_missing(backend);
   if (this->missing)
      XUtils_error("without data on this kernel: %s", this->missing);   /* once, at start */
   Monitor_signals();
   double mono, wall;
   Monitor_now(this, &mono, &wall);
   Backend_seed(backend, &this->table, mono, wall);
   return 0;
}

int Monitor_done(Monitor* this, char** err) {
   int rc = 0;
   if (Backend_endProblem(this->backend))
      XUtils_error("%s", Backend_endProblem(this->backend));   /* a warning: what was read stands */
   if (this->untrackedText && !this->settings->batch)
      fprintf(stderr, "tcptop: %s", this->untrackedText);   /* the screen's, once the terminal is back */
   if (this->logFile && fclose(this->logFile) != 0) {
      *err = xAsprintf("cannot write the log %s: %s", this->settings->logFile, strerror(errno));
      rc = -1;
   }
   this->logFile = NULL;
   free(this->rows);
   this->rows = NULL;
   free(this->closedRows);
   this->closedRows = NULL;
   free(this->healthText);
   this->healthText = NULL;
   free(this->missing);
   this->missing = NULL;
   free(this->untrackedText);
   this->untrackedText = NULL;
   Groups_done(&this->groups);
   ConnTable_done(&this->table);
   return rc;
}
