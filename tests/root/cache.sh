#!/bin/sh
# The compiled-probe cache: filled on the first run, reused on the next,
# refreshed when a probe changes, and corrupt or foreign entries are ignored.
. "${srcdir:-.}/tests/root/lib.sh"
need_root

C="$TMP/cache"
PD="$TMP/probes"
mkdir "$PD"
nbuiltin=$(builtin_probes | wc -l)

entries() { ls "$C" | grep -c '\.o$'; }
list() { "$TCPTOP" --list-probes --cache-dir "$C" "$@" > "$TMP/out" 2> "$TMP/err"; }

list || fail "first --list-probes failed: $(cat "$TMP/err")"
expect_eq "entries after a cold run" "$(entries)" "$nbuiltin"
expect_eq "cache dir mode" "$(stat -c %a "$C")" 700
for f in "$C"/*.o; do
   expect_eq "entry mode of $f" "$(stat -c '%a %u' "$f")" "600 0"
done
expect_eq "stderr of a cold run" "$(cat "$TMP/err")" ""

# Warm: the same entries, untouched (no recompilation wrote them again).
sums1=$(cat "$C"/*.o | md5sum)
touch -d '2001-01-01' "$C"/*.o
list || fail "warm --list-probes failed"
expect_eq "entries after a warm run" "$(entries)" "$nbuiltin"
[ -z "$(find "$C" -name '*.o' -newermt '2002-01-01')" ] || fail "a warm run rewrote cache entries"

# A changed probe (an override with one more comment line) is recompiled.
first=$(builtin_probes | head -n 1)
{ cat "$top_srcdir/probes/$first.bpf.c"; echo "// changed"; } > "$PD/$first.bpf.c"
list --probe-dir "$PD" || fail "override run failed"
expect_grep "override listed" "^$first +override +ok " "$TMP/out"
expect_eq "entries after a change" "$(entries)" "$((nbuiltin + 1))"

# --no-cache neither reads nor writes.
rm -f "$C"/*.o
"$TCPTOP" --list-probes --no-cache --cache-dir "$C" > "$TMP/out" 2>&1 || fail "--no-cache run failed"
expect_eq "entries after --no-cache" "$(entries)" 0

# Corrupt entry: ignored (said so), recompiled, replaced by a good one.
list || fail "refill failed"
e=$(ls "$C"/*.o | head -n 1)
printf 'garbage' | dd of="$e" bs=1 seek=100 conv=notrunc 2> /dev/null
list || fail "run with a corrupt entry failed"
expect_grep "corrupt entry reported" "^tcptop: ignored cache entry $e: corrupt" "$TMP/err"
expect_grep "still ok" "^$first +built-in +ok " "$TMP/out"
list || fail "run after repair failed"
expect_eq "repaired entry is silent" "$(cat "$TMP/err")" ""

# An entry root does not own is never loaded.
chown 65534 "$e"
list || fail "run with a foreign entry failed"
expect_grep "foreign entry reported" "^tcptop: ignored cache entry $e: not a regular file owned by root" "$TMP/err"
expect_eq "replaced by root's own" "$(stat -c %u "$e")" 0

# A cache directory others can write is not used at all.
chmod 777 "$C"
list || fail "run with an unsafe cache dir failed"
expect_grep "unsafe dir reported" "^tcptop: cache directory $C is not a directory owned by root" "$TMP/err"
expect_grep "probes still ok" "^$first +built-in +ok " "$TMP/out"
pass "cache filled, reused, refreshed on change; corrupt, foreign and unsafe entries refused"
