/*
 * Monitor.c: the headless sampling loop, filters, and the CSV log.
 */
#include "config.h"
#include "Monitor.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "Output.h"
#include "XUtils.h"

static volatile sig_atomic_t Monitor_stop;

static void Monitor_onSignal(int sig) {
   (void)sig;
   Monitor_stop = 1;
}

typedef struct Monitor_ {
   const Settings* settings;
   Platform* platform;
   ConnTable table;
   SortOrder sort;
   Output out;
   Output log;
   FILE* logFile;
   double lastSample;     /* monotonic */
   int printed;
} Monitor;

static double Monitor_clock(clockid_t id) {
   struct timespec ts;
   clock_gettime(id, &ts);
   return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The sample's times: the system clocks, or a replayed capture's own clock. */
static void Monitor_now(const Monitor* this, double* mono, double* wall) {
   if (!Platform_captureTime(this->platform, mono, wall)) {
      *mono = Monitor_clock(CLOCK_MONOTONIC);
      *wall = Monitor_clock(CLOCK_REALTIME);
   }
}

int Monitor_checkSettings(const Settings* settings, ColumnList* columns, SortOrder* sort, char** err) {
   if (settings->columns) {
      if (ColumnList_parse(columns, settings->columns, err) < 0)
         return -1;
   } else {
      ColumnList_default(columns);
   }
   return SortOrder_parse(sort, settings->sort ? settings->sort : "rate", err);
}

static bool Monitor_matches(const Settings* s, const Conn* c) {
   if (s->pid && (!c->hasOwner || (int)c->pid != s->pid))
      return false;
   if (s->port && c->lport != s->port && c->rport != s->port)
      return false;
   if (s->proto == SETTINGS_PROTO_TCP && c->key.proto != IPPROTO_TCP)
      return false;
   if (s->proto == SETTINGS_PROTO_UDP && c->key.proto != IPPROTO_UDP)
      return false;
   if (s->ipv4 != s->ipv6 && (c->family == AF_INET6) != s->ipv6)
      return false;
   return true;
}

/* Rates over the interval, UDP activity and expiry. */
static void Monitor_updateRow(Monitor* this, Conn* c, double now, double elapsed) {
   bool changed = c->txBytes != c->prevTxBytes || c->rxBytes != c->prevRxBytes ||
                  c->txPackets != c->prevTxPackets || c->rxPackets != c->prevRxPackets;
   if (elapsed > 0) {
      c->txRate = (double)(c->txBytes - c->prevTxBytes) / elapsed;
      c->rxRate = (double)(c->rxBytes - c->prevRxBytes) / elapsed;
      c->txPacketRate = (double)(c->txPackets - c->prevTxPackets) / elapsed;
      c->rxPacketRate = (double)(c->rxPackets - c->prevRxPackets) / elapsed;
   } else {
      c->txRate = c->rxRate = c->txPacketRate = c->rxPacketRate = 0;
   }
   c->prevTxBytes = c->txBytes;
   c->prevRxBytes = c->rxBytes;
   c->prevTxPackets = c->txPackets;
   c->prevRxPackets = c->rxPackets;
   if (changed || c->lastActive == 0)
      c->lastActive = now;
   if (c->key.proto != IPPROTO_UDP || c->state == CONN_CLOSED)
      return;
   c->state = changed ? CONN_UDP_ACTIVE : CONN_UDP_IDLE;
   if (now - c->lastActive >= this->settings->udpTimeout - 1e-6) {
      c->state = CONN_CLOSED;
      c->closedAt = now;
      Platform_forget(this->platform, c);
   }
}

static void Monitor_update(Monitor* this, double now) {
   double elapsed = this->printed ? now - this->lastSample : 0;
   this->lastSample = now;
   ConnTable* t = &this->table;
   ConnKey* gone = NULL;
   size_t nGone = 0, capGone = 0;
   for (size_t i = 0; i < t->cap; i++) {
      Conn* c = t->slots[i];
      if (!c)
         continue;
      Monitor_updateRow(this, c, now, elapsed);
      bool printedOnce = c->shown || !this->settings->batch;
      if (c->state == CONN_CLOSED && c->logged && printedOnce && now - c->closedAt >= MONITOR_CLOSED_LINGER) {
         if (nGone == capGone) {
            capGone = capGone ? capGone * 2 : 64;
            gone = xRealloc(gone, capGone * sizeof(ConnKey));
         }
         gone[nGone++] = c->key;
      }
   }
   for (size_t i = 0; i < nGone; i++)
      ConnTable_remove(t, &gone[i]);
   free(gone);
}

/* Writes one interval to standard output and the log; 0 or an errno. */
static int Monitor_emit(Monitor* this, double wallNow, double monoNow) {
   size_t n = 0;
   Conn** all = ConnTable_rows(&this->table, &n);
   size_t k = 0;
   Summary summary = { .interval = this->settings->interval, .lost = Platform_lost(this->platform) + this->table.vanished,
                       .capture = Platform_isCapture(this->platform), .malformed = Platform_malformed(this->platform) };
   for (size_t i = 0; i < n; i++) {
      if (Monitor_matches(this->settings, all[i])) {
         all[k++] = all[i];
         Summary_add(&summary, all[i]);
      } else {
         all[i]->logged = all[i]->shown = true;   /* filtered out: nothing owed, may be forgotten */
      }
   }
   SortOrder_sort(&this->sort, all, k);
   RowContext ctx = { .wallNow = wallNow, .monoNow = monoNow };
   int rc = 0;
   if (this->logFile) {
      /* live rows every interval; a closed row exactly once */
      size_t m = 0;
      Conn** logRows = xMalloc(sizeof(Conn*) * (k + 1));
      for (size_t i = 0; i < k; i++) {
         if (!all[i]->logged)
            logRows[m++] = all[i];
         if (all[i]->state == CONN_CLOSED)
            all[i]->logged = true;
      }
      rc = Output_interval(&this->log, logRows, m, &summary, &ctx);
      free(logRows);
      if (rc) {
         XUtils_error("cannot write the log %s: %s", this->settings->logFile, strerror(rc));
         free(all);
         return rc;
      }
   } else {
      for (size_t i = 0; i < k; i++)
         all[i]->logged = true;
   }
   rc = Output_interval(&this->out, all, k, &summary, &ctx);
   for (size_t i = 0; i < k; i++)
      all[i]->shown = true;
   free(all);
   this->printed++;
   return rc;
}

static int Monitor_sampleAndEmit(Monitor* this) {
   double mono, wall;
   Monitor_now(this, &mono, &wall);
   int err = Platform_sample(this->platform, &this->table, mono, wall);
   if (err < 0) {
      XUtils_error("reading the connection table failed: %s", strerror(-err));
      return -1;
   }
   Monitor_update(this, mono);
   int rc = Monitor_emit(this, wall, mono);
   if (rc == EPIPE)
      Monitor_stop = 1;   /* the reader went away (| head): stop quietly */
   else if (rc)
      return -1;
   return 0;
}

static FILE* Monitor_openLog(const char* path) {
   int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, 0600);
   if (fd < 0) {
      XUtils_error("cannot create the log %s: %s; choose a writable path for --log", path, strerror(errno));
      return NULL;
   }
   struct stat st;
   if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 077))
      fchmod(fd, 0600);   /* an existing file keeps no wider mode */
   FILE* f = fdopen(fd, "w");
   if (!f) {
      close(fd);
      return NULL;
   }
   setvbuf(f, NULL, _IOFBF, 1 << 16);
   return f;
}

