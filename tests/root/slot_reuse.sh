#!/bin/sh
# TCP slots of tcp_counts are reused: a map of 1,024 connections
# ([probes] max_tcp_connections) and 12 waves of 150 connections (300
# sockets each, 3,600 in all), each wave opened, its bytes sent, closed,
# then 0.7 s (3 intervals at -d 0.2: a final line's slot is freed a sample
# after it is read). Without reuse the slots run out at the fourth wave.
# Every connection must be logged CLOSED with its exact bytes (client tx,
# server rx), once, and 0 lost events.
. "${srcdir:-.}/tests/root/lib.sh"
need_root
machine_alone
make_netns

WAVES=12 PER=150
printf '[probes]\nmax_tcp_connections = 1024\n' > "$TMP/small.conf"
start_batch "$TMP/out" "$TMP/err" -d 0.2 -c "$TMP/small.conf" --log "$TMP/log.csv"
sleep 1
in_netns python3 - $WAVES $PER > "$TMP/gen" <<'PY' || fail "traffic generator failed"
import json, socket, sys, time
waves, per = int(sys.argv[1]), int(sys.argv[2])
srv = socket.socket(); srv.bind(("127.0.0.1", 6301)); srv.listen(per)
sent = {}
for w in range(waves):
    pairs = []
    for i in range(per):
        c = socket.create_connection(("127.0.0.1", 6301)); pairs.append((c, srv.accept()[0]))
    for i, (c, s) in enumerate(pairs):
        n = 100 + w * per + i
        c.sendall(b"y" * n)
        got = 0
        while got < n: got += len(s.recv(65536))
        sent[str(c.getsockname()[1]) + "/" + str(w)] = n
    for c, s in pairs: c.close(); s.close()
    time.sleep(0.7)
print(json.dumps(sent))
PY
sleep 1
stop_batch
lost=$(grep -oE 'lost events [0-9]+' "$TMP/out" | tail -1 | cut -d' ' -f3)
python3 - "$TMP/log.csv" "$TMP/gen" "${lost:-0}" <<'PY'
import csv, json, sys
sent = json.loads(open(sys.argv[2]).read())
lost = int(sys.argv[3])
closed, foreign = {}, {}
for r in csv.DictReader(open(sys.argv[1])):
    if r["proto"] != "tcp":
        continue
    if "6301" not in (r["lport"], r["rport"]):
        foreign[r["time"]] = foreign.get(r["time"], 0) + 1
        continue
    if r["state"] == "CLOSED":
        k = (r["lport"], r["rport"])
        closed.setdefault(k, []).append(r)
# a client port may be used again in a later wave: its closed rows in order
bad, seen = [], {}
for key in sorted(sent, key=lambda k: int(k.split("/")[1])):
    port, n = key.split("/")[0], sent[key]
    i = seen.get(port, 0); seen[port] = i + 1
    c = closed.get((port, "6301"), [])
    s = closed.get(("6301", port), [])
    if i >= len(c) or i >= len(s) or c[i]["tx_bytes"] != str(n) or s[i]["rx_bytes"] != str(n):
        bad.append("%s: expected %d" % (key, n))
dups = sum(len(v) for v in closed.values()) - 2 * len(sent)
busiest = max(foreign.values(), default=0)
print("connections: %d, wrong or missing: %d, extra closed rows: %d, lost events: %d, other TCP rows (most): %d"
      % (len(sent), len(bad), dups, lost, busiest))
for b in bad[:10]:
    print(b)
if (bad or lost) and busiest > 300:
    print("SKIP-REASON: other connections on this machine (%d rows) filled the 1,024-slot map" % busiest)
    sys.exit(77)
sys.exit(1 if bad or dups or lost else 0)
PY
rc=$?
[ $rc -eq 77 ] && skip "other traffic on this machine filled the test's 1,024-slot map"
[ $rc -eq 0 ] || fail "connections missing, or bytes wrong"
pass "$((WAVES * PER)) connections through a map of 1,024: each logged closed with its bytes, 0 lost"
