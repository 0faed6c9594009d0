#!/bin/sh
# Grouped views, and the cgroup and netns columns: two programs with
# different names, each in a cgroup and a network namespace of the test's
# own, open 3 and 1 connections (client and accepted end both in the
# program: 6 and 2 rows) with known bytes. Each key of --group (process in
# JSON, the others in CSV) must give exactly those counts and sums while
# they are open and after they closed; the connection rows name the cgroup
# and the namespace; --cgroup and --netns keep one program's rows; the
# screen's g shows group rows; --log with --group logs the group rows.
. "${srcdir:-.}/tests/root/lib.sh"
need_root
command -v python3 > /dev/null || skip "python3 is not installed"
PY=$(readlink -f /usr/bin/python3)

# The cgroup v2 hierarchy: where this system mounts it, else our own mount.
CG=$(awk '{ for (i = 1; i <= NF; i++) if ($i == "-") { if ($(i + 1) == "cgroup2") print $5; break } }' \
     /proc/self/mountinfo | head -n 1)
if [ -z "$CG" ]; then
   mkdir -p "$TMP/cg2" && mount -t cgroup2 none "$TMP/cg2" || skip "no cgroup v2 and it cannot be mounted"
   CG=$TMP/cg2
fi
# Both under one parent: the groupings take that subtree only (--cgroup
# /PARENT), whatever else runs on the machine.
PARENT="tcptop-groups-$$"
CGA="tcptop-groups-$$-a"
CGB="tcptop-groups-$$-b"
NSA="tcptop-groups-$$-a"
NSB="tcptop-groups-$$-b"
groups_cleanup() {
   for p in $BG_PIDS; do kill "$p" 2>/dev/null; done
   tm kill-server 2>/dev/null
   wait 2>/dev/null
   rmdir "$CG/$PARENT/$CGA" "$CG/$PARENT/$CGB" "$CG/$PARENT" 2>/dev/null
   ip netns del "$NSA" 2>/dev/null
   ip netns del "$NSB" 2>/dev/null
   [ "$CG" = "$TMP/cg2" ] && umount "$CG"
   rm -rf "$TMP"
}
trap groups_cleanup EXIT
mkdir "$CG/$PARENT" "$CG/$PARENT/$CGA" "$CG/$PARENT/$CGB" || fail "cannot create cgroups under $CG"
for ns in "$NSA" "$NSB"; do
   ip netns add "$ns" && ip -n "$ns" link set lo up || fail "cannot make the network namespace $ns"
done
INODE_A=$(stat -L -c %i "/run/netns/$NSA")
INODE_B=$(stat -L -c %i "/run/netns/$NSB")
cp "$PY" "$TMP/grpalpha" && cp "$PY" "$TMP/grpbeta" || fail "cannot copy python3"
PA=7101
PB=7102

# Every grouping at once (and the rows of each program, filtered by its
# cgroup and its namespace), each tcptop in the background.
run() {   # run NAME ARGS...
   local name=$1
   shift
   "$TCPTOP" -b -d 0.5 --cache-dir "$PROBE_CACHE" $AVOID_ARGS "$@" > "$TMP/$name" 2> "$TMP/$name.err" &
   BG_PIDS="$BG_PIDS $!"
}
run process --group process --format json --cgroup "/$PARENT"
# the first compiles the probes into the cache; the others start from it
wait_for_line '^\{' "$TMP/process" 120 || { cat "$TMP/process.err"; fail "tcptop --group process did not start"; }
for key in remote port cgroup netns; do
   run "$key" --group "$key" --format csv --cgroup "/$PARENT"
done
run command --group command --format csv --cgroup "/$PARENT" --log "$TMP/command.log"   # the log of group rows
LOG_PID=$!
COLS=proto,laddr,lport,raddr,rport,pid,comm,cgroup,cgroup_path,netns,port,tx_bytes,rx_bytes
run byCgroup --format csv --cgroup "$CGB" --columns "$COLS"
run byNetns --format csv --netns "$NSA" --columns "$COLS"
cat > "$TMP/screen.sh" <<SH
exec "$TCPTOP" -d 0.5 --cache-dir "$PROBE_CACHE" $AVOID_ARGS --netns $INODE_B
SH
TERM=xterm tm new-session -d -s s1 -x 200 -y 40 "sh $TMP/screen.sh" || fail "tmux new-session failed"
for f in process command remote port cgroup netns byCgroup byNetns; do
   wait_for_line '^(\{|[a-z_]+,)' "$TMP/$f" 90 || { cat "$TMP/$f.err"; fail "tcptop --$f did not start"; }
