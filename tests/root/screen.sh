#!/bin/sh
# The screen (tcptop without -b), driven in tmux with real traffic from a
# network namespace of the test's own: the header and the generator's rows
# (PID, ports) appear; > moves the sort to the next column and the rows
# change order; / + text keeps only the matching rows and Esc clears it;
# q, Ctrl-C, SIGTERM and a fatal signal (SIGSEGV delivered with kill: the same
# handler a real crash runs) each leave the terminal exactly as it was
# (stty -g before and after, alternate screen off); SIGTERM still writes the
# last interval to --log; NO_COLOR leaves no colour in the output; F2's
# column choice is applied at once and saved (s) to the user's config, which
# the next start reads (with units = bits); without a terminal, one error
# line and exit 2.
. "${srcdir:-.}/tests/root/lib.sh"
need_root
command -v tmux > /dev/null || fail "tmux is missing (apt-get install tmux)"
make_netns

cleanup_tmux() { tm kill-server 2>/dev/null; cleanup; }
trap cleanup_tmux EXIT

# Without a terminal: one line, exit 2, nothing on stdout.
"$TCPTOP" --cache-dir "$TMP/cache" < /dev/null > "$TMP/out" 2> "$TMP/err"; rc=$?
expect_eq "exit without a terminal" "$rc" 2
expect_eq "stdout without a terminal" "$(wc -c < "$TMP/out")" 0
expect_grep "message without a terminal" "^tcptop: the screen needs a terminal .*use -b" "$TMP/err"

# The generators run as "scrntraffic" (a symlink to python: the name is the
# process's comm), so that / can pick them out of whatever else the machine
# (other tests in parallel) has open: the probes see every namespace. Not
# through in_netns (a function: & would fork a subshell, and $! would not be
# the generator that cleanup kills).
ln -s "$(python3 -c 'import os, sys; print(os.path.realpath(sys.executable))')" "$TMP/scrntraffic"
ip netns exec "$NETNS" "$TMP/scrntraffic" "$TRAFFIC" tcp 4 123457 120 > "$TMP/tcp" & BG_PIDS="$BG_PIDS $!"
ip netns exec "$NETNS" "$TMP/scrntraffic" "$TRAFFIC" udploop 4 100 0.2 120 > "$TMP/udp" & BG_PIDS="$BG_PIDS $!"
wait_for_line pid "$TMP/tcp" 10 || fail "tcp generator did not start"
wait_for_line pid "$TMP/udp" 10 || fail "udp generator did not start"
PID=$(json_get "$TMP/tcp" pid); SP=$(json_get "$TMP/tcp" server_port); CP=$(json_get "$TMP/tcp" client_port)
UP=$(json_get "$TMP/udp" server_port); UPID=$(json_get "$TMP/udp" pid)

# run N ENV ARGS...: tcptop in tmux session sN; the pane records stty -g before
# and after, and the exit status.
run() {
   n=$1; envs=$2; shift 2
   cat > "$TMP/run$n.sh" <<SH
cd "$TMP"; ulimit -c 0; trap true INT   # as an interactive shell, Ctrl-C is for tcptop
stty -g > "$TMP/before$n"
env XDG_CONFIG_HOME="$TMP/noconf" $envs "$TCPTOP" --cache-dir "$TMP/cache" $*
echo "rc=\$?" > "$TMP/rc$n"
stty -g > "$TMP/after$n"
echo "exited"
exec sleep 600
SH
   tm new-session -d -s "s$n" -x 200 -y 50 "sh $TMP/run$n.sh" || fail "tmux new-session failed"
   wait_screen "$n" 'probes [0-9]+ loaded' 60 || fail "session $n: the screen did not come up"
}

keys() { n=$1; shift; tm send-keys -t "s$n" "$@"; sleep 0.4; shot "$n"; }
tcptop_pid() { pgrep -P "$(tm display -p -t "s$1" '#{pane_pid}')" -x tcptop; }

# the terminal after tcptop: same stty, alternate screen off, the status
check_restored() {   # N WHAT RC
   wait_for_line . "$TMP/rc$1" 10 || fail "$2: tcptop did not exit"
   expect_eq "$2: exit status" "$(cat "$TMP/rc$1")" "rc=$3"
   expect_eq "$2: stty -g after" "$(cat "$TMP/after$1")" "$(cat "$TMP/before$1")"
   expect_eq "$2: alternate screen" "$(tm display -p -t "s$1" '#{alternate_on}')" 0
   wait_screen "$1" '^exited$' 5 || fail "$2: the shell did not get the terminal back"
   expect_no_grep "$2: the screen is gone" 'probes [0-9]+ loaded' "$TMP/shot$1"
}

