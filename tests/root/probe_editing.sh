#!/bin/sh
# Editing probes: --check-probe on a good probe (exit 0, its columns and
# settings) and on a broken one (exit 1, file:line:col and the line); an
# edited probe is compiled again (the cache key holds the source); a file
# named like a built-in overrides it; a probe whose file or directory is
# writable by others or not owned by root is refused, with the reason, and
# the others run; a metric named like a built-in column is refused.
. "${srcdir:-.}/tests/root/lib.sh"
need_root

PD="$TMP/probes"
mkdir "$PD"
cp "$top_srcdir/tests/root/metric_probes/sends.bpf.c" "$PD/"
C="--cache-dir $TMP/cache"

"$TCPTOP" $C --check-probe "$PD/sends.bpf.c" > "$TMP/out" 2> "$TMP/err"; rc=$?
cat "$TMP/out" "$TMP/err"
expect_eq "--check-probe good: exit" "$rc" 0
expect_grep "good: verdict" "^$PD/sends.bpf.c: good: ok$" "$TMP/out"
expect_grep "good: hook" '^attached: tracepoint/sock/sock_send_length \(detached again\)$' "$TMP/out"
expect_grep "good: metric" '^  sends: title SENDS, unit calls, sum$' "$TMP/out"
expect_grep "good: max metric" '^  max_send: title MAXSEND, unit bytes, max$' "$TMP/out"
expect_grep "good: setting" '^  sends.min_bytes = 1 \(default 1, 32-bit\): count only sends of at least this many bytes$' "$TMP/out"
for f in "$top_srcdir"/probes/examples/*.bpf.c; do
   "$TCPTOP" $C --check-probe "$f" > "$TMP/ex" 2>&1 || { cat "$TMP/ex"; fail "example $f does not check"; }
done

# Edited: an error on line 18; then fixed with another title: recompiled.
sed 's/tcptop_metric_add(cookie, sends, 1);/tcptop_metric_add(cookie, sends, 1) +;/' "$PD/sends.bpf.c" > "$PD/bad.bpf.c"
sed -i 's/sends, max_send, last_send/bad_sends/; s/(sends,/(bad_sends,/; s/, sends, 1)/, bad_sends, 1)/' "$PD/bad.bpf.c"
sed -i '/max_send\|last_send/d' "$PD/bad.bpf.c"
"$TCPTOP" $C --check-probe "$PD/bad.bpf.c" > "$TMP/out" 2> "$TMP/err"; rc=$?
cat "$TMP/out"
expect_eq "--check-probe bad: exit" "$rc" 1
expect_grep "bad: verdict" "^$PD/bad.bpf.c: compile error$" "$TMP/out"
expect_grep "bad: file:line:col" "^    $PD/bad.bpf.c:[0-9]+:[0-9]+: error: expected expression$" "$TMP/out"
expect_grep "bad: the line" '^       tcptop_metric_add\(cookie, bad_sends, 1\) \+;$' "$TMP/out"
sed -i 's/ +;/;/; s/"SENDS"/"EDITED"/' "$PD/bad.bpf.c"
"$TCPTOP" $C --check-probe "$PD/bad.bpf.c" > "$TMP/out" 2> "$TMP/err"; rc=$?
expect_eq "fixed: exit" "$rc" 0
expect_grep "fixed: the new title" '^  bad_sends: title EDITED, unit calls, sum$' "$TMP/out"
rm "$PD/bad.bpf.c"

# A metric with a built-in column's key: that probe refused, the rest run.
sed 's/TCPTOP_METRIC(sends,/TCPTOP_METRIC(retrans,/; s/, sends, 1)/, retrans, 1)/; s/sends, max_send/retrans, max_send/' \
   "$top_srcdir/tests/root/metric_probes/sends.bpf.c" > "$PD/clash.bpf.c"
sed -i 's/TCPTOP_METRIC(max_send/TCPTOP_METRIC(max_send2/; s/, max_send,/, max_send2,/; s/TCPTOP_METRIC(last_send/TCPTOP_METRIC(last_send2/; s/, last_send,/, last_send2,/' "$PD/clash.bpf.c"
# Override: a file named like a built-in replaces it.
sed 's/^\/\/ @description .*/\/\/ @description tcp_state, overridden by the test/' "$top_srcdir/probes/tcp_state.bpf.c" > "$PD/tcp_state.bpf.c"
"$TCPTOP" $C --list-probes --probe-dir "$PD" > "$TMP/out" 2> "$TMP/err"; rc=$?
cat "$TMP/out"
expect_eq "--list-probes exit" "$rc" 0
expect_grep "override" '^tcp_state +override +ok +raw_tracepoint/inet_sock_set_state,raw_tracepoint/tcp_destroy_sock +tcp_state, overridden by the test$' "$TMP/out"
expect_grep "sends columns listed" '^    columns: sends \(SENDS, calls, sum\), max_send \(MAXSEND, bytes, max\), last_send \(LASTSEND, bytes, last\)$' "$TMP/out"
expect_grep "clash refused" '^clash +user +load error ' "$TMP/out"
expect_grep "clash reason" '^    metric retrans: a built-in column has that key; rename it$' "$TMP/out"
rm "$PD/clash.bpf.c"

