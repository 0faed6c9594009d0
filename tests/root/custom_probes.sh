#!/bin/sh
# A probe of the user's in a --probe-dir declares per-connection metrics
# (TCPTOP_METRIC): each becomes a column everywhere (--columns, --sort, CSV
# header, JSON key, text title), with the exact values of what the test did:
# K sends on one connection give sends = K, max_send and last_send = the
# size, live and in the closed row. A [probes] setting reaches the probe.
# --probe-stats adds per-probe events/s and ns/event to the text header.
. "${srcdir:-.}/tests/root/lib.sh"
need_root
make_netns

PD="$TMP/probes"
mkdir "$PD"
cp "$top_srcdir/tests/root/metric_probes/sends.bpf.c" "$PD/"
K=37
SIZE=1000
COLS=time,lport,rport,state,tx_bytes,sends,max_send,last_send

start_batch "$TMP/out" "$TMP/err" -d 0.2 --format csv --probe-dir "$PD" --columns $COLS --sort sends
expect_eq "CSV header" "$(head -1 "$TMP/out")" "$COLS"
in_netns python3 "$TRAFFIC" chunks 4 $K $SIZE 1 > "$TMP/gen" || fail "traffic generator failed"
sleep 2
stop_batch
expect_eq "send calls made" "$(json_get "$TMP/gen" calls)" $K
cp=$(json_get "$TMP/gen" client_port)
sp=$(json_get "$TMP/gen" server_port)
cli="r['lport']=='$cp' and r['rport']=='$sp'"
srv="r['lport']=='$sp' and r['rport']=='$cp'"
est="and r['state']=='ESTABLISHED'"
expect_eq "client sends" "$(csv_last "$TMP/out" "$cli $est" sends)" $K
expect_eq "client max_send" "$(csv_last "$TMP/out" "$cli $est" max_send)" $SIZE
expect_eq "client last_send" "$(csv_last "$TMP/out" "$cli $est" last_send)" $SIZE
expect_eq "server sends" "$(csv_last "$TMP/out" "$srv $est" sends)" 0
expect_eq "closed client row keeps its final sends" "$(csv_last "$TMP/out" "$cli and r['state']=='CLOSED'" sends)" $K
expect_eq "closed client row tx_bytes" "$(csv_last "$TMP/out" "$cli and r['state']=='CLOSED'" tx_bytes)" $((K * SIZE))
# --sort sends: within each interval, sends never increases down the rows.
python3 - "$TMP/out" <<'PY' || fail "rows are not sorted by sends (descending) within an interval"
import csv, sys
prev = {}
for r in csv.DictReader(open(sys.argv[1])):
    v = int(r["sends"] or 0)   # UDP rows: empty, sorted as 0
    if r["time"] in prev and v > prev[r["time"]]:
        sys.exit(1)
    prev[r["time"]] = v
PY

# The same column in JSON (a number) and text (its title).
"$TCPTOP" -b -n 1 --cache-dir "$TMP/cache" --format json --probe-dir "$PD" --columns lport,sends \
   > "$TMP/json" 2> "$TMP/jerr" || { cat "$TMP/jerr"; fail "json run failed"; }
python3 -c 'import json,sys; d=json.loads(open(sys.argv[1]).readline()); c=d["connections"]; assert all(type(x["sends"]) in (int, type(None)) for x in c), c' \
   "$TMP/json" || fail "JSON rows lack a numeric sends key"
"$TCPTOP" -b -n 1 --cache-dir "$TMP/cache" --probe-dir "$PD" --columns lport,sends,max_send \
   > "$TMP/text" 2> "$TMP/terr" || { cat "$TMP/terr"; fail "text run failed"; }
expect_grep "text title" '^LPORT +SENDS +MAXSEND$' "$TMP/text"
# Without --columns: the default columns, then the probe's.
"$TCPTOP" -b -n 1 --cache-dir "$TMP/cache" --probe-dir "$PD" > "$TMP/text" 2> "$TMP/terr" || { cat "$TMP/terr"; fail "default run failed"; }
expect_grep "default columns end with the probe's" ' AGE +SENDS +MAXSEND +LASTSEND$' "$TMP/text"

# Unknown even with the probe: still one usage error, exit 2.
"$TCPTOP" -b -n 1 --cache-dir "$TMP/cache" --probe-dir "$PD" --columns lport,nosuch > "$TMP/o" 2> "$TMP/e"; rc=$?
expect_eq "unknown column exit" "$rc" 2
expect_grep "unknown column message" "^tcptop: unknown column 'nosuch'; valid columns: time, .*, sends, max_send, last_send$" "$TMP/e"

# A [probes] setting: only sends of at least 2000 bytes count.
printf '[probes]\nsends.min_bytes = 2000\n' > "$TMP/conf"
start_batch "$TMP/out2" "$TMP/err2" -c "$TMP/conf" -d 0.2 --format csv --probe-dir "$PD" --columns $COLS
in_netns python3 "$TRAFFIC" chunks 4 5 $SIZE 1 > "$TMP/gen2" || fail "traffic generator failed"
sleep 1.5
stop_batch
cp=$(json_get "$TMP/gen2" client_port)
expect_eq "sends below min_bytes not counted" "$(csv_last "$TMP/out2" "r['lport']=='$cp' and r['state']=='ESTABLISHED'" sends)" 0

# --probe-stats: health lines in the text header, with a rate and a cost.
start_batch "$TMP/out3" "$TMP/err3" --probe-stats -d 0.5 --probe-dir "$PD" --columns lport,sends
in_netns python3 "$TRAFFIC" chunks 4 200 100 0.5 > /dev/null || fail "traffic generator failed"
sleep 1
stop_batch
expect_grep "health: sends probe" '^probe sends: ok, tracepoint/sock/sock_send_length, [0-9]+ events/s, [0-9]+ ns/event$' "$TMP/out3"
expect_grep "health: sends probe ran" '^probe sends: ok, tracepoint/sock/sock_send_length, [1-9][0-9]* events/s, [1-9][0-9]* ns/event$' "$TMP/out3"
expect_grep "health: a built-in" '^probe tcp_open: ok, sockops, [0-9]+ events/s' "$TMP/out3"
expect_eq "stats off again after exit" "$(cat /proc/sys/kernel/bpf_stats_enabled)" 0
pass "metric columns exact in CSV ($K sends), JSON and text; sorting; a setting; probe stats"
