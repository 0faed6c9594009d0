#!/bin/bash
# bench/replay.sh: tcptop -r replay speed in packets per second, beside
# tshark -q -z conv,tcp on the same file in the same run.
#
#   bench/replay.sh [-p PACKETS] [-f FLOWS] [-n RUNS]
#
# bench/mkpcap.c writes a synthetic capture of -p packets (default 1,000,000)
# of -f concurrent TCP connections (default 10,000; each a handshake, 40 data
# segments and their ACKs, a FIN exchange, then a new connection), headers
# only (caplen 66). Then, -n times each (default 3), interleaved:
#   tcptop -r FILE -b --format csv --log LOG > /dev/null   (--replay-speed max,
#          the -b default: one table per second of capture time)
#   tshark -q -z conv,tcp -r FILE > /dev/null             (the baseline)
# Judged on the median wall time: target tcptop >= 10 x tshark's packets/s.
# Also checks the replay: the client payload bytes of every connection in the
# log add up to what mkpcap wrote. Needs no root.
#
# Environment: TCPTOP (binary; default: the build tree's), TSHARK, CC (gcc).
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
REPO_DIR=$(dirname "$BENCH_DIR")
# shellcheck source=bench/lib.sh
. "$BENCH_DIR/lib.sh"

PACKETS=1000000 FLOWS=10000 RUNS=3
while getopts "p:f:n:" opt; do
   case $opt in
   p) PACKETS=$OPTARG ;;
   f) FLOWS=$OPTARG ;;
   n) RUNS=$OPTARG ;;
   *) echo "usage: $0 [-p PACKETS] [-f FLOWS] [-n RUNS]" >&2; exit 2 ;;
   esac
done

die() { echo "replay.sh: $*" >&2; exit 1; }
WORK=$(mktemp -d /tmp/tcptop-bench-replay-XXXXXX)
trap 'rm -rf "$WORK"' EXIT
TCPTOP=$(find_tcptop) || die "no tcptop binary: build it (b/tcptop) or set TCPTOP"
TSHARK=${TSHARK:-$(command -v tshark || true)}
[ -n "$TSHARK" ] || die "tshark is not installed (scripts/install-deps installs it)"
"${CC:-gcc}" -O2 -Wall -o "$WORK/mkpcap" "$BENCH_DIR/mkpcap.c" 2> "$WORK/build.log" ||
   die "could not build bench/mkpcap.c: $(tail -n 5 "$WORK/build.log")"
made=$("$WORK/mkpcap" "$WORK/bench.pcap" "$PACKETS" "$FLOWS") || die "mkpcap failed"
echo "capture: $made; $(du -m "$WORK/bench.pcap" | cut -f1) MB"
expected=$(echo "$made" | sed -n 's/.*connections, \([0-9]*\) client payload bytes/\1/p')

# timed NAME CMD...: appends "wall user+sys" to $WORK/NAME
timed() {
   local name=$1
   shift
   local TIMEFORMAT='%R %U %S'
   { time "$@" > /dev/null 2> "$WORK/$name.err"; } 2>> "$WORK/$name.raw" || die "$name failed: $(tail -n 3 "$WORK/$name.err")"
   tail -n 1 "$WORK/$name.raw" | awk '{ printf "%s %.3f\n", $1, $2 + $3 }' >> "$WORK/$name"
}

cat "$WORK/bench.pcap" > /dev/null   # the page cache, for both
for ((i = 0; i < RUNS; i++)); do
   timed tcptop "$TCPTOP" -r "$WORK/bench.pcap" -b --format csv --log "$WORK/log.csv"
   timed tshark "$TSHARK" -q -z conv,tcp -r "$WORK/bench.pcap"
done

# every connection's final client bytes, from the log (closed rows once; open ones at the end)
got=$(python3 - "$WORK/log.csv" <<'PY'
import csv, sys
last = {}
for r in csv.DictReader(open(sys.argv[1])):
    last[(r["laddr"], r["lport"], r["raddr"], r["rport"])] = int(r["tx_bytes"])
print(sum(last.values()))
PY
)

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
tw=$(cut -d' ' -f1 "$WORK/tcptop" | median) tc=$(cut -d' ' -f2 "$WORK/tcptop" | median)
sw=$(cut -d' ' -f1 "$WORK/tshark" | median) sc=$(cut -d' ' -f2 "$WORK/tshark" | median)
awk -v n="$PACKETS" -v runs="$RUNS" -v tw="$tw" -v tc="$tc" -v sw="$sw" -v sc="$sc" 'BEGIN {
   printf "\n%-34s %10s %10s %14s\n", "median of " runs, "wall s", "CPU s", "packets/s"
   printf "%-34s %10.3f %10.3f %14.0f\n", "tcptop -r -b --format csv --log", tw, tc, n / tw
   printf "%-34s %10.3f %10.3f %14.0f\n", "tshark -q -z conv,tcp (baseline)", sw, sc, n / sw
   printf "\nratio (wall): tcptop %.1f x tshark; CPU %.1f x; target >= 10 x: %s\n", sw / tw, sc / tc, \
      (sw / tw >= 10 ? "OK" : "MISSED")
}'
echo "replay check: client payload bytes in the log $got, written $expected: $([ "$got" = "$expected" ] && echo OK || echo MISSED)"
