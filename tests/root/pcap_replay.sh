#!/bin/sh
# tcptop -r: the scripted capture of tests/root/mkcapture.py in every link
# type (pcap and pcapng) gives the same rows: exact payload bytes (the
# retransmission not counted), packets, retransmits, states, the IPv6
# mid-stream flow, the UDP flow expiring on capture time, PKTAP's process;
# intervals are capture time; text, CSV, JSON and --log; --replay-speed
# paces the replay; a malformed packet is counted; bad files and flags get
# one error line.
. "${srcdir:-.}/tests/root/lib.sh"
MK="$top_srcdir/tests/root/mkcapture.py"
COLS=time,proto,laddr,lport,raddr,rport,pid,comm,state,tx_bytes,rx_bytes,tx_packets,rx_packets,rtt_us,retrans

for link in ethernet vlan sll sll2 raw null loop pktap; do
   for fmt in pcap pcapng; do
      cap="$TMP/$link.$fmt"
      python3 "$MK" capture "$cap" $link $fmt || fail "mkcapture.py $link $fmt failed"
      "$TCPTOP" -r "$cap" -b --format csv --columns $COLS > "$TMP/out" 2> "$TMP/err" || { cat "$TMP/err"; fail "$link $fmt: exit $?"; }
      expect_eq "$link $fmt stderr" "$(wc -c < "$TMP/err")" 0
      tcp="r['lport']=='40000' and r['state']=='CLOSED'"
      expect_eq "$link $fmt client bytes" "$(csv_last "$TMP/out" "$tcp" tx_bytes)/$(csv_last "$TMP/out" "$tcp" rx_bytes)" 5000/3000
      expect_eq "$link $fmt client packets" "$(csv_last "$TMP/out" "$tcp" tx_packets)/$(csv_last "$TMP/out" "$tcp" rx_packets)" 12/6
      expect_eq "$link $fmt retransmits" "$(csv_last "$TMP/out" "$tcp" retrans)" 1
      expect_eq "$link $fmt remote" "$(csv_last "$TMP/out" "$tcp" raddr):$(csv_last "$TMP/out" "$tcp" rport)" 10.0.0.2:80
      [ "$(csv_last "$TMP/out" "$tcp" rtt_us)" -gt 0 ] || fail "$link $fmt: rtt_us is not > 0"
      v6="r['lport']=='40001'"
      expect_eq "$link $fmt IPv6 mid-stream" "$(csv_last "$TMP/out" "$v6" laddr) $(csv_last "$TMP/out" "$v6" state) $(csv_last "$TMP/out" "$v6" tx_bytes)" "fd00::1 ESTABLISHED 700"
      expect_eq "$link $fmt UDP" "$(csv_last "$TMP/out" "r['proto']=='udp'" tx_bytes)/$(csv_last "$TMP/out" "r['proto']=='udp'" rx_bytes)" 80/200
   done
done
expect_eq "PKTAP process" "$(csv_last "$TMP/out" "$tcp" pid) $(csv_last "$TMP/out" "$tcp" comm)" "4242 curl"
"$TCPTOP" -r "$TMP/pktap.pcap" -b --format csv --columns lport,pid,user > "$TMP/out" || fail "PKTAP user column"
expect_eq "PKTAP: the user is not known" "$(csv_last "$TMP/out" "r['lport']=='40000'" user)" ""

cap="$TMP/ethernet.pcap"
# intervals of capture time: -d 1 prints at 1, 2, 3 s and the end (3.4 s)
"$TCPTOP" -r "$cap" -b --format csv --columns $COLS > "$TMP/out" || fail "csv replay failed"
expect_eq "interval times" "$(cut -d, -f1 "$TMP/out" | sed 1d | sort -u | tr '\n' ' ')" \
   "1700000001.000 1700000002.000 1700000003.000 1700000003.400 "
# UDP expiry on capture time: idle 3.3 s > 1 s, so the datagram at 3.4 s is a new flow
"$TCPTOP" -r "$cap" -b --format csv --columns $COLS --udp-timeout 1 > "$TMP/out" || fail "--udp-timeout replay failed"
expect_eq "expired UDP flow" "$(csv_last "$TMP/out" "r['proto']=='udp' and r['state']=='CLOSED'" tx_bytes)" 40
expect_eq "new UDP flow" "$(csv_last "$TMP/out" "r['proto']=='udp' and r['state']=='ACTIVE'" rx_bytes)" 0
# JSON and text: the malformed packet is counted
"$TCPTOP" -r "$cap" -b --format json > "$TMP/json" || fail "json replay failed"
python3 -c '
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
assert len(lines) == 5, len(lines)
assert lines[-1]["summary"]["malformed"] == 1, lines[-1]["summary"]
assert any(c["state"] == "CLOSED" and c["tx_bytes"] == 5000 for c in lines[-1]["connections"])
' "$TMP/json" || fail "JSON output"
"$TCPTOP" -r "$cap" -b > "$TMP/text" || fail "text replay failed"
expect_grep "text summary counts the malformed packet" 'lost events 0, malformed 1$' "$TMP/text"
# --log: the closed connection exactly once; -n stops early
"$TCPTOP" -r "$cap" -b --log "$TMP/log.csv" > /dev/null || fail "--log replay failed"
expect_eq "closed rows in the log" "$(grep -c ',40000,.*,CLOSED,' "$TMP/log.csv")" 1
"$TCPTOP" -r "$cap" -b -n 2 > "$TMP/text" || fail "-n 2 replay failed"
expect_eq "-n 2 tables" "$(grep -c '^tcptop - ' "$TMP/text")" 2

