#!/usr/bin/env bash
# screen.sh: CPU of tcptop's screen (ncurses, in tmux) with 1,000 rows at the
# default 1 s interval, against tcptop -b on the same load, measured in the
# same run.
#
#   bench/screen.sh [-c N] [-d SECONDS] [-B BINARY]
#
#   -c N         concurrent loopback connections (default 500: 1,000 rows,
#                both ends are local)
#   -d SECONDS   measuring window of each configuration (default 20)
#   -B BINARY    also the screen of another tcptop (an older build: the
#                "before"), in the same run, with its ratio to this one's
#
# In a private network namespace, bench/netgen.c (`netgen hold`) opens N
# loopback connections and every second writes 16 bytes on a different tenth
# of them, so rates and the sort change every interval (several netgen
# processes on ports 5001, 5002, ... when N is above the open-file hard
# limit less 100; the soft limit is raised to it in this script only). Then,
# one after the other, over the same window:
#   1. the screen: `tcptop` in a tmux session (200 x 50, TERM=screen,
#      LC_ALL=C.UTF-8, sparklines and colours on), left on its table, sorted
#      by rate: every interval it re-sorts the rows and redraws the screen
#   2. the baseline: `tcptop -b -d 1 --format csv > /dev/null` (the same
#      sampling, no screen: what the screen adds is the difference)
#   3. a reference: `top -b -d 1 > /dev/null`
# CPU is utime + stime from /proc/PID/stat, read once the probes are attached
# plus a settling time, and again SECONDS later (the start-up compile is not
# in it). The tmux server's CPU while it renders the screen is printed apart:
# a terminal's cost, not tcptop's. The screen's "Showing N of M" line is
# captured to check the row count.
#
# Prints % of one core, the ratios, and the target: the screen at most 1% of
# one core. Exits 0 when the target is missed and when not root (skipped); 1
# on set-up errors.
#
# Environment: TCPTOP (binary; default: the build tree's), CC (default gcc).

set -euo pipefail

# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CONNS=500
WINDOW=20
SETTLE=3
PORT=5001
TARGET_PCT=1.0

NS="tcptop-bench-screen-$$"
OTHER_BIN=""
TOP_PID=""

cleanup() {
   stop "$TOP_PID" TERM || true
   TOP_PID=""
   bench_stop 100 300
}

# window PID NAME [EXTRA_PID]: CPU over the window into $WORK/NAME as
# "PCT CPU_S USER_S SYS_S RSS_KB [EXTRA_PCT]".
window() {
   cpu_window "$1" "${3:-}"
   echo "$WIN" | awk '{ printf "%s %s %s %s %d %.3f\n", $1, $2, $3, $4, $7, $8 }' >"$WORK/$2"
}

# measure_screen [BINARY NAME]: the screen of BINARY (default: this tcptop)
# into $WORK/NAME (default screen).
measure_screen() {
   local bin=${1:-$TCPTOP_BIN} name=${2:-screen}
   screen_start bench "$WORK/$name.err" "$bin" --cache-dir "$WORK/cache"
   window "$TCPTOP_PID" "$name" "$(tm display -p '#{pid}')"
   tm capture-pane -p -t bench >"$WORK/$name.shot"
   tm send-keys -t bench q
   local i
   for ((i = 0; i < 50; i++)); do kill -0 "$TCPTOP_PID" 2>/dev/null || break; sleep 0.1; done
   TCPTOP_PID=""
}

measure_batch() {
   tcptop_start "tcptop -b" /dev/null "$WORK/batch.err" "$TCPTOP_BIN" -b -d 1 --format csv --cache-dir "$WORK/cache"
   window "$TCPTOP_PID" batch
   tcptop_stop || true
}

measure_top() {
   top -b -d 1 >/dev/null &
   TOP_PID=$!
   window "$TOP_PID" top
   stop "$TOP_PID" TERM || true
   TOP_PID=""
}

