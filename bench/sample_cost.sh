#!/usr/bin/env bash
# sample_cost.sh: CPU of `tcptop -b -d 1 --format csv > /dev/null` with N
# held connections, this tree's tcptop against a baseline binary, measured
# in the same run over the same connections.
#
#   bench/sample_cost.sh -B BASELINE [-n CONNS] [-d SECONDS] [-r ROUNDS]
#
#   -B BASELINE  the tcptop binary to compare with (e.g. main's build)
#   -n CONNS     connections held (default 50000: 100,000 rows)
#   -d SECONDS   each measuring window (default 20)
#   -r ROUNDS    baseline / this tree alternated ROUNDS times (default 2)
#
# In a private network namespace, `netgen hold` processes (bench/netgen.c)
# of 10,000 connections each (server ports 5001, 5002, ...) write 16 bytes
# on a different tenth of their connections every second. Each binary runs
# alone in turn; its CPU is utime + stime from /proc/PID/stat over the
# window, read once its probes are attached and 3 s have passed (the
# seeding and first samples left out). Prints each round, the sums and the
# ratio this tree / baseline. Exits 0 when not root (skipped); 1 on set-up
# errors. Environment: TCPTOP (this tree's binary; default the build's), CC.

set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(dirname "$BENCH_DIR")
# shellcheck source=bench/lib.sh
. "$BENCH_DIR/lib.sh"

CONNS=50000 WINDOW=20 ROUNDS=2 BASE="" PER=10000 PORT0=5000 SETTLE=3
PROGRAMS="flow_ingress sock_send sock_recv tcp_state tcp_open sock_release"
NS="tcptop-bench-sample-$$"
WORK="" NS_MADE="" HOLD_PID="" HOLD_PIDS="" TCPTOP_PID="" FG_PID=""

usage() {
   sed -n '2,/^$/s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
}

die() {
   echo "sample_cost.sh: $*" >&2
   exit 1
}

cleanup() {
   local p
   stop "$FG_PID" TERM || true
   stop "$TCPTOP_PID" INT || true
   for p in $HOLD_PIDS $HOLD_PID; do stop "$p" TERM || true; done
   TCPTOP_PID="" HOLD_PID="" HOLD_PIDS=""
   drop_scratch
}

# measure BINARY: "CPU_S WALL_S RSS_KB" of one run over the window.
measure() {
   "$1" -b -d 1 --format csv --cache-dir "$WORK/cache" >/dev/null 2>"$WORK/tcptop.err" &
   TCPTOP_PID=$!
   wait_attached "$TCPTOP_PID" || die "$1 did not attach its probes: $(tail -n 5 "$WORK/tcptop.err")"
   run_fg sleep "$SETTLE"
   local m w rss
   m=$(cpu_mark "$TCPTOP_PID")
   run_fg sleep "$WINDOW"
   w=$(cpu_since "$m" "$TCPTOP_PID")
   rss=$(rss_kb "$TCPTOP_PID")
   stop "$TCPTOP_PID" INT || true
   TCPTOP_PID=""
   echo "$w" | awk -v rss="$rss" '{ printf "%.2f %.2f %d\n", $2, $5, rss }'
}

main() {
   while getopts "B:n:d:r:h" opt; do
      case $opt in
         B) BASE=$OPTARG ;;
         n) CONNS=$OPTARG ;;
         d) WINDOW=$OPTARG ;;
         r) ROUNDS=$OPTARG ;;
         h) usage; exit 0 ;;
         *) usage >&2; exit 2 ;;
      esac
   done
   [ -n "$BASE" ] && [ -x "$BASE" ] || die "-B wants the baseline tcptop binary (e.g. main's build), not '$BASE'"
   [[ "$CONNS" =~ ^[1-9][0-9]*$ ]] || die "-n wants a positive number, not '$CONNS'"
   [[ "$WINDOW" =~ ^[1-9][0-9]*$ ]] || die "-d wants a positive number of seconds, not '$WINDOW'"
   [[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || die "-r wants a positive number, not '$ROUNDS'"
   if [ "$(id -u)" -ne 0 ]; then
      echo "sample_cost.sh: skipped: loading eBPF probes needs root (run it with sudo)"
      exit 0
   fi
   TCPTOP_BIN=$(find_tcptop) || die "no tcptop binary${TCPTOP:+ at $TCPTOP}: build it or set TCPTOP"
   command -v bpftool >/dev/null || die "bpftool not found"
   HZ=$(getconf CLK_TCK)
   trap cleanup EXIT
   trap 'exit 130' INT
   trap 'exit 143' TERM
   WORK=$(mktemp -d)
   build_netgen "$WORK" || die "could not build bench/netgen.c: $(tail -n 5 "$WORK/build.log")"
   bench_netns "$NS" || die "cannot set up network namespace $NS"
   ulimit -n "$(ulimit -Hn)"                # this script and its children only
   [ "$PER" -le $(($(ulimit -Hn) - 100)) ] || PER=$(($(ulimit -Hn) - 100))
   tcptop_banner
   echo "baseline: $BASE"
   local left=$CONNS k=0 n
   while [ "$left" -gt 0 ]; do
      k=$((k + 1)); n=$((left < PER ? left : PER))
      hold_start $((PORT0 + k)) "$n" "$WORK/hold$k"
      HOLD_PIDS="$HOLD_PIDS $HOLD_PID"; HOLD_PID=""
      left=$((left - n))
   done
   echo "held: $CONNS connections ($((2 * CONNS)) sockets) in $k processes; ${WINDOW} s windows, $ROUNDS rounds"
   local r base=0 mine=0 b m
   for ((r = 1; r <= ROUNDS; r++)); do
      b=$(measure "$BASE"); m=$(measure "$TCPTOP_BIN")
      printf 'round %d: baseline %s CPU s (RSS %d MB), this tree %s CPU s (RSS %d MB)\n' "$r" \
         "$(echo "$b" | cut -d' ' -f1)" $(($(echo "$b" | cut -d' ' -f3) / 1024)) \
         "$(echo "$m" | cut -d' ' -f1)" $(($(echo "$m" | cut -d' ' -f3) / 1024))
      base=$(awk -v a="$base" -v b="$(echo "$b" | cut -d' ' -f1)" 'BEGIN { print a + b }')
      mine=$(awk -v a="$mine" -v b="$(echo "$m" | cut -d' ' -f1)" 'BEGIN { print a + b }')
   done
   printf 'CPU s over %d x %d s: baseline %.2f (%.2f%% of a core), this tree %.2f (%.2f%%); ratio %s\n' \
      "$ROUNDS" "$WINDOW" "$base" "$(awk -v c="$base" -v w=$((ROUNDS * WINDOW)) 'BEGIN { print 100 * c / w }')" \
      "$mine" "$(awk -v c="$mine" -v w=$((ROUNDS * WINDOW)) 'BEGIN { print 100 * c / w }')" "$(ratio "$mine" "$base")"
}

main "$@"
