#!/bin/sh
# --log is opened safely, first: a link another user planted in a sticky
# directory (or a directory link, or a directory others can write) is
# refused and nothing is made through it; another user's file and a log of
# other columns are refused and left byte for byte; a new log is mode 0600
# and the invoking user's (SUDO_UID/SUDO_GID); a second run continues it
# (one header, the rows of both runs, its mode kept); a refusal exits 2
# before anything is captured or loaded (eBPF: the probe cache untouched).
# Driven by -r CAPTURE, so it runs in the --disable-bpf build too.
. "${srcdir:-.}/tests/root/lib.sh"
need_root
command -v setpriv > /dev/null || skip "needs setpriv (util-linux)"
unset SUDO_UID SUDO_GID   # tcptop acts for root itself unless a case sets them

cap="$TMP/c.pcap"
python3 "$top_srcdir/tests/root/mkcapture.py" capture "$cap" || fail "mkcapture.py failed"
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
replay() { "$TCPTOP" -b -r "$cap" "$@" > "$TMP/out" 2> "$TMP/err"; }
attrs() { stat -c '%a %u %g %s %Y' "$1"; }

# refused LOG WHAT PATTERN: exit 2, one line on stderr matching PATTERN, no output
refused() {
   replay --log "$1"
   expect_eq "$2: exit status" "$?" 2
   expect_eq "$2: stderr lines" "$(wc -l < "$TMP/err")" 1
   expect_grep "$2: message" "$3" "$TMP/err"
   expect_eq "$2: output" "$(wc -c < "$TMP/out")" 0
}

S="$TMP/sticky"
mkdir "$S" && chmod 1777 "$S"

# (a) a link nobody planted, to a file root would make: refused, not followed
as_nobody ln -s "$TMP/victim.csv" "$S/x.csv" || fail "nobody cannot plant a link in $S"
refused "$S/x.csv" "planted link" \
   "^tcptop: refusing the log $S/x.csv: $S/x.csv is a symbolic link, which tcptop does not follow when writing; choose another file for --log$"
[ ! -e "$TMP/victim.csv" ] || fail "the planted link's target was made"
# ... a directory link nobody planted, to root's directory
mkdir "$TMP/private"
as_nobody ln -s "$TMP/private" "$S/dir" || fail "nobody cannot plant a directory link"
refused "$S/dir/x.csv" "planted directory link" "^tcptop: refusing the log $S/dir/x.csv: $S/dir is a symbolic link owned by uid 65534, not by root or you;"
[ ! -e "$TMP/private/x.csv" ] || fail "a log was made through the planted directory link"
# ... a directory anyone can write, not sticky
mkdir "$TMP/open" && chmod 777 "$TMP/open"
refused "$TMP/open/x.csv" "world-writable directory" \
   "^tcptop: refusing the log $TMP/open/x.csv: the directory $TMP/open can be written by other users \\(mode 0777\\) and is not sticky;"
[ ! -e "$TMP/open/x.csv" ] || fail "a log was made in a directory others can write"

# (b) another user's file, even with tcptop's header: refused, left as it was
replay --log "$TMP/header.csv" || fail "a log in root's directory: $(cat "$TMP/err")"
head -n 1 "$TMP/header.csv" | as_nobody sh -c "cat > '$S/theirs.csv'; echo nobody was here >> '$S/theirs.csv'" ||
   fail "nobody cannot write in $S"
expect_eq "another user's file starts with tcptop's header" "$(head -n 1 "$S/theirs.csv")" "$(head -n 1 "$TMP/header.csv")"
cp "$S/theirs.csv" "$TMP/theirs.orig"
before=$(attrs "$S/theirs.csv")
sleep 1   # a write would change the modification time
refused "$S/theirs.csv" "another user's file" \
   "^tcptop: refusing the log $S/theirs.csv: $S/theirs.csv is owned by uid 65534, not by root or you; choose another file for --log$"
cmp "$S/theirs.csv" "$TMP/theirs.orig" || fail "another user's file was changed"
expect_eq "another user's file: mode, owner, size, time" "$(attrs "$S/theirs.csv")" "$before"

# (c) a new log: mode 0600, the invoking user's (sudo's SUDO_UID/SUDO_GID),
# root's when root ran tcptop itself
SUDO_UID=65534 SUDO_GID=65534 "$TCPTOP" -b -r "$cap" --log "$S/mine.csv" > /dev/null 2> "$TMP/err" ||
   fail "a new log for uid 65534: $(cat "$TMP/err")"
