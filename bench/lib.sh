# shellcheck shell=bash
# bench/lib.sh: helpers shared by the benchmarks, sourced by each:
#   . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# The helpers that die call `die` (below, or the script's own);
# bench_scratch's trap calls the script's `cleanup`, which ends with
# bench_stop (the foreground command, tcptop, holds, scratch).

# This folder and the source tree it is in.
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(dirname "$BENCH_DIR")

# The state the helpers below share with the scripts (and their clean-up):
# scratch directory, namespace made, the tcptop, the foreground command
# (run_fg), the netgen holds (hold_start, hold_to); empty until set.
WORK="" NS_MADE="" TCPTOP_PID="" FG_PID="" HOLD_PID="" HOLD_PIDS=() HELD=0
# The programs wait_attached waits for: every one tcptop attaches (a script
# may narrow it).
PROGRAMS="flow_ingress flow_egress sock_send sock_recv tcp_state tcp_open sock_release"
# Clock ticks per second, for cpu_since and the reports.
HZ=$(getconf CLK_TCK)

# usage: the script's opening comment (from its second line to the first
# empty one), without the leading "# ".
usage() {
   sed -n '2,/^$/s/^# \{0,1\}//p' "$0"
}

# die MESSAGE...: "SCRIPT: MESSAGE" on stderr, exit 1.
die() {
   echo "$(basename "$0"): $*" >&2
   exit 1
}

# bench_options SPEC ARG...: the script's options: getopts over SPEC (its
# letters, ":" after one that takes a value) and -h, calling the script's
# `option LETTER VALUE` for each of SPEC's. -h prints usage and exits 0; an
# unknown option or a missing value: getopts' message, usage on stderr,
# exit 2.
bench_options() {
   local spec=$1 opt OPTIND=1
   shift
   while getopts "${spec}h" opt; do
      case $opt in
         h) usage; exit 0 ;;
         \?) usage >&2; exit 2 ;;
         *) option "$opt" "${OPTARG-}" ;;
      esac
   done
}

# need_positive FLAG VALUE [UNIT]: dies "FLAG wants a positive number[ of
# UNIT], not 'VALUE'" unless VALUE is a whole number above 0.
need_positive() {
   [[ "$2" =~ ^[1-9][0-9]*$ ]] || die "$1 wants a positive number${3:+ of $3}, not '$2'"
}

# skip_unless_root [WHAT]: unless root, prints "SCRIPT: skipped: loading WHAT
# (default eBPF probes) needs root (run it with sudo)" and exits 0.
# shellcheck disable=SC2120 # WHAT is optional
skip_unless_root() {
   if [ "$(id -u)" -ne 0 ]; then
      echo "$(basename "$0"): skipped: loading ${1:-eBPF probes} needs root (run it with sudo)"
      exit 0
   fi
}

# need_cmd COMMAND [HINT]: dies "COMMAND not found[ (HINT)]" unless it is
# on PATH (or a path to one).
need_cmd() {
   command -v "$1" >/dev/null || die "$1 not found${2:+ ($2)}"
}

# need_tcptop [HINT]: sets TCPTOP_BIN (find_tcptop), else dies "no tcptop
# binary[ at $TCPTOP]: build it HINT or set TCPTOP" (HINT default "(cd b &&
# make)"; "" for none).
# shellcheck disable=SC2120 # HINT is optional
need_tcptop() {
   local hint=${1-(cd b && make)}
   TCPTOP_BIN=$(find_tcptop) || die "no tcptop binary${TCPTOP:+ at $TCPTOP}: build it ${hint:+$hint }or set TCPTOP"
}

# bench_scratch: the traps (the script's `cleanup` on exit; SIGINT and SIGTERM
# exit 130 and 143 through it), then WORK, a new scratch directory.
bench_scratch() {
   trap cleanup EXIT
   trap 'exit 130' INT
   trap 'exit 143' TERM
   WORK=$(mktemp -d)
}

# load_setup: bench/netgen.c built into $WORK and the network namespace $NS
# made (build_netgen, bench_netns); dies saying which failed.
load_setup() {
   build_netgen "$WORK" || die "could not build bench/netgen.c: $(tail -n 5 "$WORK/build.log")"
   bench_netns "$NS" || die "cannot set up network namespace $NS"
}

# The tcptop binary: $TCPTOP, else the out-of-tree build (b/), ./tcptop, or an
# in-tree build.
find_tcptop() {
   local c candidates=("$REPO_DIR/b/tcptop" ./tcptop "$REPO_DIR/tcptop")
   [ -n "${TCPTOP:-}" ] && candidates=("$TCPTOP")
   for c in "${candidates[@]}"; do
      if [ -x "$c" ] && [ -f "$c" ]; then
         (cd "$(dirname "$c")" && echo "$(pwd)/$(basename "$c")")
         return 0
      fi
   done
   return 1
}

