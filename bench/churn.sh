#!/usr/bin/env bash
# churn.sh: does tcptop log every connection of a fast churn, without lost
# events? 10,000 short TCP connections per second for 10 s.
#
#   bench/churn.sh [-r RATE] [-d SECONDS] [-B BYTES]
#
#   -r RATE      connections per second (default 10000)
#   -d SECONDS   how long (default 10: 100,000 connections)
#   -B BYTES     bytes each client sends before it closes (default 100)
#
# In a private network namespace, bench/netgen.c (`netgen churn`, C: Python
# does not reach 5,000/s on 2 CPUs) connects to a local server, writes BYTES,
# and closes, paced at RATE; the server (a thread) accepts, reads to EOF and
# closes. netgen writes the client port of every connection to a file.
# Meanwhile one tcptop runs:
#     tcptop -b -d 1 --format json --columns proto,state --log LOGFILE > OUT
# (JSON on stdout for its summary.lost_events; the --log CSV has every
# column). After the churn, until no connection is open (30 s at most), and 3 s
# for the last closes to be logged, then SIGINT,
# and the log is checked:
#   - client ends: a CLOSED row with rport = the server's port and
#     tx_bytes = BYTES for every (client port, connection) netgen made
#     (matched as a multiset: a port reused within the run counts twice);
#   - server ends: CLOSED rows with lport = the server's port and
#     rx_bytes = BYTES, counted;
#   - lost events: summary.lost_events of the last JSON line.
# Prints the achieved rate, the counts found against expected, lost events,
# and tcptop's CPU during the churn. Targets: every connection logged (both
# ends), 0 lost events. The baseline is the generator itself: what it made
# (its own port list) is what tcptop must show. Exits 0 when a target is
# missed and when not root (skipped); 1 on set-up errors.
#
# Environment: TCPTOP (binary; default: the build tree's), CC (default gcc),
# PYTHON (default /usr/bin/python3, else python3; stdlib only).

set -euo pipefail

# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

RATE=10000
SECONDS_RUN=10
BYTES=100
SETTLE=2                                  # seconds after the probes are attached before the churn
DRAIN=3                                   # seconds after the churn before SIGINT
PORT=5001

NS="tcptop-bench-churn-$$"

cleanup() {
   bench_stop 200
}

# wait_closed: until the namespace's connections are all closed or in
# TIME_WAIT (30 s at most): under load a few clients' FINs wait for a
# retransmission in FIN_WAIT1 for seconds (244 of 60,000 at 5,000/s, with
# the kernel matrix's qemu beside it), and a connection still open at the
# end is not a closed row tcptop could have logged. Prints how long it took.
wait_closed() {
   local i open=0
   for ((i = 0; i < 300; i++)); do
      open=$(ip netns exec "$NS" ss -Htan state connected exclude time-wait | wc -l)
      [ "$open" -eq 0 ] && break
      sleep 0.1
   done
   echo "connections closed $((i / 10)).$((i % 10)) s after the churn ($open still open)" >"$WORK/closed.out"
}

# check: reads netgen's port list, tcptop's log and JSON output; prints the
# report lines and "RESULT found expected server lost" last.
check() {
   "$PY" - "$WORK/ports" "$WORK/log.csv" "$WORK/out.json" "$PORT" "$BYTES" <<'EOF'
import collections, csv, json, sys

ports_file, log_file, json_file, port, nbytes = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
with open(ports_file) as f:
    want = collections.Counter(line.strip() for line in f if line.strip())
expected = sum(want.values())

found = collections.Counter()
client_closed = client_wrong = server_closed = server_wrong = 0
seen_live = set()          # client ports seen in any non-CLOSED row
with open(log_file, newline="") as f:
    for row in csv.DictReader(f):
        if row.get("proto") != "tcp":
            continue
        closed = row.get("state") == "CLOSED"
        if row.get("rport") == port and row.get("laddr") == "127.0.0.1":
            if not closed:
                seen_live.add(row["lport"])
                continue
            client_closed += 1
            if row.get("tx_bytes") == nbytes:
                found[row["lport"]] += 1
            else:
                client_wrong += 1
        elif row.get("lport") == port and closed:
            server_closed += 1
            if row.get("rx_bytes") != nbytes:
                server_wrong += 1

matched = sum(min(n, found[p]) for p, n in want.items())
extra = sum(max(0, n - want[p]) for p, n in found.items())
missing_ports = [p for p, n in want.items() if found[p] < n]
live_only = sum(1 for p in missing_ports if p in seen_live)

lost = None
intervals = 0
max_rows = 0
with open(json_file) as f:
    for line in f:
        line = line.strip()
        if not line:
            continue
        try:
            obj = json.loads(line)
        except ValueError:
            continue
        intervals += 1
        lost = obj["summary"]["lost_events"]
        max_rows = max(max_rows, len(obj.get("connections", [])))

print(f"client ends: {matched} of {expected} connections logged CLOSED with tx_bytes={nbytes}"
      f" ({client_closed} CLOSED client rows; {client_wrong} with other tx_bytes; {extra} beyond the generator's list)")
if missing_ports:
    print(f"   missing: {len(missing_ports)} client ports, e.g. {', '.join(missing_ports[:8])}"
          f" ({live_only} of them seen in a live row, never CLOSED)")
print(f"server ends: {server_closed} CLOSED rows with lport={port} ({server_closed - server_wrong} with rx_bytes={nbytes})")
print(f"tcptop intervals: {intervals}, most rows in one interval: {max_rows}")
print(f"RESULT {matched} {expected} {server_closed - server_wrong} {lost if lost is not None else 'n/a'}")
EOF
}

