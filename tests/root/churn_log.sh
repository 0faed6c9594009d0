#!/bin/sh
# 500 connections opened and closed within about a second all reach the CSV
# log, each closed row with its bytes (client tx, server rx), even though
# tcptop is stopped with SIGTERM right after: the last interval is written.
# The log is created with mode 0600 and starts with the header line.
. "${srcdir:-.}/tests/root/lib.sh"
need_root
make_netns

COUNT=500 NBYTES=777
umask 022
start_batch "$TMP/out" "$TMP/err" -d 1 --format csv --log "$TMP/log.csv"
start=$(date +%s.%N)
in_netns python3 "$TRAFFIC" many $COUNT $NBYTES > "$TMP/gen" || fail "traffic generator failed"
end=$(date +%s.%N)
kill -TERM "$TCPTOP_PID"
wait "$TCPTOP_PID"; rc=$?
BG_PIDS=""
expect_eq "exit status after SIGTERM" "$rc" 0
echo "generated $COUNT connections in $(awk "BEGIN { printf \"%.2f\", $end - $start }") s"
expect_eq "log mode" "$(stat -c %a "$TMP/log.csv")" 600
head -1 "$TMP/log.csv" > "$TMP/header"
expect_eq "log header" "$(cat "$TMP/header")" \
   "time,proto,laddr,lport,raddr,rport,pid,comm,user,state,tx_bytes,rx_bytes,tx_rate,rx_rate,rate,tx_packets,rx_packets,rtt_us,retrans,age_s,cgroup,cgroup_path,netns,port,connections,rtt_min_us"
python3 - "$TMP/log.csv" "$TMP/gen" $NBYTES <<'PY' || fail "connections missing from the log"
import csv, json, sys
gen = json.loads(open(sys.argv[2]).readline())
n = int(sys.argv[3])
sp = str(gen["server_port"])
closed = {}
for r in csv.DictReader(open(sys.argv[1])):
    if r["state"] == "CLOSED":
        closed[(r["lport"], r["rport"])] = r
missing = [p for p in gen["client_ports"]
           if closed.get((str(p), sp), {}).get("tx_bytes") != str(n)
           or closed.get((sp, str(p)), {}).get("rx_bytes") != str(n)
           or closed.get((str(p), sp), {}).get("pid") != str(gen["pid"])]
dups = sum(1 for k in closed if k[0] == sp or k[1] == sp)
print("closed rows for the test's connections: %d (expected %d)" % (dups, 2 * len(gen["client_ports"])))
if missing:
    print("missing or wrong:", missing[:10], "...", len(missing))
    sys.exit(1)
PY
pass "$COUNT short connections each logged once closed, with their bytes and PID"