# tcptop_banner: the first line of a benchmark's report: which tcptop.
tcptop_banner() {
   # shellcheck disable=SC2153 # set by the script (find_tcptop)
   echo "tcptop:  $TCPTOP_BIN ($("$TCPTOP_BIN" --version | paste -sd ' ' -))"
}

# build_netgen DIR: bench/netgen.c compiled into DIR/netgen with $CC (default
# gcc), its messages appended to DIR/build.log; non-zero when it fails.
build_netgen() {
   "${CC:-gcc}" -O2 -Wall -pthread -o "$1/netgen" "$REPO_DIR/bench/netgen.c" 2>>"$1/build.log"
}

# hold_start PORT N OUT [SECONDS]: bench/netgen.c `netgen hold` of N loopback
# connections to PORT in the namespace $NS ($WORK/netgen built), its output in
# OUT and errors in OUT.err; sets HOLD_PID (ip netns exec execs: the PID is
# netgen's) and returns once it says ready. Dies (the script's die) when it
# fails or is not ready in SECONDS (default 120).
hold_start() {
   local secs=${4:-120} i
   ip netns exec "$NS" "$WORK/netgen" hold 127.0.0.1 "$1" "$2" >"$3" 2>"$3.err" &
   HOLD_PID=$!
   for ((i = 0; i < secs * 10; i++)); do
      grep -q '^ready' "$3" 2>/dev/null && return 0
      kill -0 "$HOLD_PID" 2>/dev/null || die "netgen hold failed: $(cat "$3.err")"
      sleep 0.1
   done
   die "netgen hold did not open $2 connections in $secs s"
}

# nofile_raise: the soft open-file limit raised to the hard one (this shell
# and its children only); sets NOFILE_PER, the most connections one netgen
# hold may hold (the hard limit less 100: it holds that many sockets, its
# server child as many).
nofile_raise() {
   ulimit -n "$(ulimit -Hn)"
   # shellcheck disable=SC2034 # for the caller
   NOFILE_PER=$(($(ulimit -Hn) - 100))
}