# option LETTER VALUE: one option (bench_options).
option() {
   case $1 in
      r) RATE=$2 ;;
      d) SECONDS_RUN=$2 ;;
      B) BYTES=$2 ;;
   esac
}

main() {
   bench_options "r:d:B:" "$@"
   need_positive -r "$RATE"
   need_positive -d "$SECONDS_RUN" seconds
   [[ "$BYTES" =~ ^[0-9]+$ ]] || die "-B wants a number of bytes, not '$BYTES'"

   skip_unless_root
   need_tcptop
   PY=$(find_python) || die "python3 not found"
   CC=${CC:-gcc}
   need_cmd "$CC" "set CC"
   need_cmd bpftool
   local count=$((RATE * SECONDS_RUN))

   bench_scratch
   load_setup

   tcptop_banner
   echo "machine: $(uname -sr), $(nproc) CPUs; $RATE connections/s for $SECONDS_RUN s ($count), $BYTES bytes each"

   tcptop_start tcptop "$WORK/out.json" "$WORK/tcptop.err" \
      "$TCPTOP_BIN" -b -d 1 --format json --columns proto,state --log "$WORK/log.csv"
   run_fg sleep "$SETTLE"

   local m cpu_pct
   m=$(cpu_mark "$TCPTOP_PID")
   run_fg ip netns exec "$NS" "$WORK/netgen" churn 127.0.0.1 "$PORT" "$RATE" "$count" "$BYTES" "$WORK/ports" \
      >"$WORK/churn.out" 2>"$WORK/churn.err" || die "netgen churn failed: $(cat "$WORK/churn.err")"
   cpu_pct=$(cpu_since "$m" "$TCPTOP_PID" | awk '{ printf "%.1f", $1 }')
   wait_closed
   run_fg sleep "$DRAIN"
   local rc=0
   tcptop_stop 200 || rc=$?
   [ "$rc" -eq 0 ] || echo "note: tcptop exited with status $rc: $(tail -n 3 "$WORK/tcptop.err")"

   # churn CONNECTIONS SECONDS RATE SERVER_CONNS SERVER_BYTES FAILED
   local made secs achieved server_conns failed
   read -r _ made secs achieved server_conns _ failed <"$WORK/churn.out"
   echo
   echo "generator: $made connections in $secs s: $achieved/s (asked $RATE/s); server accepted $server_conns; $failed connects failed"
   awk -v a="$achieved" -v r="$RATE" 'BEGIN { if (a < 0.95 * r) printf "   note: below the rate asked (%.0f%%): the test is weaker than asked\n", 100 * a / r }'
   echo "tcptop CPU during the churn: $cpu_pct% of a core (utime + stime)"
   cat "$WORK/closed.out"
   echo

   check >"$WORK/check.out" || die "could not read tcptop's log or output"
   grep -v '^RESULT ' "$WORK/check.out"
   local matched expected server lost
   read -r _ matched expected server lost < <(grep '^RESULT ' "$WORK/check.out")

   echo
   printf '%-44s %10s %10s   %s\n' "churn benchmark" "found" "expected" "target"
   printf '%-44s %10s %10s   %s\n' "client ends logged (CLOSED, tx_bytes=$BYTES)" "$matched" "$expected" \
          "all: $( [ "$matched" -eq "$expected" ] && echo OK || echo MISSED)"
   printf '%-44s %10s %10s   %s\n' "server ends logged (CLOSED, rx_bytes=$BYTES)" "$server" "$server_conns" \
          "all: $( [ "$server" -ge "$server_conns" ] && echo OK || echo MISSED)"
   if [ "$lost" = n/a ]; then
      printf '%-44s %10s %10s   %s\n' "lost events (summary.lost_events)" "n/a" "0" "MISSED (no JSON summary)"
   else
      printf '%-44s %10s %10s   %s\n' "lost events (summary.lost_events)" "$lost" "0" "0: $(verdict "$lost" 0)"
   fi
   if [ -s "$WORK/tcptop.err" ]; then
      echo
      echo "tcptop stderr:"
      sed 's/^/  /' "$WORK/tcptop.err" | tail -n 10
   fi
}

main "$@"
