#!/bin/sh
# End to end: tcptop compiles, loads and attaches its probes, and a TCP
# connection made in a network namespace of the test's own shows up with
# its addresses, the process that made it, and its states.
. "${srcdir:-.}/tests/root/lib.sh"
need_root
make_netns

"$TCPTOP" --cache-dir "$TMP/cache" > "$TMP/out" 2> "$TMP/err" &
BG_PIDS=$!
wait_for_line '^TIME +PID' "$TMP/out" 30 || { cat "$TMP/err"; fail "tcptop did not attach its probes"; }

cat > "$TMP/conn.py" <<'PY'
import os, socket
srv = socket.socket()
srv.bind(("127.0.0.1", 47123))
srv.listen()
cli = socket.create_connection(("127.0.0.1", 47123))
peer, _ = srv.accept()
cli.sendall(b"x" * 1000)
peer.recv(1000)
cli.close(); peer.close(); srv.close()
print(os.getpid())
PY
pid=$(in_netns python3 "$TMP/conn.py") || fail "traffic generator failed"
wait_for_line "127\.0\.0\.1:47123 +LAST_ACK -> CLOSE" "$TMP/out" 10 || true
kill -INT $BG_PIDS
wait $BG_PIDS; rc=$?
BG_PIDS=""
cat "$TMP/out"
expect_eq "exit after SIGINT" "$rc" 0
expect_grep "client connects" "^[0-9:]+ +$pid +python3 +127\.0\.0\.1:[0-9]+ +127\.0\.0\.1:47123 +SYN_SENT -> ESTABLISHED$" "$TMP/out"
expect_grep "server accepts" " 127\.0\.0\.1:47123 +127\.0\.0\.1:[0-9]+ +SYN_RECV -> ESTABLISHED$" "$TMP/out"
expect_grep "listener" " 127\.0\.0\.1:47123 +0\.0\.0\.0:0 +CLOSE -> LISTEN$" "$TMP/out"
expect_grep "close" "127\.0\.0\.1:47123 +(FIN_WAIT2|TIME_WAIT|LAST_ACK|FIN_WAIT1|CLOSING) -> CLOSE$" "$TMP/out"
pass "a connection in a private namespace was seen from open to close"
