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
pass "help, version and usage errors"