expect_eq "a new log's mode and owner (SUDO_UID)" "$(stat -c '%a %u %g' "$S/mine.csv")" "600 65534 65534"
expect_eq "root's own new log" "$(stat -c '%a %u %g' "$TMP/header.csv")" "600 0 0"

# (d) the same --log again: continued, one header, the rows of both runs
rows=$(($(wc -l < "$S/mine.csv") - 1))
[ "$rows" -gt 0 ] || fail "the first run logged no rows"
head -n 1 "$S/mine.csv" > "$TMP/header1"
SUDO_UID=65534 SUDO_GID=65534 "$TCPTOP" -b -r "$cap" --log "$S/mine.csv" > /dev/null 2> "$TMP/err" ||
   fail "the second run on the same log: $(cat "$TMP/err")"
expect_eq "headers in a continued log" "$(grep -c '^time,proto,' "$S/mine.csv")" 1
head -n 1 "$S/mine.csv" | cmp -s - "$TMP/header1" || fail "the continued log's header changed"
expect_eq "rows of both runs" "$(($(wc -l < "$S/mine.csv") - 1))" "$((rows * 2))"
expect_eq "the closed connection, once per run" "$(grep -c ',40000,.*,CLOSED,' "$S/mine.csv")" 2
expect_eq "a continued log's mode and owner" "$(stat -c '%a %u %g' "$S/mine.csv")" "600 65534 65534"
# ... its mode is never changed
chmod 640 "$TMP/header.csv"
replay --log "$TMP/header.csv" || fail "continuing root's log: $(cat "$TMP/err")"
expect_eq "a continued log keeps its mode" "$(stat -c '%a' "$TMP/header.csv")" 640
expect_eq "headers in root's continued log" "$(grep -c '^time,proto,' "$TMP/header.csv")" 1

# (e) a file of other columns: refused, left as it was
printf 'time,proto,laddr\n1700000000.000,tcp,10.0.0.1\n' > "$TMP/other.csv"
cp "$TMP/other.csv" "$TMP/other.orig"
refused "$TMP/other.csv" "other columns" \
   "^tcptop: the log $TMP/other.csv has other columns \\(its header differs\\): choose a new file for --log or move $TMP/other.csv away$"
cmp "$TMP/other.csv" "$TMP/other.orig" || fail "a log of other columns was changed"
# ... not a regular file
refused /dev/null "not a regular file" "^tcptop: refusing the log /dev/null: /dev/null is not a regular file;"

# (f) the refusal comes first: before a capture is opened (its error never
# shows) and, with eBPF, before the backend opens its cache or compiles
"$TCPTOP" -b -r "$TMP/missing.pcap" --log "$S/x.csv" > "$TMP/out" 2> "$TMP/err"
expect_eq "refusal before the capture: exit status" "$?" 2
expect_eq "refusal before the capture: stderr lines" "$(wc -l < "$TMP/err")" 1
expect_grep "refusal before the capture: message" "^tcptop: refusing the log $S/x.csv:" "$TMP/err"
if "$TCPTOP" --version | grep -q '^eBPF backend: not built'; then
   echo "safe_files: built without eBPF, its case skipped"
else
   "$TCPTOP" -b --backend bpf --cache-dir "$TMP/cache" $AVOID_ARGS --log "$TMP/other.csv" > "$TMP/out" 2> "$TMP/err"
   expect_eq "refusal before eBPF: exit status" "$?" 2
   expect_eq "refusal before eBPF: stderr lines" "$(wc -l < "$TMP/err")" 1
   expect_grep "refusal before eBPF: message" "^tcptop: the log $TMP/other.csv has other columns" "$TMP/err"
   [ ! -e "$TMP/cache" ] || fail "the probe cache was opened before the log was refused"
   # the same run with a good log opens (makes) the cache: what the case above watches
   "$TCPTOP" -b -n 1 -d 0.2 --backend bpf --cache-dir "$TMP/cache" $AVOID_ARGS --log "$TMP/bpf.csv" > /dev/null 2> "$TMP/err" ||
      fail "eBPF run with a good log: $(cat "$TMP/err")"
   [ -d "$TMP/cache" ] || fail "an eBPF run does not make its cache directory"
   expect_grep "eBPF log header" "^time,proto," "$TMP/bpf.csv"
fi
pass "planted links, others' directories and files, other columns and non-files refused first (exit 2) and left alone; new logs 0600 and the invoking user's; a second run continues the log"
