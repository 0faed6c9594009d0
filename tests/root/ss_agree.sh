#!/bin/sh
# Long-lived connections agree with ss -tin. One connection is opened and
# used before tcptop starts (so it comes from sock_diag, with its counters
# and process), then both directions carry more data while tcptop runs.
# Once quiet, tcptop's rx_bytes must equal ss's bytes_received on both ends,
# and tx_bytes ss's bytes_acked, less 1 on the client: the kernel counts the
# SYN in the connecting side's bytes_acked. Packets are the kernel's
# segs_out and segs_in as of flow_skb's last snapshot, taken every 8
# segments sent: tx_packets at most 7 behind segs_out, rx_packets not
# ahead of segs_in.
. "${srcdir:-.}/tests/root/lib.sh"
need_root
make_netns

A=1500000 B=2600000
in_netns python3 "$TRAFFIC" longlived $A $B "$TMP/go" 30 > "$TMP/gen" &
GEN=$!
BG_PIDS="$GEN"
wait_for_line '"phase": 1' "$TMP/gen" 10 || fail "traffic generator did not start"
start_batch "$TMP/out" "$TMP/err" -d 0.2 --format csv --port "$(json_get "$TMP/gen" server_port)" \
   --columns proto,laddr,lport,raddr,rport,pid,comm,state,tx_bytes,rx_bytes,tx_packets,rx_packets
BG_PIDS="$GEN $TCPTOP_PID"
sleep 0.5
pid=$(json_get "$TMP/gen" pid) sp=$(json_get "$TMP/gen" server_port) cp=$(json_get "$TMP/gen" client_port)
cli="r['lport']=='$cp' and r['rport']=='$sp'" srv="r['lport']=='$sp' and r['rport']=='$cp'"
expect_eq "seeded connection: client pid" "$(csv_last "$TMP/out" "$cli" pid)" "$pid"
expect_eq "seeded connection: client tx_bytes" "$(csv_last "$TMP/out" "$cli" tx_bytes)" $A
expect_eq "seeded connection: server rx_bytes" "$(csv_last "$TMP/out" "$srv" rx_bytes)" $A
touch "$TMP/go"
wait_for_line '"phase": 2' "$TMP/gen" 10 || fail "phase 2 did not run"
sleep 1
in_netns ss -tinH state established > "$TMP/ss"
ss_field() {   # LOCAL-PORT FIELD
   python3 - "$TMP/ss" "$1" "$2" <<'PY'
import re, sys
lines = open(sys.argv[1]).read().split("\n")
for i, l in enumerate(lines):
    if re.search(r":%s\s" % sys.argv[2], l.split()[2] + " " if len(l.split()) > 2 else ""):
        m = re.search(r"\b%s:(\d+)" % sys.argv[3], lines[i + 1])
        print(m.group(1) if m else 0)
        break
PY
}
for side in cli srv; do
   eval "expr=\$$side"
   port=$cp; [ $side = srv ] && port=$sp
   acked=$(ss_field $port bytes_acked) received=$(ss_field $port bytes_received) syn=1
   [ $side = srv ] && syn=0
   [ -n "$acked" ] || { cat "$TMP/ss"; fail "ss does not list port $port"; }
   tx=$(csv_last "$TMP/out" "$expr" tx_bytes) rx=$(csv_last "$TMP/out" "$expr" rx_bytes)
   echo "$side: tcptop tx $tx rx $rx; ss bytes_acked $acked bytes_received $received"
   expect_eq "$side tx_bytes = bytes_acked - $syn" "$tx" $((acked - syn))
   expect_eq "$side rx_bytes = bytes_received" "$rx" "$received"
   expect_eq "$side total" "$tx" $((A + B))
   out=$(ss_field $port segs_out) in=$(ss_field $port segs_in)
   txp=$(csv_last "$TMP/out" "$expr" tx_packets) rxp=$(csv_last "$TMP/out" "$expr" rx_packets)
   echo "$side: tcptop tx_packets $txp rx_packets $rxp; ss segs_out $out segs_in $in"
   [ "$txp" -le "$out" ] && [ $((out - txp)) -lt 8 ] || fail "$side: tx_packets $txp is not within 8 of segs_out $out"
   [ "$rxp" -gt 0 ] && [ "$rxp" -le "$in" ] || fail "$side: rx_packets $rxp is not in 1..segs_in $in"
done
stop_batch
kill $GEN 2>/dev/null
pass "a connection older than tcptop and its new traffic agree with ss -tin on both ends"
