/*
 * Monitor.h: what every view shares: each interval, read the backend into
 * the connection table, derive rates and UDP idle/expiry, keep closed rows
 * a while, apply the command-line filters, sum the summary and write the
 * CSV log. A view (Batch: text/CSV/JSON on stdout; Screen: ncurses) takes
 * the rows of each sample and shows them.
 */
#ifndef TCPTOP_MONITOR_H
#define TCPTOP_MONITOR_H

#include <stdio.h>
#include <time.h>

#include "config/Settings.h"
#include "core/Column.h"
#include "core/Output.h"
#include "core/Backend.h"
#include "core/Groups.h"
#include "core/LogFile.h"

/* Closed connections stay visible this long (and are printed at least once). */
#define MONITOR_CLOSED_LINGER 5.0

typedef struct Monitor_ Monitor;

/*
 * Something beside the view that the loop serves (the Prometheus endpoint,
 * src/export/): a descriptor polled with the backend's events, and a call
 * after each sample. core/ knows it only through this.
 */
typedef struct MonitorHook_ {
   int fd;                                        /* -1: none */
   void (*ready)(void* ctx);                      /* fd polled readable */
   void (*sampled)(void* ctx, const Monitor* m);  /* after each sample, logged */
   void* ctx;
} MonitorHook;

struct Monitor_ {
   const Settings* settings;
   Backend* backend;
   ConnTable table;
   SortOrder sort;          /* --sort: the batch order and the screen's first */
   ColumnList columns;      /* --columns */
   Output log;
   FILE* logFile;
   double interval;         /* seconds; the screen may change it */
   double lastSample;       /* monotonic */
   int samples;
   /* the last sample: rows passing the command-line filters, sorted (in
    * memory order when viewSorts and no log); valid until the next Monitor_sample */
   Conn** rows;
   size_t nRows;
   size_t capRows;          /* rows' room, kept across samples */
   Conn** closedRows;       /* the closed ones among rows (Monitor_shown, the log) */
   size_t nClosed, capClosed;
   size_t nLoggedBefore;    /* rows logged already (closed): the log skips them */
   Summary summary;
   RowContext ctx;
   char* healthText;        /* the backend's probe lines for this sample, or NULL */
   char* missing;           /* columns no running probe fills, or NULL */
   bool wantHealth;         /* a view shows them (the screen's P) */
   char* untrackedText;     /* Summary.untracked: what a full table lost, or NULL */
   bool untrackedSaid[2];   /* TCP, UDP: said once on stderr */
   MonitorHook hook;        /* set after Monitor_init; fd -1 there */
   Groups groups;           /* --group with -b or --log: the rows folded, sorted */
   bool viewSorts;          /* the view orders what it shows (the screen): rows stay
                             * in table order unless the log needs them sorted */
};

/* Validates --columns and --sort; 0, or -1 with *err. */
int Monitor_checkSettings(const Settings* settings, ColumnList* columns, SortOrder* sort, char** err);

/* Checks --columns and --sort, takes the log opened at the start (its file:
 * log->file becomes NULL; a continued log gets no second header) and seeds
 * the table; 0, or -1 with *err (Monitor_checkSettings first tells a bad flag
 * apart). */
int Monitor_init(Monitor* this, const Settings* settings, Backend* backend, LogFile* log, char** err);
/* Closes the log and frees the rows; 0, or -1 with *err when the log could
 * not be written. */
int Monitor_done(Monitor* this, char** err);

/* Takes one sample, logs it and fills rows/summary; 0, or -1 with *err. */
int Monitor_sample(Monitor* this, char** err);
/* A view marks the rows it showed (closed rows may then be forgotten). */
void Monitor_shown(Monitor* this, Conn** rows, size_t n);
/* Monotonic time of the next sample. */
double Monitor_deadline(const Monitor* this);
/* Folds events in for up to timeoutMs; 0, or -1 with *err. */
int Monitor_poll(Monitor* this, int timeoutMs, char** err);
/* Waits for the next interval (or a signal), folding events in and serving
 * the hook's descriptor; 0, or -1 with *err. */
int Monitor_wait(Monitor* this, char** err);

/* The hook's descriptor (-1: none), and its service when it polled readable. */
int Monitor_hookFd(const Monitor* this);
void Monitor_serveHook(Monitor* this);

/* SIGINT, SIGTERM or SIGHUP asked the loop to stop (Monitor_init catches
 * them; SIGPIPE is ignored). */
bool Monitor_stopping(void);
/* The sample clock: the system's, or a replayed capture's own time. */
void Monitor_now(const Monitor* this, double* mono, double* wall);
/* A replayed capture has no more packets: the last sample was final. */
bool Monitor_ended(const Monitor* this);

#endif
