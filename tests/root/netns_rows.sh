#!/bin/sh
# --netns shows every TCP row of its namespace in every interval, from the
# first: a row whose namespace is not known yet is left out. The rows that
# meet no process hook, no send or receive and, on some kernels, no state
# change after their record exists: connections accepted and idle (IPv6),
# connections waiting in a listener's accept queue (never accepted) and the
# clients whose SYN that full queue drops (SYN_SENT until they give up).
# The same connections in a second namespace, on the same ports: one tcptop
# takes the first by name, another the second by inode; each interval of
# each log must hold exactly its own namespace's rows, by port and state.
# (Before the namespace was read where the record is made, on 6.18 each
# SYN_SENT client was missing from every interval.)
. "${srcdir:-.}/tests/root/lib.sh"
need_root
command -v python3 > /dev/null || skip "python3 is not installed"

NSA="tcptop-netns_rows-$$-a"
NSB="tcptop-netns_rows-$$-b"
netns_cleanup() {
   for p in $BG_PIDS; do kill "$p" 2>/dev/null; done
   wait 2>/dev/null
   ip netns del "$NSA" 2>/dev/null
   ip netns del "$NSB" 2>/dev/null
   rm -rf "$TMP"
}
trap netns_cleanup EXIT
for ns in "$NSA" "$NSB"; do
   ip netns add "$ns" && ip -n "$ns" link set lo up || fail "cannot make the network namespace $ns"
done
INODE_A=$(stat -L -c %i "/run/netns/$NSA")
INODE_B=$(stat -L -c %i "/run/netns/$NSB")
PA=7201 PB=7202 N=3 HOLD_S=3

# hold.py PORT_A PORT_B N SECONDS: N connections to [::1]:PORT_A accepted
# and idle; to 127.0.0.1:PORT_B (listen backlog 0, never accepted) one
# connection at a time until the full accept queue drops a SYN, then one
# more. Prints "ready TIME ESTABLISHED SYN_SENT" (those to PORT_B), holds
# them SECONDS without a byte, prints "closing TIME" and exits.
cat > "$TMP/hold.py" <<'PY'
import socket, sys, time
pa, pb, n, hold = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
def state(s):   # tcpi_state: 1 ESTABLISHED, 2 SYN_SENT
    return s.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 8)[0]
def settled(s):   # loopback answers a SYN at once, or never (dropped)
    end = time.time() + 0.5
    while state(s) == 2 and time.time() < end:
        time.sleep(0.01)
    return state(s)
try:
    la = socket.socket(socket.AF_INET6)
    la.bind(("::1", pa))
except OSError as e:
    print("no IPv6 loopback: %s" % e, file=sys.stderr)
    sys.exit(77)
la.listen(16)
held = []
for _ in range(n):
    held.append(socket.create_connection(("::1", pa)))
    held.append(la.accept()[0])
lb = socket.socket()
lb.bind(("127.0.0.1", pb))
lb.listen(0)
queued = []
while len(queued) < 16:
    c = socket.socket()
    c.setblocking(False)
    c.connect_ex(("127.0.0.1", pb))
    queued.append(c)
    if settled(c) == 2:
        break
c = socket.socket()
c.setblocking(False)
c.connect_ex(("127.0.0.1", pb))
queued.append(c)
time.sleep(0.2)
states = [state(c) for c in queued]
est, syn = states.count(1), states.count(2)
if est + syn != len(queued) or syn != 2:
    print("unexpected client states %s" % states, file=sys.stderr)
    sys.exit(1)
print("ready %.3f %d %d" % (time.time(), est, syn), flush=True)
time.sleep(hold)
print("closing %.3f" % time.time(), flush=True)
PY

# the first compiles the probes into the cache, the second starts from it
start_batch "$TMP/a" "$TMP/a.err" -d 0.5 --netns "$NSA" --log "$TMP/a.csv"
PID_A=$TCPTOP_PID
start_batch "$TMP/b" "$TMP/b.err" -d 0.5 --netns "$INODE_B" --log "$TMP/b.csv"
PID_B=$TCPTOP_PID

for ns in a b; do
   [ $ns = a ] && name=$NSA || name=$NSB
   ip netns exec "$name" python3 "$TMP/hold.py" $PA $PB $N $HOLD_S > "$TMP/hold.$ns" 2> "$TMP/hold.$ns.err" &
   eval "HOLD_$ns=\$!"
   BG_PIDS="$BG_PIDS $!"
done
for ns in a b; do
   eval "wait \$HOLD_$ns"
   rc=$?
   [ $rc = 77 ] && skip "$(cat "$TMP/hold.$ns.err")"
   [ $rc = 0 ] || { cat "$TMP/hold.$ns.err"; fail "hold.py in namespace $ns failed"; }
done
sleep 1
for p in $PID_A $PID_B; do
   kill -INT $p
   wait $p
   expect_eq "tcptop exit status after SIGINT" $? 0
done
BG_PIDS=""
cat "$TMP/hold.a" "$TMP/hold.b"

check() {   # check LOG HOLD_OUTPUT INODE
   python3 - "$@" $PA $PB $N <<'PY'
import csv, sys
path, hold, inode, pa, pb, n = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], int(sys.argv[6])
words = open(hold).read().split()
ready, est, syn, closing = float(words[1]), int(words[2]), int(words[3]), float(words[5])
want = {("client", pa, "ESTABLISHED"): n, ("server", pa, "ESTABLISHED"): n,
        ("client", pb, "ESTABLISHED"): est, ("client", pb, "SYN_SENT"): syn,
        ("server", pb, "ESTABLISHED"): est}
got, first, times = {}, {}, set()
for r in csv.DictReader(open(path)):
    t = float(r["time"])
    times.add(t)
    if r["proto"] != "tcp" or pa not in (r["lport"], r["rport"]) and pb not in (r["lport"], r["rport"]):
        continue
    assert r["netns"].split(":")[0] == inode, r
    if ready < t < closing:
        role, port = ("server", r["lport"]) if r["lport"] in (pa, pb) else ("client", r["rport"])
        k = got.setdefault(t, {})
        k[(role, port, r["state"])] = k.get((role, port, r["state"]), 0) + 1
    first.setdefault((r["laddr"], r["lport"], r["raddr"], r["rport"]), (t, float(r["age_s"])))
times = sorted(times)
# a row first shown an interval late: opened before the interval before
# the first one it is in (age_s has a tenth of a second)
late = sum(1 for t, age in first.values() if times.index(t) > 0 and t - age < times[times.index(t) - 1] - 0.15)
wrong = {t: k for t, k in got.items() if k != want}
print("%s: %d intervals held, %d with other rows than the %d expected; %d rows first shown late"
      % (path.split("/")[-1], len(got), len(wrong), sum(want.values()), late))
for t, k in sorted(wrong.items())[:3]:
    print("  %.3f: %s" % (t, sorted(k.items())))
sys.exit(0 if len(got) >= 3 and not wrong and late == 0 else 1)
PY
}
check "$TMP/a.csv" "$TMP/hold.a" "$INODE_A" || fail "the rows of $NSA (--netns by name)"
check "$TMP/b.csv" "$TMP/hold.b" "$INODE_B" || fail "the rows of $NSB (--netns by inode)"
pass "every interval: each namespace's accepted, queued and SYN_SENT rows, none of the other's"
