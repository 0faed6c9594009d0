/*
 * Exporter.h: `--listen [ADDR:]PORT`: the listening socket, opened (bound)
 * at start-up before anything is loaded and before the privilege drop, and
 * a small non-blocking HTTP/1.1 server on it: GET /metrics answers the
 * Metrics in Prometheus text format, or OpenMetrics when the scraper's
 * Accept asks for it; anything else 404 or 405. Requests are bounded (8
 * KiB of header, 10 s to send it), several scrapers at once are served,
 * each answer closes its connection. It reaches the sampling loop only
 * through core/Monitor's hook: a descriptor (epoll) and a call per sample.
 */
#ifndef TCPTOP_EXPORTER_H
#define TCPTOP_EXPORTER_H

#include "config/Settings.h"
#include "core/Monitor.h"
#include "export/Metrics.h"

#define EXPORTER_CLIENTS 16

typedef struct ExporterClient_ {
   int fd;                 /* -1: a free slot */
   double since;           /* monotonic seconds it was accepted */
   Buf in;                 /* the request read so far */
   Buf out;                /* the answer */
   size_t sent;
} ExporterClient;

typedef struct Exporter_ {
   int listenFd;
   int epollFd;
   char* where;            /* "127.0.0.1:9100", for messages */
   Metrics metrics;
   ExporterClient clients[EXPORTER_CLIENTS];
   Backend* backend;       /* for the probes' health, set by Exporter_attach */
} Exporter;

/* Binds and listens on settings->listen; NULL with *err (a bad address, a
 * busy port). Before the log is opened and anything loaded. */
Exporter* Exporter_open(const Settings* settings, char** err);
void Exporter_close(Exporter* this);

/* Serves the monitor's samples from now on (Monitor.hook). */
void Exporter_attach(Exporter* this, Monitor* monitor);

#endif
