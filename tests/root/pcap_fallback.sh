#!/bin/sh
# --backend auto falls back to live capture: a user with CAP_NET_RAW alone
# (no CAP_BPF/CAP_PERFMON/CAP_NET_ADMIN) gets one line on standard error
# saying eBPF is unavailable and why, then the table from packets on all
# interfaces, exit 0. The same as root when no probe can be attached (all
# turned off in the config). Without even CAP_NET_RAW, --backend pcap is one error
# line and exit 1.
. "${srcdir:-.}/tests/root/lib.sh"
need_root
command -v setpriv > /dev/null || skip "setpriv (util-linux) is not installed"
cp "$TCPTOP" "$TMP/tcptop" && chmod 755 "$TMP/tcptop"
as_nobody() {   # CAPS ARGS...: run the copy as nobody with only CAPS (e.g. +net_raw, or -all)
   local caps=$1
   shift
   (cd "$TMP" && HOME="$TMP" XDG_CONFIG_HOME="$TMP/config" setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps="$caps" --ambient-caps="$caps" \
      --bounding-set="$caps" "$TMP/tcptop" "$@")
}
as_nobody +net_raw -b -n 2 -d 0.2 > "$TMP/out" 2> "$TMP/err"; rc=$?
expect_eq "fallback exit" $rc 0
expect_eq "fallback stderr lines" "$(wc -l < "$TMP/err")" 1
expect_grep "fallback notice" "^tcptop: eBPF backend unavailable \\((no CAP_BPF, CAP_PERFMON and CAP_NET_ADMIN|built with --disable-bpf)\\): capturing packets on any interface with libpcap instead \\(--backend pcap\\)$" "$TMP/err"
expect_eq "fallback tables" "$(grep -c '^tcptop - ' "$TMP/out")" 2
expect_grep "fallback summary shows malformed packets" 'malformed [0-9]+$' "$TMP/out"
printf '[probes]\ntcp_open = off\ntcp_state = off\nsock_io = off\nflow_skb = off\nsock_release = off\n' > "$TMP/off.conf"
"$TCPTOP" -b -n 1 -c "$TMP/off.conf" --cache-dir "$TMP/cache" > "$TMP/out" 2> "$TMP/err"; rc=$?
expect_eq "no probe: exit" $rc 0
expect_eq "no probe: stderr lines" "$(wc -l < "$TMP/err")" 1
expect_grep "no probe: notice" "^tcptop: eBPF backend unavailable \((no probe could be attached: see 'tcptop --list-probes'|built with --disable-bpf)\): capturing packets on any interface" "$TMP/err"
expect_grep "no probe: a table from packets" 'malformed [0-9]+$' "$TMP/out"
as_nobody -all -b -n 1 --backend pcap -i lo > "$TMP/out" 2> "$TMP/err"; rc=$?
expect_eq "no capture privilege exit" $rc 1
expect_eq "no capture privilege stderr lines" "$(wc -l < "$TMP/err")" 1
expect_grep "no capture privilege message" "^tcptop: cannot capture on lo: .*(permission|Operation not permitted)" "$TMP/err"
pass "CAP_NET_RAW alone, or no probe attached: one notice, then live capture; no privilege: one error line, exit 1"
