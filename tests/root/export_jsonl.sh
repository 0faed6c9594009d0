#!/bin/sh
# -b --format jsonl: one JSON object per connection per interval, and one
# for each closed connection, flagged "closed":true, exactly once, with the
# same keys in the same order on every line. A connection (N bytes one way,
# 8 back) held 2 s is seen open in several intervals, then closed once with
# its bytes. The eBPF backend when built (both ends: two rows, the client's
# pid on its own end only), else the pcap backend on the namespace's lo
# (one flow: one row).
. "${srcdir:-.}/tests/root/lib.sh"
need_root
make_netns
N=700001
BACKEND="--backend pcap -i lo" ROWS=1   # the client's row
"$TCPTOP" -V | grep -q 'LLVM' && BACKEND="--backend bpf"
PORT=5398
nsenter --net="/run/netns/$NETNS" "$TCPTOP" -b --format jsonl -d 0.5 --port $PORT --cache-dir "$PROBE_CACHE" \
   $AVOID_ARGS $BACKEND < /dev/null > "$TMP/out" 2> "$TMP/err" &
TCPTOP_PID=$!
BG_PIDS="$BG_PIDS $TCPTOP_PID"
# exchange NBYTES SEND HOLD OUT: the server (port PORT) and the client
exchange() {
   in_netns python3 "$TRAFFIC" serve 127.0.0.1 $PORT $2 > "$TMP/serve" &
   local serve=$!
   wait_for_line ready "$TMP/serve" 10 || fail "the server did not start"
   in_netns python3 "$TRAFFIC" connect 127.0.0.1 $PORT $1 $2 $3 > "$4" || fail "the client failed"
   wait $serve
}
# a line comes only with a connection: small ones until the probes see one
i=0
until grep -q . "$TMP/out" 2>/dev/null || [ $i -ge 100 ]; do
   exchange 100 10 0 /dev/null
   sleep 0.5
   i=$((i + 1))
done
grep -q . "$TMP/out" || { cat "$TMP/err"; fail "tcptop printed nothing"; }
exchange $N 8 2 "$TMP/gen"
PID=$(json_get "$TMP/gen" pid)
sleep 7   # closed, printed, then forgotten after 5 s
stop_batch
python3 - "$TMP/out" "$PID" "$N" "$ROWS" <<'PY' || fail "jsonl output is wrong (see above)"
import json, sys
path, pid, n, rows = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
lines = [json.loads(l) for l in open(path)]
keys = {tuple(o.keys()) for o in lines}
if len(keys) != 1:
    sys.exit("lines with different keys: %s" % keys)
k = next(iter(keys))
if k[:2] != ("time", "closed"):
    sys.exit("the first keys are %s, not time, closed" % (k[:2],))
mine = [o for o in lines if o.get("pid") == pid]
closed = [o for o in mine if o["closed"]]
open_ = [o for o in mine if not o["closed"]]
ends = {(o["lport"], o["rport"]) for o in closed}
for o in mine:
    print(json.dumps(o))
print("lines %d, of the connection: %d open, %d closed" % (len(lines), len(open_), len(closed)))
if len(closed) != rows or len(ends) != rows:
    sys.exit("closed lines of the connection: %d (ends %s), expected %d, once each" % (len(closed), ends, rows))
if len(open_) < 2 * rows:
    sys.exit("open lines of the connection: %d, expected one per end per interval for 2 s" % len(open_))
if sorted(o["tx_bytes"] + o["rx_bytes"] for o in closed) != [n + 8] * rows:
    sys.exit("closed lines' bytes: %s, expected %d on each" % ([(o["tx_bytes"], o["rx_bytes"]) for o in closed], n))
if any(o["state"] != "CLOSED" for o in closed):
    sys.exit("a closed line's state is not CLOSED")
PY
pass "one closed line with its $N + 8 bytes, open lines every interval, stable keys"
