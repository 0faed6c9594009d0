#!/bin/sh
# Connections a listener queued but never accepted, then closed: no process
# ever had their sockets, so cgroup/sock_release never runs for them, and
# before tcp_state's tcp_destroy_sock program their rows stayed open in
# CLOSE (and their records in tcp_conns) for good. Every server end must be
# logged CLOSED, once, with the bytes its client sent (received by the
# kernel, never read: rx_bytes counts what the application read, so 0), and
# every client end CLOSED with its tx_bytes; nothing left open.
. "${srcdir:-.}/tests/root/lib.sh"
need_root
make_netns

N=12 PORT=6411
start_batch "$TMP/out" "$TMP/err" -d 0.3 --log "$TMP/log.csv"
sleep 0.5
in_netns python3 - $N $PORT > "$TMP/gen" <<'PY' || fail "traffic generator failed"
import json, socket, sys, time
n, port = int(sys.argv[1]), int(sys.argv[2])
srv = socket.socket(); srv.bind(("127.0.0.1", port)); srv.listen(n)
clients, sent = [], {}
for i in range(n):
    c = socket.create_connection(("127.0.0.1", port))
    c.sendall(b"q" * (10 + i))
    clients.append(c); sent[str(c.getsockname()[1])] = 10 + i
time.sleep(1.0)              # established and queued, some intervals long
srv.close()                  # never accepted: the kernel resets and destroys them
time.sleep(0.5)
for c in clients: c.close()
print(json.dumps(sent))
PY
sleep 1.5                    # a few intervals for the final lines
stop_batch
python3 - "$TMP/log.csv" "$TMP/gen" $PORT <<'PY' || fail "unaccepted connections not closed"
import csv, json, sys
sent, port = json.loads(open(sys.argv[2]).read()), sys.argv[3]
last, closed = {}, {}
for r in csv.DictReader(open(sys.argv[1])):
    if r["proto"] != "tcp" or port not in (r["lport"], r["rport"]):
        continue
    k = (r["lport"], r["rport"])
    last[k] = r
    if r["state"] == "CLOSED":
        closed[k] = closed.get(k, 0) + 1
bad = []
for p, n in sorted(sent.items()):
    s, c = last.get((port, p)), last.get((p, port))
    if not s or s["state"] != "CLOSED" or closed.get((port, p)) != 1:
        bad.append("server end %s: %s" % (p, s and s["state"]))
    if not c or c["state"] != "CLOSED" or c["tx_bytes"] != str(n):
        bad.append("client end %s: %s tx %s (sent %d)" % (p, c and c["state"], c and c["tx_bytes"], n))
open_rows = [k for k, r in last.items() if r["state"] != "CLOSED"]
print("connections: %d, problems: %d, rows left open: %d" % (len(sent), len(bad), len(open_rows)))
for b in bad[:10]:
    print(b)
sys.exit(1 if bad or open_rows or not sent else 0)
PY
pass "$N connections never accepted: both ends logged CLOSED once, none left open"
