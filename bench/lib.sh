# bench/lib.sh: helpers shared by the benchmarks. Sourced after REPO_DIR is
# set; scripts using wait_attached set PROGRAMS, and those using run_fg
# reset FG_PID in their clean-up.

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

# attached_names PID: the names of the BPF programs that process has attached
# (its bpf_link fds).
attached_names() {
   local f id
   for f in /proc/"$1"/fdinfo/*; do
      id=$(awk '/^link_type:/ { link = 1 } link && /^prog_id:/ { print $2 }' "$f" 2>/dev/null) || continue
      [ -n "$id" ] || continue
      bpftool prog show id "$id" 2>/dev/null | awk 'NR == 1 { for (i = 1; i < NF; i++) if ($i == "name") print $(i + 1) }'
   done
}

# wait_attached PID: until every program in $PROGRAMS is attached (120 s at most).
wait_attached() {
   local pid=$1 i p names missing
   for ((i = 0; i < 1200; i++)); do
      kill -0 "$pid" 2>/dev/null || return 1
      names=" $(attached_names "$pid" | tr '\n' ' ')"
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
