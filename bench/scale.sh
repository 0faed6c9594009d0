#!/usr/bin/env bash
# scale.sh: tcptop with 200,000 established connections (400,000 rows: both
# ends are local) and a fast churn, against `ss -tin` in the same run.
#
#   bench/scale.sh [-n CONNS] [-C LIST] [-d SECONDS] [-r RATE] [-p PER]
#
#   -n CONNS     connections held at the top of the run (default 200000)
#   -C LIST      the cost curve: connection counts, comma-separated
#                (default 10000,50000,100000,200000; those above CONNS dropped)
#   -d SECONDS   each measuring window (default 10)
#   -r RATE      bench/churn.sh's connections per second afterwards
#                (default 10000; 0: no churn)
#   -p PER       connections per netgen hold process (default 10000, at most
#                the hard RLIMIT_NOFILE less 100: each process holds PER
#                sockets, its server child as many)
#
# In a private network namespace, `netgen hold` processes (bench/netgen.c) of
# PER connections each, on server ports 5001, 5002, ..., every second write
# 16 bytes on a different tenth of their connections (rates and the order
# change each interval). The open-file limit is raised to its hard limit in
# this script only. tcptop runs with --max-tcp-connections 2*CONNS+65536 (the
# default 262,144 is below 400,000 sockets). Measured, one after the other:
#   - the cost curve: at each count of LIST (connections added as it goes),
#     `tcptop -b -d 1 --format csv > /dev/null`, CPU over the window;
#   - at CONNS: that run again (target <= 10% of one core) with its RSS at
#     the start and end of the window (target <= 120 MB); `ss -tin` once a
#     second over the window, the baseline (user + sys of ss and the loop);
#     `-b -d 1 --format csv --log FILE` (target <= 15%), and the most rows
#     of one interval of FILE (target: all 2*CONNS); the screen in tmux
#     (200 x 50, target <= 5%); then a screen at -d 60 (no redraw but the
#     keys') and each key's redraw latency, from tmux send-keys to the pane
#     changing, polled every 2 ms (target <= 50 ms): a sort change (>), a
#     filter (/5001 Enter), page down, the filter cleared (Escape);
#   - the kernel's memory for the sockets (MemAvailable before and held);
#   - the churn: bench/churn.sh -r RATE -d 10 (every connection logged with
#     its bytes, 0 lost events), once the connections are closed.
# CPU is utime + stime from /proc/PID/stat, over a window that starts
# SETTLE seconds after a first interval of every row: -b has written 40
# bytes a row (wchar), the screen shows them all. Seeding 400,000 sockets
# older than tcptop takes seconds, and a window that took it in measured
# the start-up, not the sampling.
#
# Exits 0 when a target is missed and when not root (skipped); 1 on set-up
# errors. Environment: TCPTOP (binary; default: the build tree's), CC.

set -euo pipefail

# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CONNS=200000
CURVE=10000,50000,100000,200000
WINDOW=10
CHURN_RATE=10000
PER=10000
SETTLE=4                                  # seconds after attach: the first samples of every row

NS="tcptop-bench-scale-$$"

cleanup() {
   bench_stop 100 300
}

# window PID NAME: CPU over the window into $WORK/NAME as
# "PCT CPU_S RSS_START_KB RSS_END_KB".
window() {
   cpu_window "$1"
   echo "$WIN" | awk '{ printf "%s %s %d %d\n", $1, $2, $6, $7 }' >"$WORK/$2"
}

# batch NAME [ARGS...]: tcptop -b -d 1 --format csv ARGS > /dev/null over a window.
batch() {
   local name=$1
   shift
   tcptop_start "tcptop -b" /dev/null "$WORK/$name.err" \
      "$TCPTOP_BIN" -b -d 1 --format csv --max-tcp-connections "$MAXTCP" --cache-dir "$WORK/cache" "$@"
   # seeding the held connections (sock_diag) takes seconds at 400,000
   # sockets: the window starts after the first interval of every row
   wait_written "$TCPTOP_PID" $((2 * HELD * 40)) 300 || die "tcptop -b wrote no full interval in 300 s"
   window "$TCPTOP_PID" "$name"
   tcptop_stop 300 || true
}

# ss_baseline: `ss -tin` once a second over the window: "PCT CPU_S".
ss_baseline() {
   local t0 t1 cpu
   t0=$(now)
   cpu=$( { TIMEFORMAT='%U %S'; time (
      end=$(($(date +%s) + WINDOW))
      while [ "$(date +%s)" -lt "$end" ]; do
         ip netns exec "$NS" ss -tin >/dev/null
         sleep 1
      done ); } 2>&1 | awk '{ print $1 + $2 }')
   t1=$(now)
   awk -v c="$cpu" -v t0="$t0" -v t1="$t1" 'BEGIN { printf "%.3f %.3f 0 0\n", 100 * c / (t1 - t0), c }' >"$WORK/ss"
}

