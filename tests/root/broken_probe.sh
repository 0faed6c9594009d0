#!/bin/sh
# Probes that fail (compile error, verifier rejection, unavailable hook) are
# reported with the reason, and every other probe still loads and runs.
. "${srcdir:-.}/tests/root/lib.sh"
need_root

PD="$TMP/probes"
mkdir "$PD"
cp "$top_srcdir"/tests/root/probes/*.bpf.c "$PD/"

"$TCPTOP" --list-probes --no-cache --probe-dir "$PD" > "$TMP/out" 2> "$TMP/err"; rc=$?
cat "$TMP/out"
expect_eq "--list-probes exit (some probes not ok)" "$rc" 0
expect_eq "stderr" "$(cat "$TMP/err")" ""

# Compile error: file:line:col with the real file name, and the offending line.
expect_grep "broken: status" '^broken +user +compile error ' "$TMP/out"
expect_grep "broken: file:line:col" "^    $PD/broken.bpf.c:6:32: error: use of undeclared identifier 'undeclared_thing'$" "$TMP/out"
expect_grep "broken: source line" '^    int broken\(void\* ctx\) \{ return undeclared_thing \+ 1; \}$' "$TMP/out"

# Verifier rejection: the end of the verifier log.
expect_grep "rejected: status" '^rejected +user +verifier rejected ' "$TMP/out"
expect_grep "rejected: verifier log" "R0 invalid mem access 'map_value_or_null'" "$TMP/out"
expect_grep "rejected: log names the source line" 'return \*v; @ rejected.bpf.c:9' "$TMP/out"

# A shared map defined differently from the probe that created it.
expect_grep "badshare: status" '^badshare +user +load error ' "$TMP/out"
expect_grep "badshare: reason" 'map "tcp_conns" is shared by name but defined differently here \(type 1, key 8, value 136, 10 entries; the first probe made it type 1, key 8, value 136, 262144 entries\)' "$TMP/out"

# The kernel's late check of a tracepoint's record size, at attach.
expect_grep "past_record: status" '^past_record +user +verifier rejected ' "$TMP/out"
expect_grep "past_record: reason" "reads past the end of the tracepoint's record" "$TMP/out"

# Hooks this kernel may not have: ok where it has them, else the reason.
if [ -d /sys/bus/event_source/devices/kprobe ]; then
   expect_grep "kprobe_variant ok" '^kprobe_variant +user +ok ' "$TMP/out"
else
   expect_grep "kprobe_variant unavailable" '^kprobe_variant +user +hook unavailable ' "$TMP/out"
   expect_grep "kprobe reason" 'kprobe/tcp_sendmsg: kprobes are not available on this kernel .*CONFIG_KPROBE_EVENTS' "$TMP/out"
fi
if grep -Eq '^fentry_variant +user +ok ' "$TMP/out"; then
   echo "this kernel has fentry"
else
   expect_grep "fentry_variant unavailable" '^fentry_variant +user +hook unavailable ' "$TMP/out"
   expect_grep "fentry reason" 'fentry/tcp_sendmsg: BTF tracing programs \(fentry/fexit\) cannot be loaded on this kernel' "$TMP/out"
fi

# The good ones: built-ins, and a user probe on sock_ops + cgroup_skb.
for p in $(builtin_probes); do
   expect_grep "built-in $p still ok" "^$p +built-in +ok " "$TMP/out"
done
expect_grep "cgroup_user ok" '^cgroup_user +user +ok +sockops,cgroup_skb/egress ' "$TMP/out"

# Running (not listing): one line per skipped probe, and the rest run.
"$TCPTOP" -b --no-cache --probe-dir "$PD" > "$TMP/run" 2> "$TMP/runerr" &
BG_PIDS=$!
wait_for_line '^tcptop - ' "$TMP/run" 20 || { cat "$TMP/runerr"; fail "tcptop did not start with the good probes"; }
expect_grep "run: broken reported" "^tcptop: probe broken skipped: compile error: $PD/broken.bpf.c:6:32: error" "$TMP/runerr"
expect_grep "run: rejected reported" '^tcptop: probe rejected skipped: verifier rejected' "$TMP/runerr"
kill -INT $BG_PIDS
wait $BG_PIDS; rc=$?
BG_PIDS=""
expect_eq "run: exit after SIGINT" "$rc" 0
pass "failing probes reported with their reasons; the others loaded and ran"
