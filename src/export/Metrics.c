/*
 * Metrics.c: label sets, counters folded in per sample, the exposition.
 */
#include "config.h"
#include "export/Metrics.h"

#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ConnTable.h"

/* Upper bounds in seconds, loopback to intercontinental WAN. */
static const double Metrics_rttBounds[METRICS_RTT_BUCKETS] = {
   0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
};

int Metrics_init(Metrics* this, const Settings* settings, char** err) {
   memset(this, 0, sizeof(*this));
   if (Labels_init(&this->labels, settings, err) < 0)
      return -1;
   this->maxGroups = settings->maxSeries / 2;
   this->indexCap = 64;
   this->index = xMalloc(sizeof(int) * this->indexCap);
   memset(this->index, 0xff, sizeof(int) * this->indexCap);
   return 0;
}

void Metrics_done(Metrics* this) {
   for (int i = 0; i < this->nSeries; i++)
      free(this->series[i].labels);
   free(this->series);
   free(this->index);
   free(this->rows.slots);
   free(this->next.slots);
   Labels_done(&this->labels);
   memset(this, 0, sizeof(*this));
}

static uint64_t Metrics_hashText(const char* s) {
   uint64_t h = 1469598103934665603ull;   /* FNV-1a */
   for (; *s; s++)
      h = (h ^ (unsigned char)*s) * 1099511628211ull;
   return h;
}

/* The slot of labels in the index: its series or the empty slot for it. */
static size_t Metrics_slot(const Metrics* this, const char* labels) {
   size_t mask = this->indexCap - 1;
   size_t i = Metrics_hashText(labels) & mask;
   while (this->index[i] >= 0 && strcmp(this->series[this->index[i]].labels, labels) != 0)
      i = (i + 1) & mask;
   return i;
}

static void Metrics_growIndex(Metrics* this) {
   free(this->index);
   this->indexCap *= 2;
   this->index = xMalloc(sizeof(int) * this->indexCap);
   memset(this->index, 0xff, sizeof(int) * this->indexCap);
   for (int s = 0; s < this->nSeries; s++)
      this->index[Metrics_slot(this, this->series[s].labels)] = s;
}

/* The series of a label set, made when new; -1 when the cap is reached. */
static int Metrics_series(Metrics* this, const char* labels, bool overflow) {
   size_t i = Metrics_slot(this, labels);
   if (this->index[i] >= 0)
      return this->index[i];
   if (!overflow && this->regular >= this->maxGroups - 2)
      return -1;   /* two kept for the `other` of tcp and udp */
   if (this->nSeries == this->capSeries) {
      this->capSeries = this->capSeries ? this->capSeries * 2 : 64;
      this->series = xRealloc(this->series, sizeof(MetricsSeries) * (size_t)this->capSeries);
   }
   this->series[this->nSeries] = (MetricsSeries){ .labels = xStrdup(labels) };
   this->index[i] = this->nSeries++;
   this->regular += !overflow;
   if ((size_t)this->nSeries * 2 > this->indexCap)
      Metrics_growIndex(this);
   return this->nSeries - 1;
}

/* The series a row's growth goes to now; *final: for good. */
static int Metrics_seriesOf(Metrics* this, const Conn* c, bool* final) {
   Buf b;
   Buf_init(&b);
   Labels_of(&this->labels, c, &b, final);
   int s = Metrics_series(this, Buf_cstr(&b), false);
   if (s < 0) {
      b.len = 0;
      Labels_overflow(&this->labels, c->proto == IPPROTO_UDP, &b);
      s = Metrics_series(this, Buf_cstr(&b), true);
   }
   Buf_done(&b);
   return s;
}

/* The row of key in rows (its slot, used or the empty one for it). */
static MetricsRow* MetricsRows_slot(const MetricsRows* rows, const ConnKey* key) {
   if (!rows->cap)
      return NULL;
   size_t mask = rows->cap - 1;
   for (size_t i = ConnKey_hash(key) & mask;; i = (i + 1) & mask) {
      MetricsRow* r = &rows->slots[i];
      if (!r->used || memcmp(&r->key, key, sizeof(*key)) == 0)
         return r;
   }
}

/* The next table, empty, with room for n rows at most half full. */
static void Metrics_prepareNext(Metrics* this, size_t n) {
   size_t cap = 64;
   while (cap < 2 * n)
      cap *= 2;
   if (this->next.cap != cap) {
      free(this->next.slots);
      this->next.slots = xMalloc(sizeof(MetricsRow) * cap);
      this->next.cap = cap;
   }
   memset(this->next.slots, 0, sizeof(MetricsRow) * cap);
}

