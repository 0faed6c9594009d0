#!/usr/bin/env bash
# export.sh: the metrics endpoint (--listen) at 10,000 connections, scraped
# every second by a real Prometheus server, beside node_exporter scraped by
# the same server in the same run.
#
#   bench/export.sh [-c N] [-d SECONDS]
#
#   -c N         concurrent loopback connections held (default 10000)
#   -d SECONDS   measuring window (default 30)
#
# In a private network namespace: bench/netgen.c `netgen hold` keeps N
# loopback connections (both ends in it: 2N rows) and writes on a tenth of
# them every second; tcptop --listen runs headless there ([export] labels =
# service, max_series 1000) and so does prometheus-node-exporter (its
# default collectors); Debian's prometheus scrapes both every second
# (scrape_timeout 1s). Over the window:
#   - scrape time of each, from Prometheus's own scrape_duration_seconds
#     (mean and max), and their ratio tcptop / node_exporter;
#   - tcptop's CPU (utime + stime from /proc/PID/stat, read once its probes
#     are attached and the first samples are past), node_exporter's too;
#   - the exposition's size and series, from curl.
# Then a fan-out to 600 remote ports (tests/root/traffic.py fanout) fills
# the series cap: the exposition's size at the cap, and its scrape time.
#
# Exits 0 (also when not root: skipped); 1 on set-up errors.
# Environment: TCPTOP (binary; default: the build tree's), CC (default gcc).

set -euo pipefail

# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CONNS=10000
WINDOW=30
SETTLE=3
PORT=5001
TCPTOP_PORT=9824   # below the ephemeral range (bench_netns: 10000-65000), which
                   # the held connections fill
NODE_PORT=9100
PROM_PORT=9090

NS="tcptop-bench-export-$$"
NODE_PID=""
PROM_PID=""

cleanup() {
   stop "$PROM_PID" TERM || true
   stop "$NODE_PID" TERM || true
   stop "$TCPTOP_PID" TERM || true      # --listen: TERM, not bench_stop's INT
   PROM_PID=""; NODE_PID=""; TCPTOP_PID=""
   bench_stop
}

# In the namespace, for what runs in the foreground; what runs in the
# background is started with ip netns exec itself, which execs, so that $!
# is the program's PID (for its CPU and for stop).
in_ns() {
   ip netns exec "$NS" "$@"
}

# query EXPR: the value of a one-series answer of Prometheus, or "n/a".
query() {
   in_ns python3 - "$PROM_PORT" "$1" <<'PY'
import json, sys, urllib.parse, urllib.request
url = "http://127.0.0.1:%s/api/v1/query?query=%s" % (sys.argv[1], urllib.parse.quote(sys.argv[2]))
try:
    r = json.load(urllib.request.urlopen(url, timeout=5))["data"]["result"]
    print(r[0]["value"][1] if len(r) == 1 else "n/a")
except Exception:
    print("n/a")
PY
}

# exposition PORT: "BYTES SERIES SECONDS" of one scrape by curl.
exposition() {
   in_ns curl -s -o "$WORK/scrape" -w '%{size_download} %{time_total}\n' "http://127.0.0.1:$1/metrics" |
      awk -v f="$WORK/scrape" '{ n = 0; while ((getline l < f) > 0) if (l !~ /^#/) n++; print $1, n, $2 }'
}

# wait_http PORT PID WHAT: until /metrics answers (120 s).
wait_http() {
   local i
   for ((i = 0; i < 1200; i++)); do
      in_ns curl -sf -o /dev/null "http://127.0.0.1:$1/metrics" && return 0
      kill -0 "$2" 2>/dev/null || die "$3 exited: $(tail -n 5 "$WORK/$3.err")"
      sleep 0.1
   done
   die "$3 did not answer on port $1"
}

start_servers() {
   printf '[export]\nlabels = service\nmax_series = 1000\n' >"$WORK/tcptop.conf"
   # nsenter --net: only the network; ip netns exec would hide the cgroup v2 mount the probes attach to
   tcptop_start tcptop "$WORK/tcptop.out" "$WORK/tcptop.err" \
      nsenter --net="/run/netns/$NS" "$TCPTOP_BIN" --listen "127.0.0.1:$TCPTOP_PORT" -c "$WORK/tcptop.conf"
   wait_http "$TCPTOP_PORT" "$TCPTOP_PID" tcptop
   ip netns exec "$NS" prometheus-node-exporter --web.listen-address="127.0.0.1:$NODE_PORT" >"$WORK/node.out" 2>"$WORK/node.err" &
   NODE_PID=$!
   wait_http "$NODE_PORT" "$NODE_PID" node
   cat >"$WORK/prometheus.yml" <<YML
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: tcptop
    static_configs: [ { targets: ['127.0.0.1:$TCPTOP_PORT'] } ]
  - job_name: node
    static_configs: [ { targets: ['127.0.0.1:$NODE_PORT'] } ]
YML
   ip netns exec "$NS" prometheus --config.file="$WORK/prometheus.yml" --storage.tsdb.path="$WORK/tsdb" \
      --web.listen-address="127.0.0.1:$PROM_PORT" >"$WORK/prom.log" 2>&1 &
   PROM_PID=$!
   local i
   for ((i = 0; i < 600; i++)); do
      [ "$(query 'sum(up)')" = 2 ] && return 0
      sleep 0.1
   done
   die "prometheus does not scrape both targets: $(tail -n 3 "$WORK/prom.log")"
}