# --- 1: header, rows, sort, filter, q --------------------------------------
run 1 "LC_ALL=C.UTF-8" --sort lport
keys 1 / scrntraffic Enter
wait_screen 1 "^tcp +127\.0\.0\.1 +$CP +127\.0\.0\.1 +$SP +$PID +scrntraffic +ESTABLISHED" 10 || fail "no client row with pid $PID"
expect_grep "server row" "^tcp +127\.0\.0\.1 +$SP +127\.0\.0\.1 +$CP +$PID +scrntraffic +ESTABLISHED +0 +121K" "$TMP/shot1"
expect_grep "client bytes" " $CP +127\.0\.0\.1 +$SP .* 121K +0 " "$TMP/shot1"
expect_grep "header: connections" '^TCP [0-9]+ ESTABLISHED [0-9]+' "$TMP/shot1"
expect_grep "header: send rate" '^Send +[0-9.]+[KMG]?B/s' "$TMP/shot1"
expect_grep "header: lost events" 'lost events [0-9]+' "$TMP/shot1"
expect_grep "sort arrow on LPORT" 'LPORT▲' "$TMP/shot1"
tm capture-pane -p -e -t s1 > "$TMP/esc1"
expect_grep "colours by default" '\[(3|4)[0-7]m|\[(38|48);' "$TMP/esc1"
wait_screen 1 "^udp +127\.0\.0\.1 +$UP +127\.0\.0\.1 +[0-9]+ +$UPID +scrntraffic +ACTIVE" 5 || fail "no udp row"
wait_screen 1 "^Showing 4 of " 5 || fail "/scrntraffic: not exactly the generators' 4 rows"

keys 1 Escape
expect_no_grep "Esc clears the filter" '^Showing .* filter ' "$TMP/shot1"
keys 1 / "$SP"
wait_screen 1 " filter $SP\$" 5 || fail "no filter $SP"
rows() { sed '$d' "$TMP/shot1" | awk 'p && NF { print } /^PROTO|^LOCAL/ { p = 1 }'; }   # the table, without the footer
expect_eq "filtered rows: ours" "$(rows | grep -Ec "^tcp .* ($SP +127\.0\.0\.1 +$CP|$CP +127\.0\.0\.1 +$SP) ")" 2
expect_no_grep "filtered rows: all have the port" "^[^ ].*" "$(rows | grep -v " $SP " > "$TMP/other1"; echo "$TMP/other1")"
keys 1 Enter
first() { shot 1; grep -E '^tcp ' "$TMP/shot1" | head -n 1 | awk '{ print $3 }'; }
LOW=$SP HIGH=$CP; [ "$SP" -lt "$CP" ] || { LOW=$CP; HIGH=$SP; }
expect_eq "first row by lport" "$(first)" "$LOW"
keys 1 '>'
expect_grep "> moves the sort to REMOTE" 'REMOTE▲' "$TMP/shot1"
keys 1 '>'
shot 1
expect_grep "> moves the sort to RPORT" 'RPORT▲' "$TMP/shot1"
expect_eq "first row by rport" "$(first)" "$HIGH"
# the selection follows its connection: select the first row, invert the
# order (it becomes the last), its details must still be that connection
keys 1 Home I
expect_eq "after I, first row by rport descending" "$(first)" "$LOW"
keys 1 Enter
wait_screen 1 '^Connection details' 5 || fail "Enter did not open the details"
expect_grep "details of the selected connection" "^lport +$HIGH " "$TMP/shot1"
expect_grep "details: pid" "^pid +$PID " "$TMP/shot1"
expect_grep "details: rate graphs" '^send/s' "$TMP/shot1"
keys 1 Escape
keys 1 Escape
expect_no_grep "Esc cleared the filter" '^Showing .* filter ' "$TMP/shot1"
keys 1 / scrntraffic Enter
wait_screen 1 "^udp +127\.0\.0\.1 +$UP " 5 || fail "/scrntraffic: no udp row"
keys 1 t
expect_grep "t: tcp only" ' proto tcp ' "$TMP/shot1"
expect_no_grep "t: no udp row" '^udp ' "$TMP/shot1"
keys 1 t
expect_no_grep "t again: no tcp row" '^tcp ' "$TMP/shot1"
keys 1 t p
expect_grep "p: paused" 'PAUSED' "$TMP/shot1"
T1=$(head -n 1 "$TMP/shot1")
sleep 2.2; shot 1
expect_eq "paused: the first line stays" "$(head -n 1 "$TMP/shot1")" "$T1"
keys 1 p
# a resize redraws for the new size: the footer on the new last line
tm resize-window -t s1 -x 100 -y 30
sleep 0.5; shot 1
expect_eq "after a resize: lines" "$(wc -l < "$TMP/shot1")" 30
expect_grep "after a resize: the footer on line 30" '^qQuit' "$(tail -n 1 "$TMP/shot1" > "$TMP/last1"; echo "$TMP/last1")"
expect_grep "after a resize: the titles" '^PROTO +LOCAL' "$TMP/shot1"
keys 1 q
check_restored 1 "q" 0