static void Monitor_signals(void) {
   struct sigaction sa = { .sa_handler = Monitor_onSignal };   /* no SA_RESTART: poll returns */
   sigemptyset(&sa.sa_mask);
   sigaction(SIGINT, &sa, NULL);
   sigaction(SIGTERM, &sa, NULL);
   sigaction(SIGHUP, &sa, NULL);
   signal(SIGPIPE, SIG_IGN);
}

/* Waits for the next interval, folding events in as they come. */
static int Monitor_wait(Monitor* this) {
   double deadline = this->lastSample + this->settings->interval;
   for (;;) {
      double now, wall;
      Monitor_now(this, &now, &wall);
      if (Monitor_stop || now >= deadline || Platform_ended(this->platform))
         return 0;
      int ms = (int)ceil((deadline - now) * 1000);
      int err = Platform_poll(this->platform, &this->table, ms, now, wall);
      if (err < 0) {
         XUtils_error("reading probe events failed: %s", strerror(-err));
         return -1;
      }
   }
}

int Monitor_run(const Settings* settings, Platform* platform) {
   Monitor m = { .settings = settings, .platform = platform };
   ColumnList columns, all;
   char* err = NULL;
   if (Monitor_checkSettings(settings, &columns, &m.sort, &err) < 0) {
      XUtils_error("%s", err);
      free(err);
      return 2;
   }
   if (settings->logFile && !(m.logFile = Monitor_openLog(settings->logFile)))
      return 1;
   ColumnList_all(&all);
   Output_init(&m.out, stdout, (OutputFormat)settings->format, &columns);
   Output_init(&m.log, m.logFile, OUTPUT_CSV, &all);
   ConnTable_init(&m.table);
   Monitor_signals();
   double mono, wall;
   Monitor_now(&m, &mono, &wall);
   Platform_seed(platform, &m.table, mono, wall);
   int rc = Monitor_sampleAndEmit(&m) < 0 ? 1 : 0;
   while (rc == 0 && !Monitor_stop && !Platform_ended(platform) &&
          (!settings->iterations || m.printed < settings->iterations)) {
      if (Monitor_wait(&m) < 0 || Monitor_sampleAndEmit(&m) < 0)
         rc = 1;
   }
   if (Platform_endProblem(platform))
      XUtils_error("%s", Platform_endProblem(platform));
   if (m.logFile && fclose(m.logFile) != 0) {
      XUtils_error("cannot write the log %s: %s", settings->logFile, strerror(errno));
      rc = 1;
   }
   ConnTable_done(&m.table);
   return rc;
}