# The window: CPU of tcptop and node_exporter; "PCT CPU_S" in $WORK/cpu-NAME.
measure() {
   local a b
   a=$(cpu_mark "$TCPTOP_PID"); b=$(cpu_mark "$NODE_PID")
   run_fg sleep "$WINDOW"
   cpu_since "$a" "$TCPTOP_PID" | awk '{ print $1, $2 }' >"$WORK/cpu-tcptop"
   cpu_since "$b" "$NODE_PID" | awk '{ print $1, $2 }' >"$WORK/cpu-node"
}

# scrape_line JOB LABEL EXPOSITION: a row of the table.
scrape_line() {
   local mean max
   mean=$(query "avg_over_time(scrape_duration_seconds{job=\"$1\"}[${WINDOW}s])")
   max=$(query "max_over_time(scrape_duration_seconds{job=\"$1\"}[${WINDOW}s])")
   set -- "$1" "$2" $3
   printf '%-34s %10s %10s %10s %8s\n' "$2" "$(awk -v x="$mean" 'BEGIN { printf "%.2f", x * 1000 }')" \
      "$(awk -v x="$max" 'BEGIN { printf "%.2f", x * 1000 }')" "$3" "$4"
   echo "$mean" >"$WORK/mean-$1"
}

# option LETTER VALUE: one option (bench_options).
option() {
   case $1 in
      c) CONNS=$2 ;;
      d) WINDOW=$2 ;;
   esac
}

main() {
   bench_options "c:d:" "$@"
   need_positive -c "$CONNS"
   need_positive -d "$WINDOW" seconds
   skip_unless_root
   need_tcptop ""
   local c
   for c in prometheus prometheus-node-exporter curl bpftool "${CC:-gcc}"; do
      need_cmd "$c" "scripts/install-deps installs it"
   done
   bench_scratch
   load_setup
   tcptop_banner
   echo "machine: $(uname -sr), $(nproc) CPUs; $CONNS connections, ${WINDOW} s window, scrapes every 1 s"

   hold_start "$PORT" "$CONNS" "$WORK/hold.out"
   start_servers
   run_fg sleep "$SETTLE"
   local tcptop_exp node_exp
   tcptop_exp=$(exposition "$TCPTOP_PORT")
   node_exp=$(exposition "$NODE_PORT")
   echo "open: $(in_ns ss -Htn state established | wc -l) established sockets; measuring $WINDOW s"
   measure
   echo "tcptop's rows: $(query 'sum(tcptop_connections)') open connections and flows at the last sample (the eBPF backend sees every namespace: other traffic on the machine counts too)"
   echo
   printf '%-34s %10s %10s %10s %8s\n' "scrapes by Prometheus, 1 s" "mean ms" "max ms" "bytes" "series"
   scrape_line tcptop "tcptop --listen" "$tcptop_exp"
   scrape_line node "node_exporter (baseline)" "$node_exp"
   printf '%-34s %10s\n' "scrape time, tcptop / node_exporter" "$(ratio "$(cat "$WORK/mean-tcptop")" "$(cat "$WORK/mean-node")")"
   echo
   printf '%-34s %12s %8s\n' "CPU over the window" "% of a core" "CPU s"
   printf '%-34s %12s %8s\n' "tcptop (sampling + serving)" "$(pct "$(awk '{ print $1 }' "$WORK/cpu-tcptop")")" "$(awk '{ print $2 }' "$WORK/cpu-tcptop")"
   printf '%-34s %12s %8s\n' "node_exporter" "$(pct "$(awk '{ print $1 }' "$WORK/cpu-node")")" "$(awk '{ print $2 }' "$WORK/cpu-node")"

   # the cap: 600 remote ports below the namespace's ephemeral range (10000),
   # each a label set of its own (service)
   in_ns "$(find_python)" "$REPO_DIR/tests/root/traffic.py" fanout 6000 600 100 >/dev/null || die "the fan-out failed"
   run_fg sleep 3
   local capped others
   capped=$(exposition "$TCPTOP_PORT")
   others=$(grep -c 'comm="other"' "$WORK/scrape" || true)
   set -- $capped
   echo
   echo "at the cap (max_series 1000, after a fan-out to 600 ports): $1 bytes, $2 series ($others with comm=\"other\"), one curl scrape $(awk -v t="$3" 'BEGIN { printf "%.2f", t * 1000 }') ms"
   cat <<EOF

Scrape times are Prometheus's scrape_duration_seconds over the window (its
HTTP request, the exposition and its parsing), both targets in the same
network namespace and the same run. CPU = (utime + stime) / wall time from
/proc/PID/stat ($HZ ticks/s), read $SETTLE s after the endpoint answered.
EOF
   [ -s "$WORK/tcptop.err" ] && { echo "tcptop stderr:"; sed 's/^/  /' "$WORK/tcptop.err" | tail -n 5; }
   return 0
}

main "$@"
