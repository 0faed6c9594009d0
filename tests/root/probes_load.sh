#!/bin/sh
# Every shipped probe compiles, loads (passes the verifier) and attaches on
# this kernel.
. "${srcdir:-.}/tests/root/lib.sh"
need_root

"$TCPTOP" --list-probes --no-cache > "$TMP/out" 2> "$TMP/err"; rc=$?
cat "$TMP/out"
expect_eq "--list-probes exit" "$rc" 0
expect_grep "table header" '^NAME +ORIGIN +STATUS +HOOKS +DESCRIPTION$' "$TMP/out"
n=0
for p in $(builtin_probes); do
   expect_grep "probe $p is built-in and ok" "^$p +built-in +ok " "$TMP/out"
   n=$((n + 1))
done
[ $n -gt 0 ] || fail "no built-in probes found in $top_srcdir/probes"
expect_no_grep "no note about root" '^note:' "$TMP/out"
pass "$n built-in probes compiled, loaded and attached"
