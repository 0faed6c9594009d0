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

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(dirname "$BENCH_DIR")
# shellcheck source=bench/lib.sh
. "$BENCH_DIR/lib.sh"

CONNS=500
WINDOW=20
SETTLE=3
PORT=5001
TARGET_PCT=1.0
PROGRAMS="flow_ingress flow_egress sock_send sock_recv tcp_state tcp_open sock_release"

NS="tcptop-bench-screen-$$"
WORK=""
NS_MADE=""
HOLD_PID=""
HOLD_PIDS=()
OTHER_BIN=""
TCPTOP_PID=""
TOP_PID=""
FG_PID=""

usage() {
   sed -n '2,/^$/s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
}

die() {
   echo "screen.sh: $*" >&2
   exit 1
}

tm() {
   tmux -S "$WORK/tmux.sock" -f /dev/null "$@"
}

cleanup() {
   stop "$FG_PID" TERM || true
   stop "$TCPTOP_PID" INT || true
   stop "$TOP_PID" TERM || true
   [ -n "$WORK" ] && { tm kill-server 2>/dev/null || true; }
   local p
   for p in "${HOLD_PIDS[@]}" ${HOLD_PID:+"$HOLD_PID"}; do stop "$p" TERM 300 || true; done
   TCPTOP_PID=""; HOLD_PID=""; HOLD_PIDS=(); TOP_PID=""
   drop_scratch
}


# window PID NAME [EXTRA_PID]: CPU over the window into $WORK/NAME as
# "PCT CPU_S USER_S SYS_S RSS_KB [EXTRA_PCT]".
window() {
   local pid=$1 name=$2 extra=${3:-} m e="" w x="0"
   run_fg sleep "$SETTLE"
   m=$(cpu_mark "$pid"); [ -n "$extra" ] && e=$(cpu_mark "$extra")
   run_fg sleep "$WINDOW"
   w=$(cpu_since "$m" "$pid"); [ -n "$extra" ] && x=$(cpu_since "$e" "$extra" | awk '{ print $1 }')
   echo "$w" | awk -v rss="$(rss_kb "$pid")" -v x="$x" '{ printf "%s %s %s %s %d %.3f\n", $1, $2, $3, $4, rss, x }' >"$WORK/$name"
}

# measure_screen [BINARY NAME]: the screen of BINARY (default: this tcptop)
# into $WORK/NAME (default screen).
measure_screen() {
   local bin=${1:-$TCPTOP_BIN} name=${2:-screen}
   tm new-session -d -s bench -x 200 -y 50 \
      "exec env TERM=screen LC_ALL=C.UTF-8 '$bin' --cache-dir '$WORK/cache' 2>'$WORK/$name.err'" ||
      die "tmux new-session failed"
   TCPTOP_PID=$(tm display -p -t bench '#{pane_pid}')
   wait_attached "$TCPTOP_PID" || die "the screen did not attach its probes: $(cat "$WORK/$name.err" 2>/dev/null)"
   window "$TCPTOP_PID" "$name" "$(tm display -p '#{pid}')"
   tm capture-pane -p -t bench >"$WORK/$name.shot"
   tm send-keys -t bench q
   local i
   for ((i = 0; i < 50; i++)); do kill -0 "$TCPTOP_PID" 2>/dev/null || break; sleep 0.1; done
   TCPTOP_PID=""
}

measure_batch() {
   "$TCPTOP_BIN" -b -d 1 --format csv --cache-dir "$WORK/cache" >/dev/null 2>"$WORK/batch.err" &
   TCPTOP_PID=$!
   wait_attached "$TCPTOP_PID" || die "tcptop -b did not attach its probes: $(tail -n 5 "$WORK/batch.err")"
   window "$TCPTOP_PID" batch
   stop "$TCPTOP_PID" INT || true
   TCPTOP_PID=""
}

measure_top() {
   top -b -d 1 >/dev/null &
   TOP_PID=$!
   window "$TOP_PID" top
   stop "$TOP_PID" TERM || true
   TOP_PID=""
}

start_load() {
   build_netgen "$WORK" || die "could not build bench/netgen.c: $(tail -n 5 "$WORK/build.log")"
   bench_netns "$NS" || die "cannot set up network namespace $NS"
   ulimit -n "$(ulimit -Hn)"                # this script and its children only
   local per=$(($(ulimit -Hn) - 100)) held=0 k=0 n
   while [ "$held" -lt "$CONNS" ]; do       # each netgen holds n sockets, its server child as many
      n=$((CONNS - held < per ? CONNS - held : per))
      hold_start $((PORT + k)) "$n" "$WORK/hold$k.out" 120
      HOLD_PIDS+=("$HOLD_PID")
      HOLD_PID=""
      held=$((held + n))
      k=$((k + 1))
   done
}

field() { awk -v f="$2" '{ print $f }' "$WORK/$1"; }

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

main() {
   while getopts "c:d:B:h" opt; do
      case $opt in
         c) CONNS=$OPTARG ;;
         B) OTHER_BIN=$OPTARG ;;
         d) WINDOW=$OPTARG ;;
         h) usage; exit 0 ;;
         *) usage >&2; exit 2 ;;
      esac
   done
   [[ "$CONNS" =~ ^[1-9][0-9]*$ ]] || die "-c wants a positive number, not '$CONNS'"
   [[ "$WINDOW" =~ ^[1-9][0-9]*$ ]] || die "-d wants a positive number of seconds, not '$WINDOW'"
   if [ "$(id -u)" -ne 0 ]; then
      echo "screen.sh: skipped: loading eBPF probes needs root (run it with sudo)"
      exit 0
   fi
   TCPTOP_BIN=$(find_tcptop) || die "no tcptop binary${TCPTOP:+ at $TCPTOP}: build it (cd b && make) or set TCPTOP"
   CC=${CC:-gcc}
   for c in "$CC" tmux top bpftool; do command -v "$c" >/dev/null || die "$c not found"; done
   HZ=$(getconf CLK_TCK)
   trap cleanup EXIT
   trap 'exit 130' INT
   trap 'exit 143' TERM
   WORK=$(mktemp -d)
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
