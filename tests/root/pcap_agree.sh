#!/bin/sh
# The pcap backend agrees with the eBPF backend, exactly. A client and a
# server in two network namespaces joined by a veth pair exchange N and M
# bytes over IPv4 and IPv6. Segmentation offloads are off on both ends
# (ethtool -K tso/gso/gro off), so every segment on the wire is one packet
# in the capture and one in the kernel's segs_out/segs_in, which is what the
# eBPF backend reports as packets. Measured three ways at once:
#   - tcpdump -w on the client's veth, then tcptop -r capture -b --format csv;
#   - tcptop --backend pcap -i vc live in the client's namespace (with the
#     process found through sock_diag and /proc);
#   - tcptop -b (eBPF) in the root namespace (skipped in a --disable-bpf build).
# Each connection's closed row must have tx_bytes = N, rx_bytes = M, and the
# same tx_packets and rx_packets in all three.
. "${srcdir:-.}/tests/root/lib.sh"
need_root
command -v tcpdump > /dev/null || skip "tcpdump is not installed (scripts/install-deps installs it)"
command -v ethtool > /dev/null || skip "ethtool is not installed (scripts/install-deps installs it)"
make_netns
NS_S="$NETNS-s"
ip netns add "$NS_S" || fail "ip netns add failed"
trap 'cleanup; ip netns del "$NS_S" 2>/dev/null' EXIT
ip link add vc netns "$NETNS" type veth peer name vs netns "$NS_S" || fail "cannot make a veth pair"
ip -n "$NETNS" addr add 10.199.0.1/24 dev vc
ip -n "$NETNS" addr add fd99::1/64 dev vc nodad
ip -n "$NS_S" addr add 10.199.0.2/24 dev vs
ip -n "$NS_S" addr add fd99::2/64 dev vs nodad
ip -n "$NS_S" link set lo up
ip -n "$NETNS" link set vc up
ip -n "$NS_S" link set vs up
in_netns ethtool -K vc tso off gso off gro off > /dev/null 2>&1 || fail "ethtool -K vc failed"
ip netns exec "$NS_S" ethtool -K vs tso off gso off gro off > /dev/null 2>&1 || fail "ethtool -K vs failed"

N=3000017 M=1200007 PORT=5299
COLS=proto,laddr,lport,raddr,rport,pid,comm,state,tx_bytes,rx_bytes,tx_packets,rx_packets,rtt_us
EBPF=no
"$TCPTOP" -V | grep -q 'LLVM' && EBPF=yes
if [ $EBPF = yes ]; then
   start_batch "$TMP/ebpf" "$TMP/ebpf.err" -d 0.2 --format csv --columns $COLS --port $PORT
   EBPF_PID=$TCPTOP_PID
fi
ip netns exec "$NETNS" "$TCPTOP" -b --backend pcap -i vc -d 0.2 --format csv --columns $COLS > "$TMP/live" 2> "$TMP/live.err" &
LIVE_PID=$!
ip netns exec "$NETNS" tcpdump -i vc -s 0 -B 32768 -U -w "$TMP/cap.pcap" 2> "$TMP/tcpdump.err" &
DUMP_PID=$!
BG_PIDS="${EBPF_PID:-} $LIVE_PID $DUMP_PID"
wait_for_line 'listening on' "$TMP/tcpdump.err" 10 || { cat "$TMP/tcpdump.err"; fail "tcpdump did not start"; }
wait_for_line '^proto' "$TMP/live" 10 || { cat "$TMP/live.err"; fail "tcptop --backend pcap did not start"; }

for f in 4 6; do
   addr=10.199.0.2; [ $f = 6 ] && addr=fd99::2
   ip netns exec "$NS_S" python3 "$TRAFFIC" serve $addr $PORT $M > "$TMP/srv$f" &
   SRV=$!
   wait_for_line ready "$TMP/srv$f" 10 || fail "IPv$f server did not start"
   in_netns python3 "$TRAFFIC" connect $addr $PORT $N $M 0.6 > "$TMP/cli$f" || fail "IPv$f client failed"
   wait $SRV
   expect_eq "IPv$f server received" "$(sed -n 2p "$TMP/srv$f" | python3 -c 'import json,sys; print(json.load(sys.stdin)["received"])')" $N
   expect_eq "IPv$f client received" "$(json_get "$TMP/cli$f" received)" $M
done
sleep 1
kill -INT $DUMP_PID
wait $DUMP_PID
kill -INT $LIVE_PID
wait $LIVE_PID
expect_eq "tcptop --backend pcap exit status" $? 0
[ $EBPF = yes ] && stop_batch
BG_PIDS=""
dropped=$(sed -n 's/^\([0-9]*\) packets dropped by kernel$/\1/p' "$TMP/tcpdump.err")
[ "${dropped:-0}" = 0 ] || { cat "$TMP/tcpdump.err"; fail "tcpdump dropped $dropped packets: the capture is not complete"; }
"$TCPTOP" -r "$TMP/cap.pcap" -b --format csv --columns $COLS > "$TMP/replay" 2> "$TMP/replay.err" ||
   { cat "$TMP/replay.err"; fail "tcptop -r failed"; }

for f in 4 6; do
   cp=$(json_get "$TMP/cli$f" client_port) pid=$(json_get "$TMP/cli$f" pid)
   row="r['lport']=='$cp' and r['rport']=='$PORT' and r['state']=='CLOSED'"
   for src in replay live ebpf; do
      [ $src = ebpf ] && [ $EBPF = no ] && continue
      expect_eq "IPv$f $src tx_bytes" "$(csv_last "$TMP/$src" "$row" tx_bytes)" $N
      expect_eq "IPv$f $src rx_bytes" "$(csv_last "$TMP/$src" "$row" rx_bytes)" $M
   done
   tx=$(csv_last "$TMP/replay" "$row" tx_packets) rx=$(csv_last "$TMP/replay" "$row" rx_packets)
   echo "IPv$f: replay: tx_packets $tx rx_packets $rx, rtt_us $(csv_last "$TMP/replay" "$row" rtt_us)"
   [ "$tx" -gt $((N / 1500)) ] || fail "IPv$f: replay tx_packets $tx: the offloads were not off"
   expect_eq "IPv$f live tx_packets" "$(csv_last "$TMP/live" "$row" tx_packets)" "$tx"
   expect_eq "IPv$f live rx_packets" "$(csv_last "$TMP/live" "$row" rx_packets)" "$rx"
   expect_eq "IPv$f live pid (sock_diag + /proc)" "$(csv_last "$TMP/live" "$row" pid)" "$pid"
   expect_eq "IPv$f live comm" "$(csv_last "$TMP/live" "$row" comm)" python3
   if [ $EBPF = yes ]; then
      echo "IPv$f: eBPF: tx_packets $(csv_last "$TMP/ebpf" "$row" tx_packets) rx_packets $(csv_last "$TMP/ebpf" "$row" rx_packets)"
      expect_eq "IPv$f eBPF tx_packets = capture" "$(csv_last "$TMP/ebpf" "$row" tx_packets)" "$tx"
      expect_eq "IPv$f eBPF rx_packets = capture" "$(csv_last "$TMP/ebpf" "$row" rx_packets)" "$rx"
   fi
   [ "$(csv_last "$TMP/replay" "$row" rtt_us)" -gt 0 ] || fail "IPv$f: replay rtt_us is not > 0"
done
also=""; [ $EBPF = yes ] && also=" and eBPF"
pass "IPv4 and IPv6: capture replay, live capture$also agree: exactly $N and $M bytes, the same packets"
