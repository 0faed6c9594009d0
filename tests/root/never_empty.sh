#!/bin/sh
# Never silently empty. A built-in probe that cannot run on this kernel
# (here: overridden by one whose hook does not exist, with the same
# @provides) leaves its columns without data: tcptop says which, and why,
# at start, in the -b text header and in the health lines, and still shows
# what the other probes measure. When what runs cannot measure traffic at
# all (no rows with bytes), --backend bpf exits 1 with the reason as its
# last line, and --backend auto captures packets instead, saying so.
. "${srcdir:-.}/tests/root/lib.sh"
need_root

PD="$TMP/probes"
mkdir "$PD"
# stand_in NAME: NAME.bpf.c with NAME's @provides and a hook no kernel has.
stand_in() {
   { echo "// @description stands in for $1 on a kernel without its hook"
     echo "// @hooks       tracepoint/tcptop_test/no_such_event"
     grep '^// @provides' "$top_srcdir/probes/$1.bpf.c"
     echo '#include "tcptop.bpf.h"'
     echo 'SEC("tracepoint/tcptop_test/no_such_event")'
     echo 'int gone(void* ctx) { return 0; }'
     echo 'char LICENSE[] SEC("license") = "GPL";'; } > "$PD/$1.bpf.c"
}
stand_in sock_io

make_netns
"$TCPTOP" -b -n 8 -d 0.3 --cache-dir "$TMP/cache" --probe-dir "$PD" --probe-stats > "$TMP/out" 2> "$TMP/err" &
BG_PIDS="$!"
TCPTOP_PID=$!
wait_for_line '^tcptop - ' "$TMP/out" 60 || { cat "$TMP/err"; fail "tcptop did not start"; }
in_netns python3 "$TRAFFIC" udp 4 20 100 0.3 > /dev/null || fail "traffic generator failed"
wait "$TCPTOP_PID"; rc=$?
BG_PIDS=""
cat "$TMP/err"
expect_eq "one probe missing: exit" $rc 0
expect_grep "the probe's own line" '^tcptop: probe sock_io skipped: hook unavailable: tracepoint/tcptop_test/no_such_event: no tracepoint tcptop_test/no_such_event on this kernel$' "$TMP/err"
expect_grep "the columns, at start" '^tcptop: without data on this kernel: TCP tx_bytes, rx_bytes \(sock_io: hook unavailable\); UDP netns \(sock_io: hook unavailable\)$' "$TMP/err"
expect_grep "the columns, in the health lines" '^without data on this kernel: TCP tx_bytes, rx_bytes \(sock_io: hook unavailable\); UDP netns \(sock_io: hook unavailable\)$' "$TMP/out"
expect_grep "the other probes still measure: a UDP flow with its bytes" '^udp +127\.0\.0\.1 .* [1-9][0-9]* +[1-9]' "$TMP/out"

"$TCPTOP" --list-probes --cache-dir "$TMP/cache" --probe-dir "$PD" > "$TMP/out"
expect_grep "the columns, in --list-probes" '^without data on this kernel: TCP tx_bytes, rx_bytes \(sock_io: hook unavailable\); UDP netns \(sock_io: hook unavailable\)$' "$TMP/out"

# Without --probe-stats the text header says it too.
"$TCPTOP" -b -n 1 -d 0.2 --cache-dir "$TMP/cache" --probe-dir "$PD" > "$TMP/out" 2> /dev/null
expect_grep "the columns, in the header" '^Without data on this kernel: TCP tx_bytes, rx_bytes \(sock_io: hook unavailable\); UDP netns \(sock_io: hook unavailable\)$' "$TMP/out"

# Nothing that makes rows with bytes: tcp_open and flow_skb gone too.
stand_in tcp_open
stand_in flow_skb
"$TCPTOP" -b -n 1 --backend bpf --cache-dir "$TMP/cache" --probe-dir "$PD" > "$TMP/out" 2> "$TMP/err"; rc=$?
cat "$TMP/err"
expect_eq "nothing measures, --backend bpf: exit" $rc 1
expect_eq "nothing measures, --backend bpf: no table" "$(cat "$TMP/out")" ""
expect_grep "nothing measures: why, last" "^tcptop: no running probe counts the bytes of TCP or UDP rows; without data: TCP connections \(tcp_open: hook unavailable\); UDP connections \(flow_skb: hook unavailable\); see 'tcptop --list-probes'$" "$TMP/err"
expect_eq "nothing measures: the reason is the last line" "$(tail -n 1 "$TMP/err" | cut -c1-40)" "tcptop: no running probe counts the byte"

"$TCPTOP" -b -n 1 -d 0.2 --cache-dir "$TMP/cache" --probe-dir "$PD" > "$TMP/out" 2> "$TMP/err"; rc=$?
expect_eq "nothing measures, --backend auto: exit" $rc 0
expect_grep "nothing measures, auto: capture instead" "^tcptop: eBPF backend unavailable \(no running probe counts the bytes of TCP or UDP rows; .*\): capturing packets on any interface with libpcap instead \(--backend pcap\)$" "$TMP/err"
expect_grep "nothing measures, auto: a table from packets" 'malformed [0-9]+$' "$TMP/out"
pass "missing columns named at start, in the header and health lines; no traffic measured: exit 1 (bpf) or capture (auto)"