start_load() {
   load_setup
   nofile_raise
   hold_to "$CONNS" "$NOFILE_PER" "$PORT"
}

report() {
   local s b t
   s=$(field screen 1); b=$(field batch 1); t=$(field top 1)
   echo
   printf '%-44s %12s %8s %14s %7s %11s\n' "CPU over ${WINDOW} s, $((2 * CONNS)) rows" "% of a core" "CPU s" "(user + sys)" "RSS MB" "x tcptop -b"
   printf '%-44s %12s %8s %14s %7s %11s\n' "tcptop -b -d 1 --format csv (baseline)" "$(pct "$b")" "$(field batch 2)" \
          "($(field batch 3) + $(field batch 4))" "$(awk '{ printf "%.1f", $5 / 1024 }' "$WORK/batch")" "1.00"
   printf '%-44s %12s %8s %14s %7s %11s   (target <= %s%%) %s\n' "tcptop (the screen, in tmux)" "$(pct "$s")" \
          "$(field screen 2)" "($(field screen 3) + $(field screen 4))" "$(awk '{ printf "%.1f", $5 / 1024 }' "$WORK/screen")" \
          "$(ratio "$s" "$b")" "$TARGET_PCT" "$(verdict "$s" "$TARGET_PCT")"
   printf '%-44s %12s %8s %14s %7s %11s\n' "top -b -d 1 (reference)" "$(pct "$t")" "$(field top 2)" \
          "($(field top 3) + $(field top 4))" "" "$(ratio "$t" "$b")"
   if [ -n "$OTHER_BIN" ]; then
      local o
      o=$(field before 1)
      printf '%-44s %12s %8s %14s %7s %11s   this screen / it: %s\n' "tcptop -B (the other build's screen)" "$(pct "$o")" \
             "$(field before 2)" "($(field before 3) + $(field before 4))" \
             "$(awk '{ printf "%.1f", $5 / 1024 }' "$WORK/before")" "$(ratio "$o" "$b")" "$(ratio "$s" "$o")"
   fi
   printf '%-44s %12s\n' "tmux server meanwhile (renders the screen)" "$(pct "$(field screen 6)")"
   echo
   echo "screen: $(grep -m1 '^Showing' "$WORK/screen.shot" || echo 'no Showing line captured')"
   [ -z "$OTHER_BIN" ] || echo "-B:     $(grep -m1 '^Showing' "$WORK/before.shot" || echo 'no Showing line captured')"
}

# option LETTER VALUE: one option (bench_options).
option() {
   case $1 in
      c) CONNS=$2 ;;
      B) OTHER_BIN=$2 ;;
      d) WINDOW=$2 ;;
   esac
}

main() {
   bench_options "c:d:B:" "$@"
   need_positive -c "$CONNS"
   need_positive -d "$WINDOW" seconds
   skip_unless_root
   need_tcptop
   CC=${CC:-gcc}
   for c in "$CC" tmux top bpftool; do need_cmd "$c"; done
   bench_scratch
   tcptop_banner
   echo "machine: $(uname -sr), $(nproc) CPUs; $CONNS connections ($((2 * CONNS)) rows), ${WINDOW} s windows"
   start_load
   [ -z "$OTHER_BIN" ] || [ -x "$OTHER_BIN" ] || die "-B: no executable at $OTHER_BIN"
   echo -n "measuring ($WINDOW s each): the screen"
   measure_screen
   if [ -n "$OTHER_BIN" ]; then
      echo -n ", the screen of -B"
      measure_screen "$OTHER_BIN" before
   fi
   echo -n ", tcptop -b"
   measure_batch
   echo -n ", top -b"
   measure_top
   echo
   report
   echo
   echo "% of a core = (utime + stime) / wall time over the window, from /proc/PID/stat ($HZ ticks/s),"
   echo "read $SETTLE s after the probes were attached. Other tcptop instances and traffic on the"
   echo "machine add rows to both tcptop runs alike (the probes see every namespace)."
}

main "$@"
