#!/usr/bin/env bash
# conns.sh: user-space CPU of tcptop with 10,000 concurrent TCP connections at
# a 1 s interval, against `ss -tin` once per second as a baseline measured in
# the same run.
#
#   bench/conns.sh [-c N] [-d SECONDS]
#
#   -c N         concurrent loopback connections (default 10000)
#   -d SECONDS   measuring window of each configuration (default 20)
#
# In a private network namespace, bench/netgen.c (`netgen hold`) opens N
# loopback connections, both ends in the one process (2N sockets), and every
# second writes 16 bytes on a different tenth of them, so rates change. Then,
# one after the other, over the same window:
#   1. tcptop -b -d 1 --format csv > /dev/null
#   2. the same with --log FILE (a temporary file)
#   3. the baseline: `ss -tin` in that namespace once per second, > /dev/null
# tcptop's CPU is utime + stime from /proc/PID/stat, read once its probes are
# attached and its first intervals (the sock_diag seeding of the existing
# connections) are out of the way, and again SECONDS later: the start-up
# compile is not in it. The baseline's is the CPU of the ss processes (bash's
# `times`). Before that, one tcptop interval is captured as CSV and its rows
# for the namespace's connections are counted (2 rows per connection: both
# ends are local).
#
# Prints % of one core, the ratio to the baseline, and the target: tcptop at
# most 2% of one core. Exits 0 when a target is missed and when not root
# (skipped); 1 on set-up errors.
#
# Environment: TCPTOP (binary; default: the build tree's), CC (default gcc).

set -euo pipefail

# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CONNS=10000
WINDOW=20
SETTLE=3                                  # seconds after the probes are attached before the window
PORT=5001
TARGET_PCT=2.0

NS="tcptop-bench-conns-$$"

cleanup() {
   bench_stop
}

# measure_tcptop NAME [TCPTOP_OPTION]...: % of one core over the window,
# written to $WORK/NAME as "PCT CPU_S WALL_S RSS_KB LIFETIME_S USER_S SYS_S".
measure_tcptop() {
   local name=$1 start
   shift
   start=$(now)
   batch_window "tcptop ($name)" "$WORK/tcptop-$name.err" "$TCPTOP_BIN" -b -d 1 --format csv "$@"
   echo "$WIN" | awk -v start="$start" -v end="$(now)" \
      '{ printf "%s %s %s %d %.3f %s %s\n", $1, $2, $5, $7, end - start, $3, $4 }' >"$WORK/$name"
}

# The baseline: ss -tin in the namespace once per second for the window; the
# CPU of its processes from bash's `times` (children: second line).
measure_ss() {
   run_fg ip netns exec "$NS" bash -c '
      for ((i = 0; i < $1; i++)); do ss -tin >/dev/null; sleep 1; done
      times' ss-loop "$WINDOW" >"$WORK/ss.times" || die "the ss baseline failed"
   awk -v n="$WINDOW" '
      function secs(s,   m) { m = s; sub(/m.*/, "", m); sub(/^[0-9]+m/, "", s); sub(/s$/, "", s); return m * 60 + s }
      NR == 2 { cpu = secs($1) + secs($2); printf "%.3f %.3f %d\n", 100 * cpu / n, cpu, n }' "$WORK/ss.times" >"$WORK/ss"
}

