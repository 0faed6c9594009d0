#!/bin/sh
# -b mode: -n and fractional -d, the three formats, --columns, and filters
# (--pid, --port, --proto, -4, -6) and --sort change what is printed as
# documented, on traffic the test makes (TCP over IPv4 and IPv6, UDP).
. "${srcdir:-.}/tests/root/lib.sh"
need_root
make_netns

in_netns python3 "$TRAFFIC" tcp 4 1000 60 > "$TMP/t4" &
in_netns python3 "$TRAFFIC" tcp 6 300000 60 > "$TMP/t6" &
in_netns python3 "$TRAFFIC" udploop 4 100 0.05 60 > "$TMP/u4" &
BG_PIDS="$(jobs -p | tr '\n' ' ')"
for f in t4 t6 u4; do wait_for_line pid "$TMP/$f" 10 || fail "traffic generator $f did not start"; done
p4=$(json_get "$TMP/t4" pid) port4=$(json_get "$TMP/t4" server_port) port6=$(json_get "$TMP/t6" server_port)

run() {   # NAME ARGS...: two intervals 0.3 s apart
   local name=$1
   shift
   "$TCPTOP" -b -n 2 -d 0.3 --cache-dir "$TMP/cache" "$@" > "$TMP/$name" 2> "$TMP/$name.err" ||
      { cat "$TMP/$name.err"; fail "$name: tcptop $* failed"; }
}
rows() {   # FILE PYTHON-EXPR: count of the last interval's CSV rows matching
   python3 - "$@" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
last = max(r["time"] for r in rows) if rows else None
print(sum(1 for r in rows if r["time"] == last and eval(sys.argv[2], {}, {"r": r})))
PY
}
C=time,proto,laddr,lport,raddr,rport,pid,state,tx_bytes

run text -d 0.25
expect_eq "-n 2: two intervals" "$(grep -c '^tcptop - ' "$TMP/text")" 2
expect_grep "text header" '^PROTO +LOCAL +LPORT +REMOTE +RPORT +PID +COMMAND +STATE +TX +RX ' "$TMP/text"

run all --format csv --columns $C
[ "$(rows "$TMP/all" "r['proto']=='udp'")" -ge 2 ] || fail "unfiltered: no UDP rows"
[ "$(rows "$TMP/all" "r['proto']=='tcp'")" -ge 4 ] || fail "unfiltered: fewer than 4 TCP rows"

run udp --format csv --columns $C --proto udp
expect_eq "--proto udp: no tcp rows" "$(rows "$TMP/udp" "r['proto']!='udp'")" 0
[ "$(rows "$TMP/udp" "True")" -ge 2 ] || fail "--proto udp: the UDP flows are missing"

run port --format csv --columns $C --port "$port4"
expect_eq "--port: both ends of that connection" "$(rows "$TMP/port" "True")" 2
expect_eq "--port: all rows use the port" "$(rows "$TMP/port" "'$port4' in (r['lport'], r['rport'])")" 2

run pid --format csv --columns $C --pid "$p4"
expect_eq "--pid: only that process" "$(rows "$TMP/pid" "r['pid']!='$p4'")" 0
expect_eq "--pid: its two ends" "$(rows "$TMP/pid" "True")" 2

run v6 --format csv --columns $C -6
expect_eq "-6: no IPv4 rows" "$(rows "$TMP/v6" "':' not in r['laddr']")" 0
expect_eq "-6: the IPv6 connection" "$(rows "$TMP/v6" "r['lport']=='$port6' or r['rport']=='$port6'")" 2
run v4 --format csv --columns $C -4
expect_eq "-4: no IPv6 rows" "$(rows "$TMP/v4" "':' in r['laddr']")" 0

run sorted --format csv --columns $C --sort tx_bytes
python3 - "$TMP/sorted" <<'PY' || fail "--sort tx_bytes is not descending"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
last = [int(r["tx_bytes"]) for r in rows if r["time"] == max(x["time"] for x in rows)]
assert last == sorted(last, reverse=True) and last[0] >= 300000, last
PY
run asc --format csv --columns $C --sort +lport
python3 - "$TMP/asc" <<'PY' || fail "--sort +lport is not ascending"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
last = [int(r["lport"]) for r in rows if r["time"] == max(x["time"] for x in rows)]
assert last == sorted(last) and len(last) >= 6, last
PY

run json --format json --columns proto,lport,pid,tx_bytes --port "$port6"
python3 - "$TMP/json" <<'PY' || fail "JSON output"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
assert len(lines) == 2, len(lines)
conns = lines[-1]["connections"]
assert len(conns) == 2 and all(set(c) == {"proto", "lport", "pid", "tx_bytes"} for c in conns), conns
assert max(c["tx_bytes"] for c in conns) == 300000, conns
assert lines[-1]["summary"]["lost_events"] == 0
PY
pass "-n, -d 0.25, text/csv/json, --columns, --pid, --port, --proto, -4, -6 and --sort behave as documented"
