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

# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CONNS=50000 WINDOW=20 ROUNDS=2 BASE="" PER=10000 SETTLE=3
PROGRAMS="flow_ingress sock_send sock_recv tcp_state tcp_open sock_release"
NS="tcptop-bench-sample-$$"

cleanup() {
   bench_stop
}

# measure BINARY FILE: "CPU_S WALL_S RSS_KB" of one run over the window into
# FILE (run in this shell, not in $(...): the clean-up must see TCPTOP_PID).
measure() {
   batch_window "$1" "$WORK/tcptop.err" "$1" -b -d 1 --format csv --cache-dir "$WORK/cache"
   echo "$WIN" | awk '{ printf "%.2f %.2f %d\n", $2, $5, $7 }' >"$2"
}

# option LETTER VALUE: one option (bench_options).
option() {
   case $1 in
      B) BASE=$2 ;;
      n) CONNS=$2 ;;
      d) WINDOW=$2 ;;
      r) ROUNDS=$2 ;;
   esac
}

main() {
   bench_options "B:n:d:r:" "$@"
   [ -n "$BASE" ] && [ -x "$BASE" ] || die "-B wants the baseline tcptop binary (e.g. main's build), not '$BASE'"
   need_positive -n "$CONNS"
   need_positive -d "$WINDOW" seconds
   need_positive -r "$ROUNDS"
   skip_unless_root
   need_tcptop ""
   need_cmd bpftool
   bench_scratch
   load_setup
   nofile_raise
   [ "$PER" -le "$NOFILE_PER" ] || PER=$NOFILE_PER
   tcptop_banner
   echo "baseline: $BASE"
   hold_to "$CONNS" "$PER"
   echo "held: $CONNS connections ($((2 * CONNS)) sockets) in ${#HOLD_PIDS[@]} processes; ${WINDOW} s windows, $ROUNDS rounds"
   local r base=0 mine=0 b m
   for ((r = 1; r <= ROUNDS; r++)); do
      measure "$BASE" "$WORK/base"; measure "$TCPTOP_BIN" "$WORK/mine"
      b=$(cat "$WORK/base"); m=$(cat "$WORK/mine")
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
