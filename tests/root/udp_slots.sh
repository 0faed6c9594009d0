#!/bin/sh
# UDP flows' counters live in slots that tcptop frees and the probes reuse,
# reached through a cache of recent flows that may be stale (see
# probes/tcptop.h, struct tcptop_udp_dir). Checked here:
#  - a flow that expired while its sockets stayed open, then traffic again
#    between the same two sockets: the old row keeps its counts (CLOSED),
#    and the new flow counts from zero, exactly, though the cache still
#    remembers the old flow's slot;
#  - one server socket with 5 peers in turn (each with a count of its own):
#    every flow exact on both ends, nothing counted into another's slot.
. "${srcdir:-.}/tests/root/lib.sh"
need_root
make_netns

TIMEOUT=1 K1=30 K2=17 S=111
start_batch "$TMP/out" "$TMP/err" -d 0.25 --format csv --udp-timeout $TIMEOUT --proto udp \
   --columns time,proto,laddr,lport,raddr,rport,pid,state,tx_bytes,rx_bytes,tx_packets,rx_packets,age_s

in_netns python3 "$TRAFFIC" udpagain 4 $K1 $K2 $S 3 2 > "$TMP/again" &
gen=$!
wait_for_line '"phase": 2' "$TMP/again" 20 || fail "udpagain: the traffic generator did not reach its second phase"
sleep 1
wait $gen
sp=$(json_get "$TMP/again" server_port) cp=$(json_get "$TMP/again" client_port)
python3 - "$TMP/out" "$cp" "$sp" $K1 $K2 $S <<'PY' || fail "a flow that expired and came back"
import csv, sys
path, cp, sp, k1, k2, size = sys.argv[1], sys.argv[2], sys.argv[3], *map(int, sys.argv[4:])
for side, lp, rp in (("client", cp, sp), ("server", sp, cp)):
    rows = [r for r in csv.DictReader(open(path)) if r["lport"] == lp and r["rport"] == rp]
    # a flow is told from the other by when it started (time - age): the
    # second started 3 s after the first
    lives = []
    for r in sorted(rows, key=lambda r: float(r["time"]) - float(r["age_s"])):
        start = float(r["time"]) - float(r["age_s"])
        if not lives or start - lives[-1][0] > 1.5:
            lives.append((start, []))
        lives[-1][1].append(r)
    lives = [sorted(life, key=lambda r: float(r["time"])) for _, life in lives]
    assert len(lives) == 2, "%s: %d flows between the two sockets, expected 2" % (side, len(lives))
    assert "CLOSED" in [r["state"] for r in lives[0]], "%s: the first flow never expired" % side
    for n, life, k in ((1, lives[0], k1), (2, lives[1], k2)):
        last = life[-1]
        for col, want in (("tx_bytes", k * size), ("rx_bytes", k * size), ("tx_packets", k), ("rx_packets", k)):
            assert int(last[col]) == want, "%s flow %d %s: got %s, expected %d" % (side, n, col, last[col], want)
    print("%s: first flow %d datagrams (CLOSED), the second %d" % (side, k1, k2))
PY

K=7 P=5
in_netns python3 "$TRAFFIC" udppeers 6 $P $K $S 2 > "$TMP/peers" &
gen=$!
wait_for_line pid "$TMP/peers" 20 || fail "udppeers: the traffic generator did not run"
sleep 1
wait $gen
python3 - "$TMP/out" "$TMP/peers" <<'PY' || fail "one server socket with 5 peers"
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1])))
g = json.loads(open(sys.argv[2]).readline())
k, size, sp = g["k"], g["size"], str(g["server_port"])
def last(lp, rp):
    m = [r for r in rows if r["lport"] == lp and r["rport"] == rp]
    assert m, "no row for %s -> %s" % (lp, rp)
    return m[-1]
for i, cp in enumerate(map(str, g["client_ports"])):
    n = (i + 1) * k
    for side, r in (("client", last(cp, sp)), ("server", last(sp, cp))):
        for col, want in (("tx_bytes", n * size), ("rx_bytes", n * size), ("tx_packets", n), ("rx_packets", n)):
            assert int(r[col]) == want, "peer %d %s %s: got %s, expected %d" % (i, side, col, r[col], want)
print("5 peers of one socket: %s datagrams each way, all exact" % ", ".join(str((i + 1) * k) for i in range(5)))
PY
stop_batch
pass "UDP slots: an IPv4 flow back after expiry counts from zero ($K1 then $K2 datagrams); an IPv6 socket's 5 peers each exact"
