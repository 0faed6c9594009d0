#!/bin/sh
# Without root or capabilities: one clear line and exit 1, nothing on stdout.
# --list-probes still lists and compile-checks, and says loading needs root.
. "${srcdir:-.}/tests/root/lib.sh"
need_root
command -v setpriv > /dev/null || fail "setpriv (util-linux) is missing"

BIN=$(world_readable_copy)
as_nobody() {
   HOME="$TMP/home" XDG_CACHE_HOME="$TMP/home/.cache" \
      setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all "$@"
}
mkdir -p "$TMP/home" && chown 65534:65534 "$TMP/home"

as_nobody "$BIN" > "$TMP/out" 2> "$TMP/err"; rc=$?
expect_eq "exit as nobody" "$rc" 1
expect_eq "stdout as nobody" "$(wc -c < "$TMP/out")" 0
expect_eq "stderr lines as nobody" "$(wc -l < "$TMP/err")" 1
expect_grep "message" "^tcptop: needs root to load its eBPF probes: run it with sudo, or grant the capabilities once with: sudo setcap cap_bpf,cap_perfmon,cap_net_admin\+ep $BIN$" "$TMP/err"

as_nobody "$BIN" --list-probes > "$TMP/out" 2> "$TMP/err"; rc=$?
cat "$TMP/out" "$TMP/err"
expect_eq "--list-probes exit as nobody" "$rc" 0
for p in $(builtin_probes); do
   expect_grep "probe $p compiles" "^$p +built-in +compiles " "$TMP/out"
done
expect_grep "note about root" '^note: only compiled; loading into the kernel and attaching need root: sudo tcptop --list-probes$' "$TMP/out"
[ -n "$(ls "$TMP/home/.cache/tcptop/" 2>/dev/null)" ] || fail "the user's compile results were not cached in XDG_CACHE_HOME"
pass "unprivileged run refused with one line; listing compiles only"
