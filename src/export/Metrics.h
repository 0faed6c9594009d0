/*
 * Metrics.h: what the endpoint exports, aggregated by label set rather
 * than per connection (docs/tcptop.8, METRICS): counters of bytes, packets
 * and retransmits folded in at every sample from each row's growth since
 * the last one, so they never go down when a connection closes or its row
 * is forgotten, and a row whose process is learned later moves on to its
 * new labels without taking back what was counted; gauges of connections
 * by state; an RTT histogram; lost events and the probes' health. A cap
 * on the label sets sends later ones to `other`.
 */
#ifndef TCPTOP_METRICS_H
#define TCPTOP_METRICS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/Backend.h"
#include "core/Conn.h"
#include "core/XUtils.h"
#include "export/Labels.h"

#define METRICS_RTT_BUCKETS 15
#define METRICS_PROBES 64

typedef struct MetricsSeries_ {
   char* labels;                 /* `proto="tcp",comm="curl"` */
   uint64_t bytes[2];            /* [0] tx, [1] rx */
   uint64_t packets[2];
   uint64_t retransmits;
} MetricsSeries;

/* What was counted of one row, by its key. */
typedef struct MetricsRow_ {
   ConnKey key;
   bool used;
   bool closedCounted;
   int series;                   /* its final label set; -1 while the process is unknown */
   uint64_t bytes[2], packets[2], retransmits;
} MetricsRow;

typedef struct MetricsRows_ {
   MetricsRow* slots;
   size_t cap;                   /* a power of two */
} MetricsRows;

typedef struct MetricsProbe_ {
   char name[64];
   char status[32];
   bool ok, hasRuns;
   uint64_t runs;
} MetricsProbe;

typedef struct Metrics_ {
   Labels labels;
   int maxGroups;                /* label sets: max_series / 2 (tx and rx) */
   int regular;                  /* label sets that are not `other` */
   MetricsSeries* series;
   int nSeries, capSeries;
   int* index;                   /* series by hash of labels; -1 empty */
   size_t indexCap;
   MetricsRows rows, next;       /* this sample's and the one being built */
   uint64_t opened[2], closed[2];   /* [0] tcp, [1] udp */
   int byState[2][CONN_CLOSED + 1];
   uint64_t rtt[METRICS_RTT_BUCKETS + 1];   /* per bucket (not cumulative), +Inf last */
   uint64_t rttCount;
   double rttSum;
   uint64_t lost;
   MetricsProbe probes[METRICS_PROBES];
   int nProbes;
   int samples;
} Metrics;

/* 0, or -1 with *err ([export] values). */
int Metrics_init(Metrics* this, const Settings* settings, char** err);
void Metrics_done(Metrics* this);

/* Folds one sample in: the rows (closed ones until forgotten), what was
 * lost since the start, the backend's probes. */
void Metrics_sample(Metrics* this, Conn** rows, size_t n, uint64_t lost, Backend* backend);

/* The exposition: Prometheus text 0.0.4, or OpenMetrics 1.0.0 (# EOF). */
void Metrics_render(const Metrics* this, Buf* out, bool openMetrics);

#endif