# log_rows: the most rows of one interval in the --log file.
log_rows() {
   awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "time") col = i; next }
            { n[$col]++ } END { m = 0; for (t in n) if (n[t] > m) m = n[t]; print m }' "$WORK/log.csv"
}

# screen_session NAME ARGS...: tcptop's screen in tmux session NAME.
screen_session() {
   local name=$1
   shift
   screen_start "$name" "$WORK/$name.err" "$TCPTOP_BIN" --max-tcp-connections "$MAXTCP" --cache-dir "$WORK/cache" "$@"
}

screen_quit() {
   local i
   tm send-keys -t "$1" q
   for ((i = 0; i < 100; i++)); do kill -0 "$TCPTOP_PID" 2>/dev/null || break; sleep 0.1; done
   stop "$TCPTOP_PID" INT || true
   TCPTOP_PID=""
}

# key_latency SESSION NAME KEYS...: ms from send-keys to a changed pane.
key_latency() {
   local s=$1 name=$2
   shift 2
   tm capture-pane -p -t "$s" >"$WORK/before"
   "$PY" - "$WORK/tmux.sock" "$s" "$WORK/before" "$name" "$@" >>"$WORK/keys" <<'EOF' || echo "$name timeout" >>"$WORK/keys"
import subprocess, sys, time
sock, s, before, name = sys.argv[1], sys.argv[2], open(sys.argv[3]).read(), sys.argv[4]
tm = ["tmux", "-S", sock, "-f", "/dev/null"]
t0 = time.monotonic()
subprocess.run(tm + ["send-keys", "-t", s] + sys.argv[5:], check=True)
while time.monotonic() - t0 < 5:
    if subprocess.run(tm + ["capture-pane", "-p", "-t", s], capture_output=True, text=True).stdout != before:
        print("%s %.1f" % (name, 1000 * (time.monotonic() - t0)))
        sys.exit(0)
    time.sleep(0.002)
sys.exit(1)
EOF
}

# wait_all_rows SESSION: until the screen shows every held row (seeded).
wait_all_rows() {
   local i
   for ((i = 0; i < 1200; i++)); do
      tm capture-pane -p -t "$1" | awk -v want=$((2 * CONNS)) '/Showing [0-9]+ of/ && $2 + 0 >= want { ok = 1 } END { exit !ok }' &&
         return 0
      sleep 0.1
   done
   die "the screen did not show $((2 * CONNS)) rows in 120 s"
}

measure_keys() {
   screen_session keys -d 60
   wait_all_rows keys
   tm capture-pane -p -t keys >"$WORK/keys.shot"
   : >"$WORK/keys"
   for i in 1 2 3; do
      key_latency keys sort '>'
      sleep 0.3
      key_latency keys page_down NPage
      sleep 0.3
      tm send-keys -t keys / 5 0 0 1
      sleep 0.5
      key_latency keys filter Enter
      sleep 0.3
      key_latency keys filter_cleared Escape
      sleep 0.3
   done
   screen_quit keys
}

mem_available_mb() {
   awk '/^MemAvailable:/ { printf "%d", $2 / 1024 }' /proc/meminfo
}

report_row() {   # LABEL FILE TARGET
   local p=$(field "$2" 1)
   printf '%-52s %8s %8s %10s   %s\n' "$1" "$(pct "$p")" "$(field "$2" 2)" "$(ratio "$p" "$(field ss 1)")" \
          "${3:+<= $3%: $(verdict "$p" "$3")}"
}

