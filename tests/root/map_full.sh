#!/bin/sh
# A map of TCP connections deliberately tiny ([probes] max_tcp_connections =
# 64 from a -c file, set at load time) and 150 connections held open at once
# (300 sockets): the ones that found it full are counted as lost, and one
# line, in the -b summary and once on stderr, says how many and names the
# setting to raise. The maps really have the size asked for.
. "${srcdir:-.}/tests/root/lib.sh"
need_root
machine_alone
make_netns

printf '[probes]\nmax_tcp_connections = 64\nmax_udp_flows = 128\n' > "$TMP/small.conf"
start_batch "$TMP/out" "$TMP/err" -d 0.5 -c "$TMP/small.conf"
in_netns python3 - 150 <<'PY' || fail "traffic generator failed"
import socket, sys, time
n = int(sys.argv[1])
srv = socket.socket(); srv.bind(("127.0.0.1", 0)); srv.listen(n)
cli = []
for _ in range(n):
    c = socket.create_connection(srv.getsockname()); cli.append(c); cli.append(srv.accept()[0])
time.sleep(1.5)
for s in cli: s.close()
PY
wait_for_line 'connections not tracked' "$TMP/out" 10 || true
sleep 1
stop_batch
line='^[0-9]+ connections not tracked: the map of TCP connections is full \(64\): raise \[probes\] max_tcp_connections$'
expect_grep "summary line naming the setting" "$line" "$TMP/out"
expect_eq "said once on stderr" "$(grep -cE "^tcptop: ${line#^}" "$TMP/err")" 1
n=$(grep -E "$line" "$TMP/out" | tail -1 | cut -d' ' -f1)
echo "not tracked: $n of 300 sockets (map of 64)"
[ "$n" -ge 200 ] && [ "$n" -le 320 ] || fail "expected 236 to 300 sockets not tracked (each once), got $n"
lost=$(grep -oE 'lost events [0-9]+' "$TMP/out" | tail -1 | cut -d' ' -f3)
[ "$lost" -ge "$n" ] || fail "lost events ($lost) must include the $n not tracked"
tcp=$(grep -oE 'tcp [0-9]+ \(' "$TMP/out" | cut -d' ' -f2 | sort -n | tail -1)
[ "$tcp" -le 64 ] || fail "more TCP rows ($tcp) than the map holds (64)"
pass "$n connections not tracked, the line names max_tcp_connections"