# hold_to N PER [PORT]: netgen hold processes (hold_start) of PER
# connections each (the last one fewer) until N are held, on server ports
# PORT, PORT+1, ... (default 5001), outputs $WORK/holdK. Appends their PIDs
# to the array HOLD_PIDS and counts in HELD (both kept across calls: a later
# call adds up to its N).
hold_to() {
   local k n
   while [ "${HELD:=0}" -lt "$1" ]; do
      k=$((${#HOLD_PIDS[@]} + 1))
      n=$(($1 - HELD < $2 ? $1 - HELD : $2))
      hold_start $((${3:-5001} + k - 1)) "$n" "$WORK/hold$k"
      HOLD_PIDS+=("$HOLD_PID")
      HOLD_PID=""
      HELD=$((HELD + n))
   done
}

# stop_holds [TENTHS]: stops (TERM, KILL after TENTHS, default 100) the netgen
# holds of HOLD_PIDS and HOLD_PID (one hold_start gave up on); clears them
# and HELD.
# shellcheck disable=SC2120 # TENTHS is optional
stop_holds() {
   local p
   for p in ${HOLD_PIDS[@]+"${HOLD_PIDS[@]}"} ${HOLD_PID:+"$HOLD_PID"}; do stop "$p" TERM "${1:-100}" || true; done
   HOLD_PIDS=()
   HOLD_PID=""
   HELD=0
}

# bench_netns NS: the network namespace NS for a benchmark's traffic (sets
# NS_MADE=1 once it exists, for the script's clean-up to delete it), with lo
# up and ephemeral ports 10000-65000, so that the servers' ports (5001-5006)
# are never a client's, and 50,000 connections in 10 s find ports (TIME_WAIT
# lasts 60 s; loopback reuses TIME_WAIT ports anyway, tcp_tw_reuse=2).
# Non-zero when a step fails.
bench_netns() {
   ip netns add "$1" || return 1
   NS_MADE=1
   ip -n "$1" link set lo up &&
      ip netns exec "$1" sysctl -qw net.ipv4.ip_local_port_range="10000 65000"
}

find_python() {
   if [ -n "${PYTHON:-}" ]; then
      echo "$PYTHON"
   elif [ -x /usr/bin/python3 ]; then
      echo /usr/bin/python3           # smaller than most others: lowers the RSS floor, see measure-start.py
   else
      command -v python3
   fi
}

# stop PID SIGNAL [TENTHS]: signal a process we started and reap it (after
# TENTHS tenths of a second, default 100, KILL). Returns its exit status.
stop() {
   local pid=$1 sig=$2 tenths=${3:-100} i rc=0
   [ -n "$pid" ] || return 0
   kill "-$sig" "$pid" 2>/dev/null || return 0
   for ((i = 0; i < tenths; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
   done
   kill -KILL "$pid" 2>/dev/null || true
   wait "$pid" 2>/dev/null || rc=$?
   return $rc
}

# run_fg CMD...: CMD in the background, waited for, so that a signal to this
# script runs its trap (and cleanup) at once rather than after CMD ends.
run_fg() {
   local rc=0
   "$@" &
   FG_PID=$!
   wait "$FG_PID" || rc=$?
   FG_PID=""
   return $rc
}

# attached_progs PID: "NAME ID" of each BPF program that process has
# attached (its bpf_link fds), one a line.
attached_progs() {
   local f id
   for f in /proc/"$1"/fdinfo/*; do
      id=$(awk '/^link_type:/ { link = 1 } link && /^prog_id:/ { print $2 }' "$f" 2>/dev/null) || continue
      [ -n "$id" ] || continue
      bpftool prog show id "$id" 2>/dev/null | awk -v id="$id" 'NR == 1 { for (i = 1; i < NF; i++) if ($i == "name") print $(i + 1), id }'
   done
}

# wait_attached PID: until every program in $PROGRAMS is attached (120 s at most).
wait_attached() {
   local pid=$1 i p names missing
   for ((i = 0; i < 1200; i++)); do
      kill -0 "$pid" 2>/dev/null || return 1
      names=" $(attached_progs "$pid" | awk '{ print $1 }' | tr '\n' ' ')"
      missing=""
      for p in $PROGRAMS; do
         [[ "$names" == *" $p "* ]] || missing+=" $p"
      done
      [ -z "$missing" ] && return 0
      sleep 0.1
   done
   return 1
}

now() {
   date +%s.%N
}

# cpu_ticks PID: "UTIME STIME" (clock ticks) of the whole process.
cpu_ticks() {
   sed 's/^.*) //' "/proc/$1/stat" | awk '{ print $12, $13 }'
}

# A CPU window, the one way every benchmark measures a process:
#   m=$(cpu_mark PID); ...the window...; cpu_since "$m" PID
# cpu_mark PID: "UTIME STIME TIME" (ticks, and now's seconds).
cpu_mark() {
   echo "$(cpu_ticks "$1") $(now)"
}

# cpu_since MARK PID: over the window since MARK (cpu_mark of PID),
# "PCT CPU_S USER_S SYS_S WALL_S": % of one core, then seconds.
cpu_since() {
   echo "$1 $(cpu_ticks "$2") $(now)" | awk -v hz="${HZ:-$(getconf CLK_TCK)}" \
      '{ user = ($4 - $1) / hz; sys = ($5 - $2) / hz; wall = $6 - $3
         printf "%.3f %.3f %.2f %.2f %.3f\n", (wall > 0 ? 100 * (user + sys) / wall : 0), user + sys, user, sys, wall }'
}

# wait_written PID BYTES SECONDS: until PID has written BYTES (wchar of
# /proc/PID/io: every write, /dev/null's too), e.g. its first full interval
# after seeding the connections older than it; 1 after SECONDS.
wait_written() {
   local i
   for ((i = 0; i < $3 * 10; i++)); do
      [ "$(awk '/^wchar:/ { print $2 }' "/proc/$1/io" 2>/dev/null || echo 0)" -ge "$2" ] && return 0
      sleep 0.1
   done
   return 1
}

# rss_kb PID: its VmRSS in kB.
rss_kb() {
   awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"
}

# tcptop_start WHAT OUT ERR CMD...: CMD (a tcptop) in the background, stdin
# /dev/null, stdout to OUT, stderr to ERR; sets TCPTOP_PID and returns once
# every program of $PROGRAMS is attached, else dies "WHAT did not attach its
# probes: " and ERR's last 5 lines.
tcptop_start() {
   local what=$1 out=$2 err=$3
   shift 3
   "$@" </dev/null >"$out" 2>"$err" &
   TCPTOP_PID=$!
   wait_attached "$TCPTOP_PID" || die "$what did not attach its probes: $(tail -n 5 "$err")"
}

# tcptop_stop [TENTHS]: TCPTOP_PID stopped (SIGINT; KILL after TENTHS tenths
# of a second, default 100) and reaped, and cleared. Returns its exit status.
# shellcheck disable=SC2120 # TENTHS is optional
tcptop_stop() {
   local rc=0
   stop "$TCPTOP_PID" INT "${1:-100}" || rc=$?
   TCPTOP_PID=""
   return $rc
}

# cpu_window PID [EXTRA_PID]: the measuring window: $SETTLE seconds, then
# $WINDOW seconds over which the CPU of PID (and of EXTRA_PID) is taken.
# Sets WIN to "PCT CPU_S USER_S SYS_S WALL_S RSS_START_KB RSS_END_KB
# [EXTRA_PCT]": cpu_since's figures for PID, its VmRSS at the window's start
# and end, and EXTRA_PID's % of a core. Sleeps through run_fg, so it is
# called in the script's own shell (not in $(...) or a pipe).
cpu_window() {
   local m e="" r0 w x=""
   run_fg sleep "$SETTLE"
   m=$(cpu_mark "$1")
   [ -z "${2:-}" ] || e=$(cpu_mark "$2")
   r0=$(rss_kb "$1")
   run_fg sleep "$WINDOW"
   w=$(cpu_since "$m" "$1")
   [ -z "${2:-}" ] || x=" $(cpu_since "$e" "$2" | awk '{ print $1 }')"
   # shellcheck disable=SC2034 # for the caller
   WIN="$w $r0 $(rss_kb "$1")$x"
}

# tm ARGS...: tmux on the scratch server $WORK/tmux.sock, no config file.
tm() {
   tmux -S "$WORK/tmux.sock" -f /dev/null "$@"
}

# screen_start SESSION ERR BINARY [ARGS...]: tcptop's screen (BINARY ARGS,
# stderr to ERR) in a new detached tmux session SESSION of 200 x 50,
# TERM=screen, LC_ALL=C.UTF-8; sets TCPTOP_PID (the pane's process) and
# returns once every program of $PROGRAMS is attached, else dies "the screen
# did not attach its probes: " and ERR.
screen_start() {
   local session=$1 err=$2 cmd
   shift 2
   printf -v cmd ' %q' "$@"
   tm new-session -d -s "$session" -x 200 -y 50 "exec env TERM=screen LC_ALL=C.UTF-8$cmd 2>$(printf %q "$err")" ||
      die "tmux new-session failed"
   TCPTOP_PID=$(tm display -p -t "$session" '#{pane_pid}')
   wait_attached "$TCPTOP_PID" || die "the screen did not attach its probes: $(cat "$err" 2>/dev/null)"
}

# field NAME N: the Nth field of $WORK/NAME.
field() {
   awk -v f="$2" '{ print $f }' "$WORK/$1"
}

# batch_window WHAT ERR CMD...: a tcptop -b (CMD, stdout to /dev/null,
# stderr to ERR) started (tcptop_start), measured (cpu_window: sets WIN)
# and stopped (tcptop_stop).
batch_window() {
   local what=$1 err=$2
   shift 2
   tcptop_start "$what" /dev/null "$err" "$@"
   cpu_window "$TCPTOP_PID"
   tcptop_stop || true
}

# bench_stop [TENTHS [HOLD_TENTHS]]: the common part of the scripts' cleanup:
# stops (stop, KILL after TENTHS tenths of a second, default 100) the
# foreground command (FG_PID, TERM) and tcptop (TCPTOP_PID, INT), kills the
# tmux server of tm when there is one, stops the netgen holds (stop_holds
# HOLD_TENTHS, default 100), then drop_scratch.
# shellcheck disable=SC2120 # both are optional
bench_stop() {
   stop "$FG_PID" TERM "${1:-100}" || true
   stop "$TCPTOP_PID" INT "${1:-100}" || true
   TCPTOP_PID=""
   if [ -n "$WORK" ] && [ -S "$WORK/tmux.sock" ]; then
      tm kill-server 2>/dev/null || true
   fi
   stop_holds "${2:-100}"
   drop_scratch
}

# drop_scratch: deletes the network namespace $NS when $NS_MADE is set, and
# the scratch directory $WORK when set; clears both. For cleanup traps.
drop_scratch() {
   if [ -n "${NS_MADE:-}" ]; then
      ip netns del "$NS" 2>/dev/null || true
      NS_MADE=""
   fi
   if [ -n "${WORK:-}" ]; then
      rm -rf "$WORK"
      WORK=""
   fi
}

# pct X: X with two decimals.
pct() {
   awk -v x="$1" 'BEGIN { printf "%.2f", x }'
}

# ratio A B: A / B with two decimals, or n/a when B is 0.
ratio() {
   awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 == 0) print "n/a"; else printf "%.2f", a / b }'
}

# verdict VALUE LIMIT: OK when VALUE <= LIMIT, else MISSED.
verdict() {
   awk -v v="$1" -v l="$2" 'BEGIN { print (v + 0 <= l + 0) ? "OK" : "MISSED" }'
}
