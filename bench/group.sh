#!/usr/bin/env bash
# group.sh: what grouping costs: tcptop's user-space CPU with 10,000 held TCP
# connections (20,000 rows) at a 1 s interval, ungrouped and with --group,
# each measured in the same run.
#
#   bench/group.sh [-c N] [-d SECONDS] [-k KEYS]
#
#   -c N         concurrent loopback connections (default 10000)
#   -d SECONDS   measuring window of each configuration (default 20)
#   -k KEYS      the --group keys to measure, comma-separated
#                (default process,remote,port: the cheapest and the two
#                with the most groups here)
#
# In a private network namespace, bench/netgen.c (`netgen hold`) opens N
# loopback connections, both ends in the one process (2N rows), and every
# second writes 16 bytes on a different tenth of them. Then, one after the
# other, over the same window:
#   1. tcptop -b -d 1 --format csv > /dev/null           (the baseline)
#   2. the same with --group KEY, for each KEY
# tcptop's CPU is utime + stime from /proc/PID/stat, read once its probes are
# attached and a few intervals have passed (as bench/conns.sh), and again
# SECONDS later. Prints % of one core, each grouping's ratio to the baseline
# and the target: at most 1.10 (grouping costs at most 10% more).
# Exits 0 when a target is missed and when not root (skipped); 1 on set-up
# errors.
#
# Environment: TCPTOP (binary; default: the build tree's), CC (default gcc).

set -euo pipefail

# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CONNS=10000
WINDOW=20
KEYS=process,remote,port
SETTLE=3
PORT=5001
TARGET_RATIO=1.10

NS="tcptop-bench-group-$$"

cleanup() {
   bench_stop
}

# measure NAME [TCPTOP_OPTION]...: "PCT CPU_S WALL_S USER_S SYS_S" into $WORK/NAME.
measure() {
   local name=$1
   shift
   batch_window "tcptop ($name)" "$WORK/tcptop-$name.err" "$TCPTOP_BIN" -b -d 1 --format csv "$@"
   echo "$WIN" | awk '{ print $1, $2, $5, $3, $4 }' >"$WORK/$name"
}

# groups KEY: the group rows of one interval (the second) with --group KEY.
groups_of() {
   run_fg "$TCPTOP_BIN" -b -d 1 -n 2 --format json --group "$1" >"$WORK/groups-$1.json" 2>"$WORK/groups-$1.err" ||
      die "tcptop --group $1 failed: $(tail -n 5 "$WORK/groups-$1.err")"
   python3 -c 'import json,sys
lines = open(sys.argv[1]).read().splitlines()
g = json.loads(lines[-1])["groups"]
print(len(g), sum(r["connections"] for r in g))' "$WORK/groups-$1.json"
}

# option LETTER VALUE: one option (bench_options).
option() {
   case $1 in
      c) CONNS=$2 ;;
      d) WINDOW=$2 ;;
      k) KEYS=$2 ;;
   esac
}

main() {
   bench_options "c:d:k:" "$@"
   need_positive -c "$CONNS"
   need_positive -d "$WINDOW" seconds
   [[ "$KEYS" =~ ^(process|command|remote|port|cgroup|netns)(,(process|command|remote|port|cgroup|netns))*$ ]] ||
      die "-k wants keys among process, command, remote, port, cgroup, netns (comma-separated), not '$KEYS'"
   [ "$CONNS" -le 25000 ] || die "-c: at most 25000 (two local ports per connection)"

   skip_unless_root
   need_tcptop
   CC=${CC:-gcc}
   need_cmd "$CC" "set CC"
   need_cmd bpftool

   bench_scratch
   load_setup

   tcptop_banner
   echo "machine: $(uname -sr), $(nproc) CPUs; $CONNS connections, ${WINDOW} s windows; keys $KEYS"

   hold_start "$PORT" "$CONNS" "$WORK/hold.out"

   local key names=csv
   IFS=, read -r -a keys <<<"$KEYS"
   for key in "${keys[@]}"; do
      echo "groups:  --group $key: $(groups_of "$key" | awk '{ printf "%d groups holding %d connections", $1, $2 }')"
   done
   echo -n "measuring ($WINDOW s each): ungrouped"
   measure csv
   for key in "${keys[@]}"; do
      echo -n ", --group $key"
      measure "$key" --group "$key"
      names="$names $key"
   done
   echo

   local base
   base=$(awk '{ print $1 }' "$WORK/csv")
   echo
   printf '%-46s %12s %8s %14s %9s\n' "CPU over ${WINDOW} s, $((2 * CONNS)) rows" "% of a core" "CPU s" "(user + sys)" "x ungrouped"
   local name label p r
   for name in $names; do
      p=$(awk '{ print $1 }' "$WORK/$name")
      if [ "$name" = csv ]; then
         label="tcptop -b -d 1 --format csv (baseline)"
         r="1.00"
      else
         label="tcptop -b -d 1 --format csv --group $name"
         r=$(ratio "$p" "$base")
      fi
      printf '%-46s %12s %8s %14s %9s' "$label" "$(pct "$p")" "$(awk '{ print $2 }' "$WORK/$name")" \
             "$(awk '{ printf "(%s + %s)", $4, $5 }' "$WORK/$name")" "$r"
      if [ "$name" != csv ]; then
         printf '   (target <= %s) %s' "$TARGET_RATIO" \
            "$(awk -v r="$r" -v t="$TARGET_RATIO" 'BEGIN { print (r + 0 <= t + 0) ? "OK" : "MISSED" }')"
      fi
      echo
   done
   cat <<EOF

% of a core = (utime + stime) / wall time over the window, from /proc/PID/stat
($HZ ticks/s), read $SETTLE s after the probes were attached. The ungrouped run
prints every row as CSV; a grouped one folds the same rows (core/Groups) and
prints the groups.
EOF
}

main "$@"
