#!/bin/sh
# Who owns each connection: pid, command and user, for a process that is not
# root (nobody), so that a missing user (uid 0, root) cannot pass. The
# connecting side, the accepting side, a connection that never carries a
# byte (its owner can only come from the connect: sockops where the kernel
# lets it call the process helpers, else fexit or a kretprobe on
# tcp_connect; its accepted end's from inet_accept, where the kernel has
# fentry or kprobes), and both ends of a UDP exchange.
. "${srcdir:-.}/tests/root/lib.sh"
need_root
command -v setpriv > /dev/null || skip "setpriv (util-linux) is not installed"
make_netns
user=$(id -nu 65534) || fail "no user 65534"
as_nobody() { in_netns setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
# Debian's python3: a python3 first on root's PATH may be in a home nobody cannot enter.
PY=/usr/bin/python3

start_batch "$TMP/out" "$TMP/err" -d 0.2 --format csv \
   --columns proto,laddr,lport,raddr,rport,pid,comm,user,state,tx_bytes,rx_bytes

as_nobody "$PY" "$TRAFFIC" tcp 4 100000 1.2 > "$TMP/tcp" || fail "tcp traffic failed"
as_nobody "$PY" "$TRAFFIC" idle 6 1.2 > "$TMP/idle" || fail "idle connection failed"
as_nobody "$PY" "$TRAFFIC" udp 4 10 100 1.2 > "$TMP/udp" || fail "udp traffic failed"
sleep 1

# check WHAT GENERATOR-OUTPUT PROTO LPORT-KEY RPORT-KEY
check() {
   local pid=$(json_get "$2" pid) lp=$(json_get "$2" "$4") rp=$(json_get "$2" "$5")
   local row="r['proto']=='$3' and r['lport']=='$lp' and r['rport']=='$rp' and r['pid']!=''"
   expect_eq "$1: pid" "$(csv_last "$TMP/out" "$row" pid)" "$pid"
   expect_eq "$1: command" "$(csv_last "$TMP/out" "$row" comm)" python3
   expect_eq "$1: user" "$(csv_last "$TMP/out" "$row" user)" "$user"
}
check "TCP client" "$TMP/tcp" tcp client_port server_port
check "TCP server (accepted)" "$TMP/tcp" tcp server_port client_port
check "TCP client that sent nothing" "$TMP/idle" tcp client_port server_port
"$TCPTOP" --list-probes --cache-dir "$PROBE_CACHE" $AVOID_ARGS > "$TMP/probes" 2>&1
if grep -Eq '^    attached: .*(fexit|kretprobe)/inet_accept' "$TMP/probes"; then
   check "TCP server that received nothing" "$TMP/idle" tcp server_port client_port
else
   echo "no accept hook on this kernel (no fentry, no kprobes): an accepted connection's owner comes with its first read or write"
fi
idle="r['proto']=='tcp' and r['lport']=='$(json_get "$TMP/idle" client_port)'"
expect_eq "idle client: nothing sent" "$(csv_last "$TMP/out" "$idle" tx_bytes)" 0
check "UDP client" "$TMP/udp" udp client_port server_port
check "UDP server" "$TMP/udp" udp server_port client_port
stop_batch
pass "pid, command and user ($user) of connecting, accepting, idle and UDP sockets"
