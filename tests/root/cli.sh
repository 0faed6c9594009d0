#!/bin/sh
# Command line: help, version, and one clear error line (exit 2) for bad usage.
. "${srcdir:-.}/tests/root/lib.sh"

"$TCPTOP" --help > "$TMP/out" 2> "$TMP/err"; rc=$?
expect_eq "--help exit" "$rc" 0
expect_grep "--help lists --list-probes" '^ +--list-probes ' "$TMP/out"
expect_grep "--help lists --probe-dir" '--probe-dir DIR' "$TMP/out"
expect_eq "--help stderr" "$(wc -c < "$TMP/err")" 0

"$TCPTOP" -V > "$TMP/out" 2>&1; rc=$?
expect_eq "-V exit" "$rc" 0
expect_grep "-V names the version" '^tcptop [0-9]+\.[0-9]+\.[0-9]+$' "$TMP/out"
expect_grep "-V names LLVM and libbpf" 'LLVM/clang [0-9.]+, libbpf [0-9.]+' "$TMP/out"

check_usage_error() {
   # check_usage_error MESSAGE-REGEXP ARGS...
   pattern=$1; shift
   "$TCPTOP" "$@" > "$TMP/out" 2> "$TMP/err"; rc=$?
   expect_eq "exit of tcptop $*" "$rc" 2
   expect_eq "stdout of tcptop $*" "$(wc -c < "$TMP/out")" 0
   expect_eq "stderr lines of tcptop $*" "$(wc -l < "$TMP/err")" 1
   expect_grep "message of tcptop $*" "$pattern" "$TMP/err"
}
check_usage_error "^tcptop: unknown option '--bogus'; try 'tcptop --help'$" --bogus
check_usage_error "^tcptop: unknown option '-Z'; try 'tcptop --help'$" -Z
check_usage_error "^tcptop: missing argument for '--probe-dir'; try 'tcptop --help'$" --list-probes --probe-dir
check_usage_error "^tcptop: unexpected argument 'extra'; try 'tcptop --help'$" --list-probes extra
check_usage_error "^tcptop: cannot read probe directory $TMP/none: No such file or directory$" --list-probes --probe-dir "$TMP/none"
check_usage_error "^tcptop: invalid value 'abc' for --delay: must be a number from 0.05 to 3600$" -b -d abc
check_usage_error "^tcptop: invalid value '0' for --delay: must be a number from 0.05 to 3600$" -b -d 0
check_usage_error "^tcptop: invalid value '1.5' for --iterations: must be a whole number from 1 to 1000000000$" -b -n 1.5
check_usage_error "^tcptop: invalid value 'xml' for --format: valid values are text, csv, json, jsonl$" -b --format xml
check_usage_error "^tcptop: invalid value 'uprobe' for --avoid-hooks: 'uprobe' is not one of fentry, kprobe, tracepoint \(a comma-separated list, or empty for none\)$" -b --avoid-hooks uprobe
check_usage_error "^tcptop: invalid value 'sctp' for --proto: valid values are all, tcp, udp$" -b --proto sctp
check_usage_error "^tcptop: invalid value '70000' for --port: must be a whole number from 1 to 65535$" -b --port 70000
check_usage_error "^tcptop: invalid value '-3' for --pid: must be a whole number from 1 to 4194304$" -b --pid -3
check_usage_error "^tcptop: unknown column 'bytes'; valid columns: time, proto, laddr, .*, age_s, cgroup, .*, rtt_min_us$" -b --columns proto,bytes
check_usage_error "^tcptop: invalid value 'host' for --group: valid values are none, process, command, remote, port, cgroup, netns$" -b --group host
check_usage_error "^tcptop: invalid value 'a/b' for --netns: 'a/b' is not a network namespace: give its inode .* or its name in /run/netns$" -b --netns a/b
check_usage_error "^tcptop: invalid value '4294967296' for --netns: " -b --netns 4294967296
check_usage_error "^tcptop: invalid value '' for --cgroup: give a cgroup's short name as the cgroup column shows it, or its path from the cgroup v2 root$" -b --cgroup=
check_usage_error "^tcptop: invalid value '/a//b' for --cgroup: '/a//b' is not a cgroup path: no empty elements" -b --cgroup /a//b
check_usage_error "^tcptop: unknown sort column 'speed'; valid columns: time, .* \\(prefix \\+ or - for the direction\\)$" -b --sort speed

# A log that cannot be created: one line, exit 1, before any output.
if [ "$(id -u)" = 0 ]; then
   "$TCPTOP" -b -n 1 --cache-dir "$TMP/cache" --log "$TMP/no/such/dir/log.csv" > "$TMP/out" 2> "$TMP/err"; rc=$?
   expect_eq "unwritable --log exit" "$rc" 1
   expect_grep "unwritable --log message" "^tcptop: cannot create the log $TMP/no/such/dir/log.csv: No such file or directory; choose a writable path for --log$" "$TMP/err"
   expect_eq "unwritable --log stderr lines" "$(wc -l < "$TMP/err")" 1
fi
pass "help, version and usage errors"
