#!/usr/bin/env bash
# bench/rowcost.sh: two tcptop builds side by side on the same held
# connections: each one's CPU (utime + stime) and VmRSS, and the ratio.
#
#   sudo bench/rowcost.sh [-n CONNS] [-d SECONDS] [-l] BASE NEW [tcptop args...]
#
# `netgen hold` processes of 10,000 connections each hold CONNS (default
# 50,000: 100,000 rows) in a private namespace; then BASE and NEW run at
# once, `-b -d 1 --format csv > /dev/null` plus the args, so both see the
# same rows and the same load; after 15 s (the seeding of older
# connections) each one's CPU is measured over SECONDS (default 20).
# -l: each one also writes the --log (every column of every row, every
# interval) to a file of its own in the work directory.
set -euo pipefail
REPO_DIR=$(cd "$(dirname "$0")/.." && pwd)
. "$REPO_DIR/bench/lib.sh"

usage() { echo "usage: $0 [-n CONNS] [-d SECONDS] [-l] BASE NEW [tcptop args...]" >&2; exit 2; }
die() { echo "rowcost: $*" >&2; exit 1; }
CONNS=50000 SECS=20 LOG=""
while getopts n:d:lh opt; do
   case $opt in
   n) CONNS=$OPTARG ;;
   d) SECS=$OPTARG ;;
   l) LOG=1 ;;
   *) usage ;;
   esac
done
shift $((OPTIND - 1))
[ $# -ge 2 ] || usage
BASE=$1 NEW=$2
shift 2
[ -x "$BASE" ] && [ -x "$NEW" ] || die "BASE and NEW must be tcptop binaries"
[ "$(id -u)" = 0 ] || die "run as root (the probes, the namespace)"

NS=rowcost-$$ NS_MADE="" WORK=$(mktemp -d) HOLDS=() PIDS=()
cleanup() {
   local p
   for p in "${PIDS[@]}"; do stop "$p" INT 50 || true; done
   for p in "${HOLDS[@]}"; do stop "$p" TERM 30 || true; done
   [ -n "$NS_MADE" ] && ip netns del "$NS" 2>/dev/null
   rm -rf "$WORK"
}
trap cleanup EXIT
ulimit -n "$(ulimit -Hn)"
build_netgen "$WORK" || die "netgen does not build: $(cat "$WORK/build.log")"
bench_netns "$NS" || die "cannot make the namespace $NS"
held=0 k=0
while [ $held -lt "$CONNS" ]; do
   k=$((k + 1))
   n=$((CONNS - held < 10000 ? CONNS - held : 10000))
   hold_start $((5000 + k)) $n "$WORK/hold$k"
   HOLDS+=("$HOLD_PID")
   held=$((held + n))
done

k=0
for bin in "$BASE" "$NEW"; do
   k=$((k + 1))
   logArgs=()
   [ -n "$LOG" ] && logArgs=(--log "$WORK/log.$k")
   "$bin" -b -d 1 --format csv --max-tcp-connections $((2 * CONNS + 65536)) --cache-dir "$WORK/cache" \
      "${logArgs[@]}" "$@" > /dev/null 2>>"$WORK/err" &
   PIDS+=($!)
done
sleep 15
for p in "${PIDS[@]}"; do kill -0 "$p" 2>/dev/null || die "tcptop exited: $(cat "$WORK/err")"; done
bm=$(cpu_mark "${PIDS[0]}") nm=$(cpu_mark "${PIDS[1]}")
sleep "$SECS"
b=$(cpu_since "$bm" "${PIDS[0]}") n=$(cpu_since "$nm" "${PIDS[1]}")
echo "held:   $held connections ($((2 * held)) rows), ${SECS} s, both at once${LOG:+, each with --log}"
printf 'base:   %-40s %6.1f%% of a core  VmRSS %7d kB\n' "$BASE" "${b%% *}" "$(rss_kb "${PIDS[0]}")"
printf 'new:    %-40s %6.1f%% of a core  VmRSS %7d kB\n' "$NEW" "${n%% *}" "$(rss_kb "${PIDS[1]}")"
if [ -n "$LOG" ]; then
   printf 'logs:   base %d bytes, new %d bytes\n' "$(stat -c %s "$WORK/log.1")" "$(stat -c %s "$WORK/log.2")"
fi
awk -v b="${b%% *}" -v n="${n%% *}" 'BEGIN { if (b > 0) printf "ratio:  new / base CPU %.2f\n", n / b }'
exit 0
