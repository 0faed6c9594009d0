#!/bin/sh
# tcptop reads a TCP connection's counters only when its line in tcp_counts
# is marked dirty: an unchanged connection must not go stale (missing, or
# an old value), a changed one must not be missed. 300 connections held
# open: all send once, then in 5 phases a third of them (busy) send a few
# more bytes each; after each phase, once the server has read every byte,
# every interval of the CSV (-d 0.2) until the next phase must have all
# 600 ends, each with exactly the bytes sent so far (client tx, server rx),
# idle and busy alike; and at the end the CLOSED rows with the same bytes.
. "${srcdir:-.}/tests/root/lib.sh"
need_root
make_netns

N=300 PHASES=5
start_batch "$TMP/out" "$TMP/err" -d 0.2 --format csv \
   --columns time,proto,lport,rport,state,tx_bytes,rx_bytes
in_netns python3 - $N $PHASES > "$TMP/gen" <<'PY' || fail "traffic generator failed"
import json, socket, sys, threading, time
n, phases = int(sys.argv[1]), int(sys.argv[2])
srv = socket.socket(); srv.bind(("127.0.0.1", 6201)); srv.listen(n)
cli, acc = [], []
for _ in range(n):
    cli.append(socket.create_connection(("127.0.0.1", 6201))); acc.append(srv.accept()[0])
got = [0] * n
def reader():
    import selectors
    sel = selectors.DefaultSelector()
    for i, s in enumerate(acc): sel.register(s, selectors.EVENT_READ, i)
    while True:
        for key, _ in sel.select(0.1):
            d = key.fileobj.recv(65536)
            if not d: sel.unregister(key.fileobj); continue
            got[key.data] += len(d)
threading.Thread(target=reader, daemon=True).start()
sent = [0] * n
def send(i, k):
    cli[i].sendall(b"x" * k); sent[i] += k
def settle():
    while got != sent: time.sleep(0.01)
time.sleep(0.6)                        # rows made and read with no bytes yet
for i in range(n): send(i, 1000 + i)
settle()
ports = [c.getsockname()[1] for c in cli]
for p in range(1, phases + 1):
    t = time.time()
    print(json.dumps({"phase": p, "settled": t, "next": t + 1.0, "sent": dict(zip(map(str, ports), sent))}), flush=True)
    time.sleep(1.0)
    for i in range(0, n, 3): send(i, 10 * p + i % 7 + 1)
    settle()
t = time.time()
print(json.dumps({"phase": phases + 1, "settled": t, "next": t + 1.0, "sent": dict(zip(map(str, ports), sent))}), flush=True)
time.sleep(1.0)
for s in cli + acc: s.close()
time.sleep(0.8)
PY
sleep 1
stop_batch
python3 - "$TMP/out" "$TMP/gen" <<'PY' || fail "a row went stale or was missed"
import csv, json, sys
phases = [json.loads(l) for l in open(sys.argv[2])]
rows = {}                                    # time -> {(lport, rport): row}
closed = {}
for r in csv.DictReader(open(sys.argv[1])):
    if r["proto"] != "tcp" or "6201" not in (r["lport"], r["rport"]):
        continue
    if r["state"] == "CLOSED":
        closed[(r["lport"], r["rport"])] = r
    rows.setdefault(float(r["time"]), {})[(r["lport"], r["rport"])] = r
bad, checked = [], 0
for ph in phases:
    want = ph["sent"]
    times = [t for t in rows if ph["settled"] + 0.25 <= t <= ph["next"] - 0.05]
    if len(times) < 2:
        bad.append("phase %d: %d intervals in its window" % (ph["phase"], len(times)))
    for t in times:
        at = rows[t]
        checked += 1
        if len(at) != 2 * len(want):
            bad.append("phase %d, %.3f: %d ends, expected %d" % (ph["phase"], t, len(at), 2 * len(want)))
        for port, n in want.items():
            c, s = at.get((port, "6201")), at.get(("6201", port))
            if not c or not s or c["tx_bytes"] != str(n) or s["rx_bytes"] != str(n):
                bad.append("phase %d, %.3f, port %s: client tx %s, server rx %s, expected %d" % (
                    ph["phase"], t, port, c and c["tx_bytes"], s and s["rx_bytes"], n))
final = phases[-1]["sent"]
for port, n in final.items():
    c, s = closed.get((port, "6201")), closed.get(("6201", port))
    if not c or not s or c["tx_bytes"] != str(n) or s["rx_bytes"] != str(n):
        bad.append("closed, port %s: client tx %s, server rx %s, expected %d" % (
            port, c and c["tx_bytes"], s and s["rx_bytes"], n))
print("intervals checked: %d, each with %d ends; problems: %d" % (checked, 2 * len(final), len(bad)))
for b in bad[:10]:
    print(b)
sys.exit(1 if bad or checked < 2 * len(phases) else 0)
PY
pass "$N connections, idle and busy, exact in every interval of $PHASES phases and when closed"
