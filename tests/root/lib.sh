# tests/root/lib.sh: shared helpers for the tests that drive the real binary.
# Sourced by each test; automake runs tests from the build directory.
set -u

top_builddir=$(pwd)
top_srcdir=$(cd "${srcdir:-.}" && pwd)
TCPTOP="$top_builddir/tcptop"
TEST_NAME=$(basename "$0" .sh)
TMP=$(mktemp -d "/tmp/tcptop-$TEST_NAME-XXXXXX")
chmod 755 "$TMP"
NETNS=""
BG_PIDS=""

cleanup() {
   for p in $BG_PIDS; do kill "$p" 2>/dev/null; done
   wait 2>/dev/null
   [ -n "$NETNS" ] && ip netns del "$NETNS" 2>/dev/null
   rm -rf "$TMP"
}
trap cleanup EXIT

skip() { echo "SKIP: $TEST_NAME: $*"; exit 77; }
fail() { echo "FAIL: $TEST_NAME: $*"; exit 1; }
pass() { echo "PASS: $TEST_NAME: $*"; }

need_root() {
   [ "$(id -u)" = 0 ] || skip "needs root (run the suite with sudo)"
}

# machine_alone: waits until no other test that called it runs, and holds
# that until this test exits. For the tests that hold tens of thousands of
# sockets and those that need a machine without them: every tcptop's probes
# see every namespace, and make check runs tests two at a time.
machine_alone() {
   exec 9>"${TMPDIR:-/tmp}/tcptop-tests-alone.lock"
   flock 9 || fail "cannot lock ${TMPDIR:-/tmp}/tcptop-tests-alone.lock"
}

# expect_eq WHAT ACTUAL EXPECTED
expect_eq() {
   [ "$2" = "$3" ] || fail "$1: got '$2', expected '$3'"
}

# expect_grep WHAT PATTERN FILE: an extended regexp must match a line of FILE.
expect_grep() {
   grep -Eq -- "$2" "$3" || { echo "--- $3:"; cat "$3"; fail "$1: no line matches /$2/"; }
}

expect_no_grep() {
   if grep -Eq -- "$2" "$3"; then echo "--- $3:"; cat "$3"; fail "$1: a line matches /$2/"; fi
}

# A network namespace of the test's own, with loopback up.
make_netns() {
   NETNS="tcptop-$TEST_NAME-$$"
   ip netns add "$NETNS" || fail "ip netns add failed"
   ip -n "$NETNS" link set lo up || fail "cannot bring up lo in $NETNS"
}

in_netns() {
   ip netns exec "$NETNS" "$@"
}

# wait_for_line PATTERN FILE SECONDS
wait_for_line() {
   local i=0
   while [ $i -lt $(($3 * 10)) ]; do
      grep -Eq -- "$1" "$2" 2>/dev/null && return 0
      sleep 0.1
      i=$((i + 1))
   done
   return 1
}

# A copy of the build tree's runtime files (binary, compiler module, probes)
# that any user can reach, for tests that run tcptop as an unprivileged user.
world_readable_copy() {
   local dst="$TMP/tree"
   mkdir -p "$dst/build/.libs" "$dst/src"
   cp "$TCPTOP" "$dst/build/tcptop"
   cp "$top_builddir/.libs/tcptop-clang.so" "$dst/build/.libs/"
   cp -r "$top_srcdir/probes" "$dst/src/probes"
   printf 'srcdir=%s\nbuilddir=%s\n' "$dst/src" "$dst/build" > "$dst/build/.tcptop-build-tree"
   chmod -R a+rX "$dst"
   echo "$dst/build/tcptop"
}

builtin_probes() {
   for f in "$top_srcdir"/probes/*.bpf.c; do basename "$f" .bpf.c; done
}

TRAFFIC="$top_srcdir/tests/root/traffic.py"

# json_get FILE KEY: a top-level field of the first JSON line of FILE.
json_get() {
   python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())[sys.argv[2]])' "$1" "$2"
}

# The compiled-probe cache of the tests that do not test the cache itself: a
# fresh one per test, or TCPTOP_TEST_CACHE when set (tests/kernels/run shares
# one across a kernel's tests: compiling under TCG takes up to a minute).
PROBE_CACHE=${TCPTOP_TEST_CACHE:-$TMP/cache}

# --avoid-hooks for every tcptop a test runs, from TCPTOP_TEST_AVOID
# (tests/kernels/run --avoid-hooks fentry: the kprobe variants on a kernel
# that has fentry). Empty: none.
AVOID_ARGS=${TCPTOP_TEST_AVOID:+--avoid-hooks=$TCPTOP_TEST_AVOID}

# start_batch OUT ERR ARGS...: tcptop -b in the background; waits for its
# first interval (the CSV header or the text summary).
start_batch() {
   local out=$1 err=$2
   shift 2
   "$TCPTOP" -b --cache-dir "$PROBE_CACHE" $AVOID_ARGS "$@" > "$out" 2> "$err" &
   BG_PIDS="$BG_PIDS $!"
   TCPTOP_PID=$!
   wait_for_line '^(proto|time|tcptop - |\{)' "$out" 60 || { cat "$err"; fail "tcptop did not start"; }
}

# stop_batch: SIGINT, and the exit status must be 0.
stop_batch() {
   kill -INT "$TCPTOP_PID"
   wait "$TCPTOP_PID"
   local rc=$?
   BG_PIDS=""
   expect_eq "tcptop exit status after SIGINT" "$rc" 0
}

# csv_last FILE FILTER-PYTHON-EXPR COLUMN: COLUMN of the last CSV row for
# which the expression (over the row dict r) is true; empty when none.
csv_last() {
   python3 - "$@" <<'PY'
import csv, sys
path, expr, col = sys.argv[1], sys.argv[2], sys.argv[3]
last = ""
with open(path) as f:
    for r in csv.DictReader(f):
        if eval(expr, {}, {"r": r}):
            last = r[col]
print(last)
PY
}

# ---- the screen in tmux (its own server, in $TMP) --------------------------
tm() { tmux -S "$TMP/tmux.sock" -f /dev/null "$@"; }
# shot N: session sN's screen into $TMP/shotN
shot() { tm capture-pane -p -t "s$1" > "$TMP/shot$1"; }
# wait_screen N REGEX SECONDS: until session sN shows REGEX; else print it, 1
wait_screen() {
   i=0
   while [ $i -lt $(($3 * 10)) ]; do
      shot "$1"
      grep -Eq -- "$2" "$TMP/shot$1" && return 0
      sleep 0.1; i=$((i + 1))
   done
   cat "$TMP/shot$1"; return 1
}