done
wait_screen 1 'probes [0-9]+ loaded' 60 || fail "the screen did not come up"

# program NAME CGROUP NETNS SERVER CLIENT PORT N SEND REPLY
program() {
   sh -c 'echo $$ > "$1/cgroup.procs" && shift && exec ip netns exec "$@"' sh "$CG/$PARENT/$2" "$3" \
      "$TMP/$1" "$top_srcdir/tests/root/groups_traffic.py" "$4" "$6" "$5" "$7" "$8" "$9" \
      "$TMP/$1.ready" "$TMP/go" &
   BG_PIDS="$BG_PIDS $!"
}
program grpalpha "$CGA" "$NSA" 127.0.0.2 127.0.0.11 $PA 3 30000 5000
program grpbeta "$CGB" "$NSB" 127.0.0.3 127.0.0.21 $PB 1 70000 9000
wait_for_line pid "$TMP/grpalpha.ready" 30 && wait_for_line pid "$TMP/grpbeta.ready" 30 || fail "the programs did not connect"
PIDA=$(json_get "$TMP/grpalpha.ready" pid)
PIDB=$(json_get "$TMP/grpbeta.ready" pid)
sleep 1.5   # a few intervals with every byte counted

# The screen, while open: group by process (g), grouped rows with the counts.
tm send-keys -t s1 g
wait_screen 1 "grouped by process" 5 || fail "g: the header does not say 'grouped by process'"
wait_screen 1 "^ *$PIDB +grpbeta +2 " 5 || fail "g: no group row 'PID grpbeta 2'"
tm send-keys -t s1 Enter
wait_screen 1 "^tcp +127\.0\.0\.(3|21) .* $PIDB +grpbeta" 5 || fail "Enter on a group: not its connections"
tm send-keys -t s1 Escape
wait_screen 1 "^ *$PIDB +grpbeta +2 " 5 || fail "Esc: not back on the groups"

# check SNAPSHOT WHAT KEYCOLUMN KEYVALUE CONNECTIONS TX RX
check() {
   local f=$1 what=$2 col=$3 val=$4
   local row="r['$col']=='$val'"
   expect_eq "$what ($col $val): connections" "$(csv_last "$f" "$row" connections)" "$5"
   expect_eq "$what ($col $val): tx_bytes" "$(csv_last "$f" "$row" tx_bytes)" "$6"
   expect_eq "$what ($col $val): rx_bytes" "$(csv_last "$f" "$row" rx_bytes)" "$7"
}
# Alpha: 3 clients sent 30000 and got 5000 each; their accepted ends the reverse.
A_ALL=$((3 * 30000 + 3 * 5000))
B_ALL=$((70000 + 9000))
# check_json SNAPSHOT WHAT PID COMM CONNECTIONS TX RX: the last "groups" line's row
check_json() {
   local got
   got=$(python3 - "$1" "$3" <<'PY'
import json, sys
row = None
for line in open(sys.argv[1]):
    try:
        d = json.loads(line)
    except ValueError:
        continue
    for g in d.get("groups", []):
        if str(g["pid"]) == sys.argv[2]:
            row = g
print("" if row is None else "%s %s %s %s" % (row["comm"], row["connections"], row["tx_bytes"], row["rx_bytes"]))
PY
)
   expect_eq "$2 (process $3)" "$got" "$4 $5 $6 $7"
}
verify() {   # verify SUFFIX WHEN
   local s=$1 w=$2
   for f in process command remote port cgroup netns; do cp "$TMP/$f" "$TMP/$f.$s"; done
   check_json "$TMP/process.$s" "$w" "$PIDA" grpalpha 6 $A_ALL $A_ALL
   check_json "$TMP/process.$s" "$w" "$PIDB" grpbeta 2 $B_ALL $B_ALL
   check "$TMP/command.$s" "$w" comm grpalpha 6 $A_ALL $A_ALL
   check "$TMP/command.$s" "$w" comm grpbeta 2 $B_ALL $B_ALL
   check "$TMP/remote.$s" "$w" raddr 127.0.0.2 3 90000 15000
   check "$TMP/remote.$s" "$w" raddr 127.0.0.11 3 15000 90000
   check "$TMP/remote.$s" "$w" raddr 127.0.0.3 1 70000 9000
   check "$TMP/remote.$s" "$w" raddr 127.0.0.21 1 9000 70000
   check "$TMP/port.$s" "$w" port $PA 6 $A_ALL $A_ALL
   check "$TMP/port.$s" "$w" port $PB 2 $B_ALL $B_ALL
   check "$TMP/cgroup.$s" "$w" cgroup "$CGA" 6 $A_ALL $A_ALL
   check "$TMP/cgroup.$s" "$w" cgroup "$CGB" 2 $B_ALL $B_ALL
   check "$TMP/netns.$s" "$w" netns "$INODE_A:$NSA" 6 $A_ALL $A_ALL
   check "$TMP/netns.$s" "$w" netns "$INODE_B:$NSB" 2 $B_ALL $B_ALL
}
verify open "open"