# pacing: 3.4 s of capture at 4x takes about 0.85 s; max (the -b default) much less
t0=$(date +%s%N); "$TCPTOP" -r "$cap" -b --replay-speed 4 > /dev/null; t1=$(date +%s%N)
"$TCPTOP" -r "$cap" -b > /dev/null; t2=$(date +%s%N)
paced=$(( (t1 - t0) / 1000000 )) fast=$(( (t2 - t1) / 1000000 ))
echo "replay at 4x: $paced ms; at max: $fast ms"
[ $paced -ge 800 ] && [ $paced -lt 2500 ] || fail "--replay-speed 4 took $paced ms, expected about 850"
[ $fast -lt 500 ] || fail "--replay-speed max took $fast ms"

# errors: one line each
check_error() {   # EXIT PATTERN ARGS...
   code=$1 pattern=$2; shift 2
   "$TCPTOP" "$@" > "$TMP/out" 2> "$TMP/err"; rc=$?
   expect_eq "exit of tcptop $*" $rc $code
   expect_eq "stderr lines of tcptop $*" "$(wc -l < "$TMP/err")" 1
   expect_grep "message of tcptop $*" "$pattern" "$TMP/err"
}
check_error 1 "^tcptop: cannot read capture $TMP/none: No such file or directory; give a pcap or pcapng file" -b -r "$TMP/none"
echo "not a capture" > "$TMP/text.pcap"
check_error 1 "^tcptop: cannot read capture $TMP/text.pcap: unknown file format; give a pcap or pcapng file" -b -r "$TMP/text.pcap"
python3 -c 'import struct,sys; open(sys.argv[1],"wb").write(struct.pack("<IHHiIII",0xa1b2c3d4,2,4,0,0,65535,105))' "$TMP/wifi.pcap"
check_error 1 "^tcptop: cannot read capture $TMP/wifi.pcap: link type IEEE802_11 \\(105\\) is not supported" -b -r "$TMP/wifi.pcap"
check_error 2 "^tcptop: invalid value '0' for --replay-speed: must be max or a number from 0.01 to 1000000$" -b -r "$cap" --replay-speed 0
check_error 2 "^tcptop: --replay-speed paces a replay: it needs -r FILE$" -b --replay-speed 2
check_error 2 "^tcptop: -r FILE replays a capture and -i IFACE captures live: give one of them$" -b -r "$cap" -i lo
check_error 2 "^tcptop: -r FILE needs the pcap backend, not --backend bpf$" -b -r "$cap" --backend bpf
check_error 2 "^tcptop: invalid value 'dpdk' for --backend: valid values are auto, bpf, pcap$" -b --backend dpdk
# a file cut short: what was read is shown, the cut counted and said once, exit 0
head -c 3000 "$cap" > "$TMP/cut.pcap"
"$TCPTOP" -r "$TMP/cut.pcap" -b > "$TMP/out" 2> "$TMP/err"; rc=$?
expect_eq "cut capture exit" $rc 0
expect_eq "cut capture stderr lines" "$(wc -l < "$TMP/err")" 1
expect_grep "cut capture message" "^tcptop: capture $TMP/cut.pcap ends early: truncated dump file" "$TMP/err"
expect_grep "cut capture counted" 'malformed 1$' "$TMP/out"
# the screen replays too, on the capture's clock, and keeps the last table
command -v tmux > /dev/null || fail "tmux is missing (scripts/install-deps installs it)"
cap="$TMP/ethernet.pcap"
tm new-session -d -x 160 -y 30 "TERM=screen $TCPTOP -r $cap --replay-speed 2; echo rc=\$? > $TMP/screen.rc; sleep 30"
i=0
while [ $i -lt 100 ]; do
   tm capture-pane -p > "$TMP/shot"
   grep -q 'replay ended' "$TMP/shot" && break
   sleep 0.1; i=$((i + 1))
done
cat "$TMP/shot"
expect_grep "screen: the replay ends on the screen" "packets from $cap \\(replay ended\\)" "$TMP/shot"
expect_grep "screen: the closed connection's row" '^tcp +10\.0\.0\.1 +40000 +10\.0\.0\.2 +80 .* CLOSED ' "$TMP/shot"
tm send-keys q
wait_for_line '^rc=0$' "$TMP/screen.rc" 10 || fail "screen: q did not end the replay's screen with exit 0"
tm kill-server 2>/dev/null
pass "8 link types x pcap/pcapng, capture-time intervals, UDP expiry, text/CSV/JSON/log, pacing, errors; the screen"
