#!/bin/sh
# TCP, end to end, IPv4 and IPv6: a client sends exactly N bytes to a server
# in one process, in a namespace of the test's own. tcptop must report
# tx_bytes = N on the client side and rx_bytes = N on the server side,
# exactly, with that PID and name, state ESTABLISHED, rtt_us > 0 and
# packets > 0, and then the connection CLOSED with the same bytes.
. "${srcdir:-.}/tests/root/lib.sh"
need_root
make_netns

N=4194321   # several MB, not a multiple of any buffer size
start_batch "$TMP/out" "$TMP/err" -d 0.2 --format csv \
   --columns proto,laddr,lport,raddr,rport,pid,comm,state,tx_bytes,rx_bytes,tx_packets,rx_packets,rtt_us

check_family() {   # FAMILY ADDR-REGEX
   in_netns python3 "$TRAFFIC" tcp "$1" $N 1.5 > "$TMP/gen$1" || fail "traffic generator failed"
   sleep 2.5   # the hold, and a sample after the close
   local pid=$(json_get "$TMP/gen$1" pid) sp=$(json_get "$TMP/gen$1" server_port)
   local cp=$(json_get "$TMP/gen$1" client_port)
   expect_eq "IPv$1 generator" "$(json_get "$TMP/gen$1" received)" $N
   local cli="r['lport']=='$cp' and r['rport']=='$sp'" srv="r['lport']=='$sp' and r['rport']=='$cp'"
   local est="and r['state']=='ESTABLISHED'"
   expect_eq "IPv$1 client tx_bytes" "$(csv_last "$TMP/out" "$cli $est" tx_bytes)" $N
   expect_eq "IPv$1 client rx_bytes" "$(csv_last "$TMP/out" "$cli $est" rx_bytes)" 0
   expect_eq "IPv$1 server rx_bytes" "$(csv_last "$TMP/out" "$srv $est" rx_bytes)" $N
   expect_eq "IPv$1 server tx_bytes" "$(csv_last "$TMP/out" "$srv $est" tx_bytes)" 0
   expect_eq "IPv$1 client pid" "$(csv_last "$TMP/out" "$cli $est" pid)" "$pid"
   expect_eq "IPv$1 server pid" "$(csv_last "$TMP/out" "$srv $est" pid)" "$pid"
   expect_eq "IPv$1 client comm" "$(csv_last "$TMP/out" "$cli $est" comm)" python3
   expect_eq "IPv$1 address" "$(csv_last "$TMP/out" "$cli $est" laddr)" "$2"
   expect_eq "IPv$1 proto" "$(csv_last "$TMP/out" "$cli $est" proto)" tcp
   for side in cli srv; do
      eval "expr=\$$side"
      [ "$(csv_last "$TMP/out" "$expr $est" rtt_us)" -gt 0 ] || fail "IPv$1 $side: rtt_us is not > 0"
      [ "$(csv_last "$TMP/out" "$expr $est" tx_packets)" -gt 0 ] || fail "IPv$1 $side: tx_packets is not > 0"
      [ "$(csv_last "$TMP/out" "$expr $est" rx_packets)" -gt 0 ] || fail "IPv$1 $side: rx_packets is not > 0"
   done
   expect_eq "IPv$1 client closed with its bytes" \
      "$(csv_last "$TMP/out" "$cli and r['state']=='CLOSED'" tx_bytes)" $N
   expect_eq "IPv$1 server closed with its bytes" \
      "$(csv_last "$TMP/out" "$srv and r['state']=='CLOSED'" rx_bytes)" $N
}

check_family 4 127.0.0.1
check_family 6 ::1
stop_batch
pass "IPv4 and IPv6: exactly $N bytes each way, with PID, name, state, RTT and packets"