# The connection rows: the cgroup, its path and the namespace, by program.
for f in byCgroup byNetns; do cp "$TMP/$f" "$TMP/$f.open"; done
expect_eq "--cgroup $CGB: rows of others" "$(csv_last "$TMP/byCgroup.open" "r['comm']!='grpbeta'" comm)" ""
expect_eq "--netns $NSA: rows of others" "$(csv_last "$TMP/byNetns.open" "r['comm']!='grpalpha'" comm)" ""
for side in "lport=='$PB'" "rport=='$PB'"; do
   row="r['$(echo "$side" | cut -d= -f1)']=='$PB'"
   expect_eq "grpbeta ($side): pid" "$(csv_last "$TMP/byCgroup.open" "$row" pid)" "$PIDB"
   expect_eq "grpbeta ($side): cgroup" "$(csv_last "$TMP/byCgroup.open" "$row" cgroup)" "$CGB"
   expect_eq "grpbeta ($side): cgroup_path" "$(csv_last "$TMP/byCgroup.open" "$row" cgroup_path)" "/$PARENT/$CGB"
   expect_eq "grpbeta ($side): netns" "$(csv_last "$TMP/byCgroup.open" "$row" netns)" "$INODE_B:$NSB"
done
expect_eq "grpalpha: cgroup" "$(csv_last "$TMP/byNetns.open" "r['lport']=='$PA'" cgroup)" "$CGA"
expect_eq "grpalpha: netns" "$(csv_last "$TMP/byNetns.open" "r['rport']=='$PA'" netns)" "$INODE_A:$NSA"
expect_eq "grpalpha: connections in its namespace" \
   "$(python3 -c 'import csv,sys; print(len({(r["lport"], r["rport"]) for r in csv.DictReader(open(sys.argv[1]))}))' \
      "$TMP/byNetns.open")" 6

# Closed: the programs close everything and exit; the groups keep their totals.
touch "$TMP/go"
for p in grpalpha grpbeta; do
   i=0
   while kill -0 "$(json_get "$TMP/$p.ready" pid)" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
done
sleep 1.5
verify closed "closed"

# --log with --group: the group columns, every group every interval.
kill -INT "$LOG_PID" && wait "$LOG_PID" || fail "tcptop --group command --log did not end cleanly"
expect_eq "group log header" "$(head -n 1 "$TMP/command.log")" \
   "comm,connections,tx_bytes,rx_bytes,tx_rate,rx_rate,tx_packets,rx_packets,retrans,rtt_min_us,rtt_us"
check "$TMP/command.log" "the log, closed" comm grpalpha 6 $A_ALL $A_ALL
check "$TMP/command.log" "the log, closed" comm grpbeta 2 $B_ALL $B_ALL
pass "process, command, remote, port, cgroup and netns groups: exact counts and bytes, open and closed; columns and filters; g"