# Insecure: a file others can write, then a directory owned by nobody.
cp "$PD/sends.bpf.c" "$PD/opened.bpf.c"
chmod o+w "$PD/opened.bpf.c"
"$TCPTOP" $C --list-probes --probe-dir "$PD" > "$TMP/out" 2> "$TMP/err"; rc=$?
cat "$TMP/out"
expect_eq "o+w: list exit" "$rc" 0
expect_grep "o+w: refused" '^opened +user +refused ' "$TMP/out"
expect_grep "o+w: reason" "^    probe file $PD/opened.bpf.c is writable by anyone \\(mode 0646\\): root would load its code into the kernel; chmod go-w it$" "$TMP/out"
expect_grep "o+w: others still ok" '^sends +user +ok ' "$TMP/out"
"$TCPTOP" $C --check-probe "$PD/opened.bpf.c" > "$TMP/out" 2>&1; rc=$?
expect_eq "o+w: --check-probe exit" "$rc" 1
expect_grep "o+w: --check-probe says" "^$PD/opened.bpf.c: refused$" "$TMP/out"
"$TCPTOP" -b -n 1 $C --probe-dir "$PD" --columns lport,sends > "$TMP/run" 2> "$TMP/runerr"; rc=$?
expect_eq "o+w: the monitor runs" "$rc" 0
expect_grep "o+w: one line at start" "^tcptop: probe opened skipped: refused: probe file $PD/opened.bpf.c is writable by anyone" "$TMP/runerr"
rm "$PD/opened.bpf.c"

chown nobody "$PD"
"$TCPTOP" $C --list-probes --probe-dir "$PD" > "$TMP/out" 2> "$TMP/err"; rc=$?
cat "$TMP/out"
expect_grep "nobody: refused" '^sends +user +refused ' "$TMP/out"
expect_grep "nobody: reason" "^    probe directory $PD is owned by uid 65534, not root: root would load its code into the kernel; chown root it$" "$TMP/out"
expect_grep "nobody: built-ins still ok" '^sock_io +built-in +ok ' "$TMP/out"
chown root "$PD"
chown nobody "$PD/sends.bpf.c"
"$TCPTOP" $C --list-probes --probe-dir "$PD" > "$TMP/out" 2> "$TMP/err"; rc=$?
expect_grep "nobody's file: reason" "^    probe file $PD/sends.bpf.c is owned by uid 65534, not root" "$TMP/out"
# Variants: tcp_retrans prefers fexit and falls back to the tracepoint.
cp "$top_srcdir"/probes/examples/*.bpf.c "$PD/"
"$TCPTOP" $C --list-probes --probe-dir "$PD" > "$TMP/out" 2> "$TMP/err"; rc=$?
cat "$TMP/out"
expect_grep "variants: the probe runs" '^tcp_retrans +user +ok ' "$TMP/out"
expect_grep "example tcp_window runs" '^tcp_window +user +ok ' "$TMP/out"
if grep -q '^    variant skipped: ' "$TMP/out"; then
   expect_grep "variants: the fallback attached" '^    attached: tracepoint/tcp/tcp_retransmit_skb$' "$TMP/out"
   expect_grep "variants: why fexit was skipped" '^    variant skipped: fexit/tcp_retransmit_skb: BTF tracing programs \(fentry/fexit\) cannot be loaded on this kernel \(.*\)$' "$TMP/out"
else
   expect_grep "variants: fexit attached" '^    attached: fexit/tcp_retransmit_skb$' "$TMP/out"
fi
rm "$PD"/tcp_retrans.bpf.c "$PD"/tcp_window.bpf.c

pass "variants, --check-probe good and bad, recompiled after an edit, override, metric clash, insecure files refused"