# --- 2: SIGTERM, ASCII, NO_COLOR, the log's last interval -------------------
run 2 "LC_ALL=C NO_COLOR=1" -d 5 --sort tx_bytes --log "$TMP/log.csv"
wait_for_line "^[0-9.]+,tcp," "$TMP/log.csv" 10 || fail "no first interval in the log"
shot 2
expect_grep "ASCII sort arrow" " TXv " "$TMP/shot2"
expect_no_grep "no UTF-8 arrow" "▼" "$TMP/shot2"
tm capture-pane -p -e -t s2 > "$TMP/esc2"
expect_no_grep "NO_COLOR: no colour escapes" '\[(3|4)[0-7]m|\[(38|48);' "$TMP/esc2"
sleep 1.5
T=$(date +%s.%N)
kill -TERM "$(tcptop_pid 2)" || fail "no tcptop in session 2"
check_restored 2 "SIGTERM" 0
LAST=$(tail -n 1 "$TMP/log.csv" | cut -d, -f1)
awk -v l="$LAST" -v t="$T" 'BEGIN { exit !(l >= t) }' || fail "SIGTERM: the log's last interval ($LAST) is older than the signal ($T)"
expect_grep "the log has the server row" "^[0-9.]+,tcp,127\.0\.0\.1,$SP,127\.0\.0\.1,$CP,$PID," "$TMP/log.csv"

# --- 3: a crash -------------------------------------------------------------
run 3 "LC_ALL=C.UTF-8"
kill -SEGV "$(tcptop_pid 3)" || fail "no tcptop in session 3"
check_restored 3 "SIGSEGV" 139
# --- 4: Ctrl-C typed on the terminal (SIGINT from the tty) ------------------
run 4 "LC_ALL=C.UTF-8"
keys 4 +
expect_grep "+: a longer interval" ' interval 2s ' "$TMP/shot4"
keys 4 d 0 . 5 Enter
expect_grep "d 0.5: that interval" ' interval 0\.5s ' "$TMP/shot4"
keys 4 h
expect_grep "h: help" '^tcptop keys$' "$TMP/shot4"
keys 4 x
expect_grep "any key leaves the help" 'probes [0-9]+ loaded' "$TMP/shot4"
keys 4 P
wait_screen 4 '^probe sock_io: ok, tracepoint/sock/sock_send_length' 5 || fail "P: no probe health lines in the header"
expect_grep "P: the table still follows the probe lines" '^PROTO ' "$TMP/shot4"
keys 4 P
sleep 0.3; shot 4
expect_no_grep "P again: the probe lines go" '^probe ' "$TMP/shot4"
keys 4 / scrntraffic Enter n
wait_screen 4 "^tcp +localhost +$SP +localhost +$CP +$PID " 10 || fail "n: no host names (127.0.0.1 is localhost in /etc/hosts)"
expect_grep "n: names on" ' names on ' "$TMP/shot4"
keys 4 C-c
check_restored 4 "Ctrl-C" 0
# --- 5: F2 setup saved to the user's config, read back by the next start ----
# F2 saves as the user tcptop runs as once started (PRIVILEGES in tcptop(8)):
# nobody here, whose directory this is.
mkdir -m 700 "$TMP/xdg" && chown nobody: "$TMP/xdg" || fail "cannot make nobody's config directory"
run 5 "LC_ALL=C.UTF-8 XDG_CONFIG_HOME=$TMP/xdg" --user nobody
keys 5 F2
expect_grep "F2: the setup panel" '^ \[x\] proto ' "$TMP/shot5"
keys 5 Space
keys 5 s
expect_grep "s: saved" "saved columns and sort -rate to $TMP/xdg/tcptop/tcptop.conf" "$TMP/shot5"
keys 5 Escape
expect_grep "F2 applied at once: no PROTO column" '^LOCAL +LPORT +REMOTE' "$TMP/shot5"
keys 5 q
check_restored 5 "q after F2" 0
expect_grep "saved columns" '^columns = laddr,lport,raddr,rport,pid,comm,state,tx_bytes,rx_bytes,tx_rate,rx_rate,rtt_us,retrans,age_s$' "$TMP/xdg/tcptop/tcptop.conf"
expect_grep "saved sort" '^sort = -rate$' "$TMP/xdg/tcptop/tcptop.conf"
echo "units = bits" >> "$TMP/xdg/tcptop/tcptop.conf"
run 6 "LC_ALL=C.UTF-8 XDG_CONFIG_HOME=$TMP/xdg"
expect_grep "the saved columns at start" '^LOCAL +LPORT +REMOTE' "$TMP/shot6"
expect_grep "units = bits: the header in bits" '^Send +[0-9.]+[kMG]?b/s' "$TMP/shot6"
keys 6 q
check_restored 6 "q" 0

pass "F2 saves the columns, rows with PID and ports, > sort, / filter, q, Ctrl-C, SIGTERM (and --log) and SIGSEGV restore the terminal"