report() {
   local rows=$((2 * CONNS)) logged r1
   logged=$(log_rows)
   r1=$(awk '{ printf "%.1f", $4 / 1024 }' "$WORK/b$CONNS")
   echo
   echo "cost curve: tcptop -b -d 1 --format csv > /dev/null, ${WINDOW} s windows"
   printf '%12s %10s %12s %22s\n' connections rows "% of a core" "us per row per sample"
   local n
   for n in $CURVE_RUN; do
      awk -v n="$n" '{ printf "%12d %10d %12.2f %22.3f\n", n, 2 * n, $1, 1e6 * $2 / (2 * n) / '"$WINDOW"' }' "$WORK/b$n"
   done
   echo
   printf '%-52s %8s %8s %10s   %s\n' "$CONNS connections, $rows rows, ${WINDOW} s windows" "% core" "CPU s" "x ss -tin" target
   report_row "ss -tin once a second (baseline)" ss ""
   report_row "tcptop -b -d 1 --format csv > /dev/null" "b$CONNS" 10
   report_row "tcptop -b -d 1 --format csv --log FILE > /dev/null" log 15
   report_row "tcptop (the screen, tmux 200 x 50)" screen 5
   echo
   printf '%-52s %8s of %d   all: %s\n' "most rows in one interval of the --log" "$logged" "$rows" \
          "$( [ "$logged" -ge "$rows" ] && echo OK || echo MISSED)"
   printf '%-52s %8s MB (%s MB at the window start)   <= 120 MB: %s\n' "tcptop -b RSS at the window end" "$r1" \
          "$(awk '{ printf "%.1f", $3 / 1024 }' "$WORK/b$CONNS")" "$(verdict "$r1" 120)"
   printf '%-52s %8s MB\n' "kernel memory for the sockets (MemAvailable drop)" "$((MEM0 - MEM1))"
   echo
   echo "screen key -> redraw (ms, from send-keys to a changed pane), $(grep -m1 -o 'Showing.*' "$WORK/keys.shot" || echo 'no Showing line')"
   awk '{ v[$1] = v[$1] " " $2; if ($2 == "timeout" || $2 + 0 > m[$1]) m[$1] = $2 }
        END { for (k in v) printf "   %-16s%s   (worst %s; <= 50 ms: %s)\n", k, v[k], m[k], (m[k] != "timeout" && m[k] + 0 <= 50) ? "OK" : "MISSED" }' "$WORK/keys"
}

# option LETTER VALUE: one option (bench_options).
option() {
   case $1 in
      n) CONNS=$2 ;;
      C) CURVE=$2 ;;
      d) WINDOW=$2 ;;
      r) CHURN_RATE=$2 ;;
      p) PER=$2 ;;
   esac
}

parse_args() {
   bench_options "n:C:d:r:p:" "$@"
   need_positive -n "$CONNS"
   [[ "$CURVE" =~ ^[0-9]+(,[0-9]+)*$ ]] || die "-C wants counts separated by commas, not '$CURVE'"
   need_positive -d "$WINDOW" seconds
   [[ "$CHURN_RATE" =~ ^[0-9]+$ ]] || die "-r wants a rate (0: no churn), not '$CHURN_RATE'"
   need_positive -p "$PER"
}

main() {
   parse_args "$@"
   skip_unless_root
   need_tcptop
   PY=$(find_python) || die "python3 not found"
   for c in "${CC:-gcc}" tmux bpftool ss; do need_cmd "$c"; done
   nofile_raise
   [ "$PER" -le "$NOFILE_PER" ] || PER=$NOFILE_PER
   CONNS=$(((CONNS + PER - 1) / PER * PER))
   MAXTCP=$((2 * CONNS + 65536))
   CURVE_RUN=$(echo "$CURVE" | tr ',' '\n' | awk -v n="$CONNS" '$1 > 0 && $1 < n' | sort -n | uniq | tr '\n' ' ')
   CURVE_RUN="$CURVE_RUN$CONNS"
   bench_scratch
   load_setup
   tcptop_banner
   echo "machine: $(uname -sr), $(nproc) CPUs, $(mem_available_mb) MB available; up to $CONNS connections" \
        "($PER per netgen hold), --max-tcp-connections $MAXTCP, ${WINDOW} s windows"
   MEM0=$(mem_available_mb)
   local n
   for n in $CURVE_RUN; do
      hold_to $(((n + PER - 1) / PER * PER)) "$PER"   # whole netgen holds of PER
      [ "$n" -eq "$CONNS" ] && MEM1=$(mem_available_mb)
      echo "  $HELD connections held: tcptop -b"
      batch "b$n"
   done
   echo "  ss -tin once a second"; ss_baseline
   echo "  tcptop -b --log"; batch log --log "$WORK/log.csv"
   echo "  the screen"; screen_session screen; wait_all_rows screen; window "$TCPTOP_PID" screen; screen_quit screen
   echo "  the screen's keys"; measure_keys
   report
   stop_holds 300
   if [ "$CHURN_RATE" -gt 0 ]; then
      echo
      echo "churn (bench/churn.sh -r $CHURN_RATE -d 10):"
      TCPTOP="$TCPTOP_BIN" "$BENCH_DIR/churn.sh" -r "$CHURN_RATE" -d 10 | sed 's/^/   /'
   fi
}

main "$@"