static uint64_t Metrics_growth(uint64_t now, uint64_t* counted) {
   uint64_t d = now >= *counted ? now - *counted : 0;   /* never back */
   *counted = now > *counted ? now : *counted;
   return d;
}

static void Metrics_observeRtt(Metrics* this, uint32_t rttUs) {
   double s = rttUs / 1e6;
   int b = 0;
   while (b < METRICS_RTT_BUCKETS && s > Metrics_rttBounds[b])
      b++;
   this->rtt[b]++;
   this->rttCount++;
   this->rttSum += s;
}

/* One row: opened/closed, its growth into its series, state, RTT. */
static void Metrics_row(Metrics* this, const Conn* c) {
   int udp = c->proto == IPPROTO_UDP;
   ConnKey key = Conn_key(c);
   const MetricsRow* old = MetricsRows_slot(&this->rows, &key);
   MetricsRow* r = MetricsRows_slot(&this->next, &key);
   if (old && old->used)
      *r = *old;
   else
      *r = (MetricsRow){ .key = key, .used = true, .series = -1 };
   if (!(old && old->used) && !(c->seeded && this->samples == 0))
      this->opened[udp]++;
   bool final = r->series >= 0;
   int s = final ? r->series : Metrics_seriesOf(this, c, &final);
   r->series = final ? s : -1;
   MetricsSeries* series = &this->series[s];
   series->bytes[0] += Metrics_growth(c->txBytes, &r->bytes[0]);
   series->bytes[1] += Metrics_growth(c->rxBytes, &r->bytes[1]);
   series->packets[0] += Metrics_growth(c->txPackets, &r->packets[0]);
   series->packets[1] += Metrics_growth(c->rxPackets, &r->packets[1]);
   series->retransmits += Metrics_growth(c->retrans, &r->retransmits);
   if (c->state == CONN_CLOSED) {
      this->closed[udp] += !r->closedCounted;
      r->closedCounted = true;
      return;
   }
   if (c->state < CONN_CLOSED)   /* state is a uint8_t */
      this->byState[udp][c->state]++;
   if (!udp && c->rttUs && (c->txRate > 0 || c->rxRate > 0))
      Metrics_observeRtt(this, c->rttUs);
}

static void Metrics_probes(Metrics* this, Backend* backend) {
   BackendProbe p[METRICS_PROBES];
   this->nProbes = backend ? Backend_probes(backend, p, METRICS_PROBES) : 0;
   for (int i = 0; i < this->nProbes; i++) {
      MetricsProbe* m = &this->probes[i];
      snprintf(m->name, sizeof(m->name), "%s", p[i].name);
      snprintf(m->status, sizeof(m->status), "%s", p[i].status);
      m->ok = p[i].ok;
      m->hasRuns = p[i].hasRuns;
      m->runs = p[i].runs;
   }
}

void Metrics_sample(Metrics* this, Conn** rows, size_t n, uint64_t lost, Backend* backend) {
   Metrics_prepareNext(this, n);
   memset(this->byState, 0, sizeof(this->byState));
   for (size_t i = 0; i < n; i++)
      Metrics_row(this, rows[i]);
   MetricsRows t = this->rows;   /* rows not seen again (forgotten) go with the old table */
   this->rows = this->next;
   this->next = t;
   this->lost = lost > this->lost ? lost : this->lost;
   Metrics_probes(this, backend);
   this->samples++;
}

/* HELP and TYPE; OpenMetrics names a counter's family without _total. */
static void Metrics_family(Buf* out, const char* name, const char* type, const char* help, bool om) {
   size_t len = strlen(name);
   bool total = strcmp(type, "counter") == 0 && len > 6 && strcmp(name + len - 6, "_total") == 0;
   int shown = om && total ? (int)len - 6 : (int)len;
   Buf_printf(out, "# HELP %.*s %s\n# TYPE %.*s %s\n", shown, name, help, shown, name, type);
}

static const char* const Metrics_directions[2] = { "tx", "rx" };

/* bytes, packets: one line per series and direction. */
static void Metrics_perDirection(const Metrics* this, Buf* out, const char* name, size_t offset) {
   for (int s = 0; s < this->nSeries; s++) {
      const uint64_t* v = (const uint64_t*)(const void*)((const char*)&this->series[s] + offset);
      for (int d = 0; d < 2; d++)
         Buf_printf(out, "%s{%s,direction=\"%s\"} %llu\n", name, this->series[s].labels, Metrics_directions[d],
                    (unsigned long long)v[d]);
   }
}