# count_rows: one interval of tcptop's CSV output, its rows for our port.
count_rows() {
   run_fg "$TCPTOP_BIN" -b -d 1 -n 2 --format csv --columns time,proto,lport,rport >"$WORK/capture.csv" 2>"$WORK/capture.err" ||
      die "tcptop (capture) failed: $(tail -n 5 "$WORK/capture.err")"
   # the second interval (the first is printed at once, right after seeding)
   awk -F, -v port="$PORT" 'NR > 1 { if ($1 != t) { t = $1; n++; all = 0; ours = 0 }
                                     all++; if ($3 == port || $4 == port) ours++ }
                            END { print ours + 0, all + 0, n + 0 }' "$WORK/capture.csv"
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
   [ "$CONNS" -le 25000 ] || die "-c: at most 25000 (two local ports per connection)"

   skip_unless_root
   need_tcptop
   CC=${CC:-gcc}
   need_cmd "$CC" "set CC"
   need_cmd bpftool
   need_cmd ss iproute2

   bench_scratch
   load_setup

   tcptop_banner
   echo "machine: $(uname -sr), $(nproc) CPUs; $CONNS connections, ${WINDOW} s windows"

   hold_start "$PORT" "$CONNS" "$WORK/hold.out"
   local established
   established=$(ip netns exec "$NS" ss -Htn state established | wc -l)
   echo "open:    $established established sockets in the namespace ($CONNS connections, both ends)"

   local rows
   rows=$(count_rows)
   set -- $rows
   local ours=$1 all=$2
   echo "capture: $ours CSV rows for the namespace's connections in one interval (expected $((2 * CONNS)): one per end), $all rows in all"

   echo -n "measuring ($WINDOW s each): tcptop"
   measure_tcptop csv
   echo -n ", tcptop --log"
   measure_tcptop log --log "$WORK/log.csv"
   local logsize
   logsize=$(stat -c %s "$WORK/log.csv")
   echo -n ", ss -tin"
   measure_ss
   echo

   local csv_pct log_pct ss_pct
   csv_pct=$(awk '{ print $1 }' "$WORK/csv")
   log_pct=$(awk '{ print $1 }' "$WORK/log")
   ss_pct=$(awk '{ print $1 }' "$WORK/ss")
   echo
   printf '%-42s %12s %8s %14s %7s %9s\n' "CPU over ${WINDOW} s, $CONNS connections" "% of a core" "CPU s" "(user + sys)" "RSS MB" "x ss -tin"
   printf '%-42s %12s %8s %14s %7s %9s\n' "ss -tin once per second (baseline)" "$(pct "$ss_pct")" "$(awk '{ print $2 }' "$WORK/ss")" "" "" "1.00"
   local name label p
   for name in csv log; do
      case $name in
         csv) label="tcptop -b -d 1 --format csv > /dev/null"; p=$csv_pct ;;
         log) label="tcptop ... --log FILE"; p=$log_pct ;;
      esac
      printf '%-42s %12s %8s %14s %7s %9s   (target <= %s%%) %s\n' "$label" "$(pct "$p")" \
             "$(awk '{ print $2 }' "$WORK/$name")" "$(awk '{ printf "(%s + %s)", $6, $7 }' "$WORK/$name")" \
             "$(awk '{ printf "%.1f", $4 / 1024 }' "$WORK/$name")" "$(ratio "$p" "$ss_pct")" "$TARGET_PCT" "$(verdict "$p" "$TARGET_PCT")"
   done
   local expected=$((2 * CONNS)) rows_label
   rows_label=$(awk -v o="$ours" -v e="$expected" 'BEGIN { print (o >= e * 0.99 && o <= e * 1.01) ? "OK" : "MISSED" }')
   printf '%-42s %12s   (expected %d) %s\n' "CSV rows per interval, these connections" "$ours" "$expected" "$rows_label"
   cat <<EOF

% of a core = (utime + stime) / wall time over the window, from /proc/PID/stat
($HZ ticks/s), read $SETTLE s after the probes were attached (start-up and the
first intervals left out). ss: CPU of the ss processes, one run per second,
divided by the window. RSS = VmRSS at the end of the window. The log grew by
$(awk -v b="$logsize" '{ printf "%.0f", b / 1024 / $5 }' "$WORK/log") KiB/s ($((logsize / 1024)) KiB in all).
EOF
   local f
   for f in "$WORK"/tcptop-*.err; do
      if [ -s "$f" ]; then
         echo "$(basename "$f" .err) stderr:"
         sed 's/^/  /' "$f" | tail -n 10
      fi
   done
}

main "$@"
