#!/bin/sh
# UDP flows: K datagrams of S bytes each way between two sockets of one
# process: bytes = K*S and packets = K on both flows, with that PID; with
# no more traffic the flows go IDLE, then CLOSED once --udp-timeout passes,
# while the sockets are still open.
. "${srcdir:-.}/tests/root/lib.sh"
need_root
make_netns

K=200 S=1234 TIMEOUT=2
start_batch "$TMP/out" "$TMP/err" -d 0.25 --format csv --udp-timeout $TIMEOUT --proto udp \
   --columns time,proto,laddr,lport,raddr,rport,pid,comm,state,tx_bytes,rx_bytes,tx_packets,rx_packets

for fam in 4 6; do
   in_netns python3 "$TRAFFIC" udp $fam $K $S 5 > "$TMP/gen$fam" &
   gen=$!
   wait_for_line pid "$TMP/gen$fam" 10 || fail "IPv$fam: traffic generator did not run"
   sleep 1
   pid=$(json_get "$TMP/gen$fam" pid) sp=$(json_get "$TMP/gen$fam" server_port) cp=$(json_get "$TMP/gen$fam" client_port)
   cli="r['lport']=='$cp' and r['rport']=='$sp'" srv="r['lport']=='$sp' and r['rport']=='$cp'"
   for side in cli srv; do
      eval "expr=\$$side"
      for col in tx_bytes rx_bytes; do
         expect_eq "IPv$fam $side $col" "$(csv_last "$TMP/out" "$expr" $col)" $((K * S))
      done
      for col in tx_packets rx_packets; do
         expect_eq "IPv$fam $side $col" "$(csv_last "$TMP/out" "$expr" $col)" $K
      done
      expect_eq "IPv$fam $side pid" "$(csv_last "$TMP/out" "$expr" pid)" "$pid"
   done
   wait $gen
done
# Each flow: ACTIVE, then IDLE, then CLOSED after the timeout (the sockets
# lived 5 s after the last datagram, longer than the 2 s timeout).
python3 - "$TMP/out" "$TMP/gen4" $TIMEOUT <<'PY' || fail "UDP flow life cycle"
import csv, json, sys
gen = json.loads(open(sys.argv[2]).readline())
timeout = float(sys.argv[3])
rows = [r for r in csv.DictReader(open(sys.argv[1]))
        if r["lport"] == str(gen["client_port"]) and r["rport"] == str(gen["server_port"])]
states = [r["state"] for r in rows]
seq = [s for i, s in enumerate(states) if i == 0 or states[i - 1] != s]
print("client flow states:", " -> ".join(seq))
assert seq[:3] == ["ACTIVE", "IDLE", "CLOSED"], seq
idle_at = float(next(r["time"] for r in rows if r["state"] == "IDLE"))
closed_at = float(next(r["time"] for r in rows if r["state"] == "CLOSED"))
active_last = max(float(r["time"]) for r in rows if r["state"] == "ACTIVE")
print("idle for %.2f s before CLOSED (timeout %.1f s)" % (closed_at - active_last, timeout))
assert timeout - 0.3 <= closed_at - active_last <= timeout + 1.0
PY
stop_batch
pass "UDP: $K datagrams of $S bytes each way counted exactly (IPv4, IPv6); ACTIVE -> IDLE -> CLOSED after ${TIMEOUT}s"