static void Metrics_renderTraffic(const Metrics* this, Buf* out, bool om) {
   Metrics_family(out, "tcptop_bytes_total", "counter",
                  "Payload bytes sent (tx) and received (rx), by process name; closed connections included.", om);
   Metrics_perDirection(this, out, "tcptop_bytes_total", offsetof(MetricsSeries, bytes));
   Metrics_family(out, "tcptop_packets_total", "counter", "Packets sent (tx) and received (rx), by process name.", om);
   Metrics_perDirection(this, out, "tcptop_packets_total", offsetof(MetricsSeries, packets));
   Metrics_family(out, "tcptop_retransmits_total", "counter", "TCP segments retransmitted (direction tx).", om);
   for (int s = 0; s < this->nSeries; s++)
      Buf_printf(out, "tcptop_retransmits_total{%s,direction=\"tx\"} %llu\n", this->series[s].labels,
                 (unsigned long long)this->series[s].retransmits);
}

static void Metrics_renderConnections(const Metrics* this, Buf* out, bool om) {
   static const char* const protos[2] = { "tcp", "udp" };
   Metrics_family(out, "tcptop_connections", "gauge", "Open TCP connections and UDP flows by state, at the last sample.", om);
   for (int p = 0; p < 2; p++) {
      for (int st = 0; st < CONN_CLOSED; st++) {
         bool known = p == 0 ? st >= CONN_ESTABLISHED && st <= CONN_NEW_SYN_RECV
                             : st == CONN_UDP_ACTIVE || st == CONN_UDP_IDLE;
         if (known)
            Buf_printf(out, "tcptop_connections{proto=\"%s\",state=\"%s\"} %d\n", protos[p], Conn_stateName(st),
                       this->byState[p][st]);
      }
   }
   Metrics_family(out, "tcptop_connections_opened_total", "counter", "Connections and flows seen opening.", om);
   for (int p = 0; p < 2; p++)
      Buf_printf(out, "tcptop_connections_opened_total{proto=\"%s\"} %llu\n", protos[p], (unsigned long long)this->opened[p]);
   Metrics_family(out, "tcptop_connections_closed_total", "counter", "Connections closed and UDP flows expired.", om);
   for (int p = 0; p < 2; p++)
      Buf_printf(out, "tcptop_connections_closed_total{proto=\"%s\"} %llu\n", protos[p], (unsigned long long)this->closed[p]);
}

static void Metrics_renderRtt(const Metrics* this, Buf* out, bool om) {
   Metrics_family(out, "tcptop_rtt_seconds", "histogram",
                  "Smoothed RTT of each TCP connection with traffic, observed once per sample.", om);
   uint64_t cumulative = 0;
   for (int b = 0; b < METRICS_RTT_BUCKETS; b++) {
      cumulative += this->rtt[b];
      Buf_printf(out, "tcptop_rtt_seconds_bucket{le=\"%g\"} %llu\n", Metrics_rttBounds[b], (unsigned long long)cumulative);
   }
   Buf_printf(out, "tcptop_rtt_seconds_bucket{le=\"+Inf\"} %llu\n", (unsigned long long)this->rttCount);
   Buf_printf(out, "tcptop_rtt_seconds_sum %.9g\ntcptop_rtt_seconds_count %llu\n", this->rttSum,
              (unsigned long long)this->rttCount);
}

static void Metrics_renderHealth(const Metrics* this, Buf* out, bool om) {
   Metrics_family(out, "tcptop_lost_events_total", "counter",
                  "Events the probes could not deliver, or packets the capture dropped.", om);
   Buf_printf(out, "tcptop_lost_events_total %llu\n", (unsigned long long)this->lost);
   Metrics_family(out, "tcptop_probe_up", "gauge", "1 when the probe is attached and running; its status as a label.", om);
   for (int i = 0; i < this->nProbes; i++)
      Buf_printf(out, "tcptop_probe_up{probe=\"%s\",status=\"%s\"} %d\n", this->probes[i].name, this->probes[i].status,
                 this->probes[i].ok);
   Metrics_family(out, "tcptop_probe_runs_total", "counter",
                  "Runs of the probe's programs since the load (with --probe-stats).", om);
   for (int i = 0; i < this->nProbes; i++) {
      if (this->probes[i].hasRuns)
         Buf_printf(out, "tcptop_probe_runs_total{probe=\"%s\"} %llu\n", this->probes[i].name,
                    (unsigned long long)this->probes[i].runs);
   }
}

void Metrics_render(const Metrics* this, Buf* out, bool openMetrics) {
   Metrics_renderTraffic(this, out, openMetrics);
   Metrics_renderConnections(this, out, openMetrics);
   Metrics_renderRtt(this, out, openMetrics);
   Metrics_renderHealth(this, out, openMetrics);
   if (openMetrics)
      Buf_appendStr(out, "# EOF\n");
}
