#!/bin/sh
# Fuzzing the pcap backend (tests/fuzz/fuzz_pcap.c: capture files through
# libpcap and Capture, and crafted frames of every link type through
# Packet_parse and the flow tracker), seeded with the test capture of
# tests/root/mkcapture.py in every link type. With the eBPF build and
# clang-14: libFuzzer with AddressSanitizer and UBSan for FUZZ_SECONDS
# (default 20). A --disable-bpf build (no clang needed) runs the same target
# under the standalone driver built by make check, as long.
. "${srcdir:-.}/tests/root/lib.sh"
SECONDS_=${FUZZ_SECONDS:-20}
python3 "$top_srcdir/tests/root/mkcapture.py" seeds "$TMP/seeds" || fail "cannot write the seeds"
if "$TCPTOP" -V | grep -q LLVM; then
   CC=$(command -v clang-14 || command -v clang) ||
      fail "libFuzzer is not available: clang-14 is not installed (scripts/install-deps installs clang-14 and libclang-rt-14-dev)"
   src=$top_srcdir/src
   $CC -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -std=gnu11 \
      -I"$src" -I"$top_builddir" $(pkg-config --cflags libpcap) -o "$TMP/fuzz" \
      "$top_srcdir/tests/fuzz/fuzz_pcap.c" "$src/pcap/Packet.c" "$src/pcap/FlowTracker.c" "$src/pcap/Capture.c" \
      "$src/core/ConnTable.c" "$src/core/OpenHash.c" "$src/core/XUtils.c" $(pkg-config --libs libpcap) -lm > "$TMP/cc.log" 2>&1 ||
      { cat "$TMP/cc.log"; fail "libFuzzer is not available: $CC -fsanitize=fuzzer failed (scripts/install-deps installs libclang-rt-14-dev)"; }
   mkdir "$TMP/corpus"
   "$TMP/fuzz" -max_total_time=$SECONDS_ -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="$TMP/" "$TMP/corpus" "$TMP/seeds" > "$TMP/fuzz.log" 2>&1
   rc=$?
   if [ $rc -ne 0 ]; then
      tail -n 60 "$TMP/fuzz.log"
      mkdir -p "$top_builddir/fuzz-crashes" && cp "$TMP"/crash-* "$TMP"/leak-* "$TMP"/timeout-* "$top_builddir/fuzz-crashes/" 2>/dev/null
      fail "libFuzzer found a crash (input kept in $top_builddir/fuzz-crashes)"
   fi
   runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$TMP/fuzz.log")
   pass "libFuzzer + ASan/UBSan, $SECONDS_ s: $runs inputs from $(ls "$TMP/seeds" | wc -l) seeds, no crash, no leak"
else
   echo "a --disable-bpf build: the fuzz target runs under the standalone driver (gcc), not libFuzzer"
   "$top_builddir/tests/fuzz/fuzz_driver" -t $SECONDS_ -n 100000000 "$TMP"/seeds/* > "$TMP/fuzz.log" 2>&1 ||
      { tail -n 20 "$TMP/fuzz.log"; fail "the fuzz driver crashed"; }
   pass "standalone driver, $SECONDS_ s: $(cat "$TMP/fuzz.log")"
fi
