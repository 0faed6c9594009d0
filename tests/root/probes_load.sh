#!/bin/sh
# Every shipped probe compiles, loads (passes the verifier) and attaches on
# this kernel.
. "${srcdir:-.}/tests/root/lib.sh"
need_root

"$TCPTOP" --list-probes --no-cache $AVOID_ARGS > "$TMP/out" 2> "$TMP/err"; rc=$?
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
expect_no_grep "every column has data" '^without data' "$TMP/out"

# The hooks a probe attached: its "attached:" line, else its HOOKS column.
attached() {
   awk -v p="$1" '$1 == p { hooks = $4; on = 1; next }
      on && /^    attached: / { sub(/^    attached: /, ""); hooks = $0 }
      on && !/^    / { on = 0 }
      END { print hooks }' "$TMP/out"
}
# The variants this kernel must pick (tests/kernels/run says which).
for e in ${TCPTOP_TEST_EXPECT_HOOKS:-}; do
   probe=${e%%=*} hook=${e#*=}
   case ", $(attached "$probe" | sed 's/, */,/g; s/,/, /g')," in
   *", $hook,"*) echo "$probe attached $hook" ;;
   *) fail "$probe: expected to attach $hook on this kernel, attached: $(attached "$probe")" ;;
   esac
done
case $AVOID_ARGS in
*fentry*) expect_no_grep "no fentry/fexit (--avoid-hooks fentry)" '^    attached: .*(fentry|fexit)/' "$TMP/out" ;;
esac
pass "$n built-in probes compiled, loaded and attached"
