#!/bin/sh
# The rates are the interval's bytes over its length: each row's tx_rate
# and rx_rate (bytes/s) times the time between its interval and the one
# before must be the bytes it gained, within rounding, and exactly 0 when
# it gained none. Rates come from the counters a row had before the
# interval's first change (ConnTable's list): a row the backend changed
# without listing it first would show 0 or a wrong rate. 40 TCP
# connections send bursts at random (some intervals idle), 6 UDP flows
# exchange a datagram every 0.3 s; -d 0.4 for about 6 s. Its ports (TCP
# 6351, UDP 6451-6456 and 6551-6556) are its own: tcptop sees every
# namespace, so two tests on one port count each other's rows.
. "${srcdir:-.}/tests/root/lib.sh"
need_root
make_netns

start_batch "$TMP/out" "$TMP/err" -d 0.4 --format csv \
   --columns time,proto,laddr,lport,raddr,rport,state,tx_bytes,rx_bytes,tx_rate,rx_rate,rate
in_netns python3 - > "$TMP/gen" <<'PY' &
import random, socket, threading, time
random.seed(7)
srv = socket.socket(); srv.bind(("127.0.0.1", 6351)); srv.listen(64)
cli, acc = [], []
for _ in range(40):
    cli.append(socket.create_connection(("127.0.0.1", 6351))); acc.append(srv.accept()[0])
def drain(s):
    while s.recv(65536):
        pass
for s in acc:
    threading.Thread(target=drain, args=(s,), daemon=True).start()
def udp(i):
    a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); a.bind(("127.0.0.1", 6451 + i))
    b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); b.bind(("127.0.0.1", 6551 + i))
    end = time.time() + 6.5
    while time.time() < end:
        a.sendto(b"u" * (100 + 37 * i), ("127.0.0.1", 6551 + i)); b.recv(2048)
        b.sendto(b"v" * (50 + i), ("127.0.0.1", 6451 + i)); a.recv(2048)
        time.sleep(0.3)
for i in range(6):
    threading.Thread(target=udp, args=(i,), daemon=True).start()
end = time.time() + 6.5
while time.time() < end:
    c = random.choice(cli)
    c.sendall(b"x" * random.choice([1, 100, 5000, 70000, 400000]))
    time.sleep(random.choice([0.001, 0.01, 0.05, 0.3]))
time.sleep(0.5)
for s in cli + acc:
    s.close()
time.sleep(1.0)
PY
GEN=$!
wait $GEN || fail "traffic generator failed"
sleep 0.5
stop_batch
python3 - "$TMP/out" <<'PY' || fail "a rate is not the interval's bytes over its length"
import csv, sys
last, bad, checked, moving, idle = {}, [], 0, 0, 0
for r in csv.DictReader(open(sys.argv[1])):
    ports = {int(r["lport"] or 0), int(r["rport"] or 0)}
    if not (6351 in ports or ports & set(range(6451, 6457)) or ports & set(range(6551, 6557))):
        continue   # tcptop sees every namespace: only this test's rows
    key = (r["proto"], r["laddr"], r["lport"], r["raddr"], r["rport"])
    t = float(r["time"])
    prev = last.get(key)
    last[key] = (t, r)
    if not prev or prev[1]["state"] == "CLOSED":
        continue
    dt = t - prev[0]
    for side in ("tx", "rx"):
        gained = int(r[side + "_bytes"]) - int(prev[1][side + "_bytes"])
        rate = float(r[side + "_rate"])
        checked += 1
        if gained == 0:
            idle += 1
            if rate != 0:
                bad.append("%s %s: no bytes gained, rate %s" % (key, side, r[side + "_rate"]))
        else:
            moving += 1
            if abs(rate * dt - gained) > max(2.0, 0.02 * gained):
                bad.append("%s %s at %.3f: %d bytes in %.3f s, rate %s" % (key, side, t, gained, dt, r[side + "_rate"]))
    if abs(float(r["rate"]) - float(r["tx_rate"]) - float(r["rx_rate"])) > 1:
        bad.append("%s: rate %s is not tx_rate + rx_rate" % (key, r["rate"]))
print("rates checked: %d (%d with bytes, %d without); problems: %d" % (checked, moving, idle, len(bad)))
for b in bad[:10]:
    print(b)
sys.exit(1 if bad or moving < 100 or idle < 100 else 0)
PY
pass "every rate equals the bytes of its interval over its length"
