#!/bin/sh
# --listen beside the views: with the screen (in tmux) and with -b, /metrics
# answers while the view goes on, and each exits 0 as usual.
. "${srcdir:-.}/tests/root/lib.sh"
need_root
command -v tmux > /dev/null || skip "tmux is not installed"
command -v curl > /dev/null || skip "curl is not installed"
make_netns
LISTEN=19102
scrape_ok() {   # WHAT: /metrics answers 200 with the bytes family
   local i=0
   until in_netns curl -sf "http://127.0.0.1:$LISTEN/metrics" > "$TMP/scrape" 2>/dev/null; do
      i=$((i + 1))
      [ $i -lt 100 ] || fail "$1: no answer on /metrics"
      sleep 0.1
   done
   expect_grep "$1: the exposition" '^# TYPE tcptop_bytes_total counter$' "$TMP/scrape"
}

# --- beside the screen --------------------------------------------------------
cat > "$TMP/run.sh" <<SH
cd "$TMP"; trap true INT
env XDG_CONFIG_HOME="$TMP/noconf" nsenter --net="/run/netns/$NETNS" "$TCPTOP" --cache-dir "$PROBE_CACHE" $AVOID_ARGS --listen $LISTEN
echo "rc=\$?" > "$TMP/rc"
echo "exited"
exec sleep 600
SH
tm new-session -d -s s1 -x 200 -y 50 "sh $TMP/run.sh" || fail "tmux new-session failed"
wait_screen 1 'probes [0-9]+ loaded' 60 || fail "the screen did not come up"
scrape_ok "beside the screen"
shot 1
expect_grep "the screen is still drawn after a scrape" 'probes [0-9]+ loaded' "$TMP/shot1"
tm send-keys -t s1 q
wait_for_line . "$TMP/rc" 10 || fail "the screen did not exit on q"
expect_eq "the screen's exit status" "$(cat "$TMP/rc")" "rc=0"
tm kill-server 2>/dev/null

# --- beside -b -----------------------------------------------------------------
nsenter --net="/run/netns/$NETNS" "$TCPTOP" -b -d 0.5 --format csv --cache-dir "$PROBE_CACHE" $AVOID_ARGS \
   --listen $LISTEN > "$TMP/out" 2> "$TMP/err" &
TCPTOP_PID=$!
BG_PIDS="$BG_PIDS $TCPTOP_PID"
wait_for_line '^proto,' "$TMP/out" 60 || { cat "$TMP/err"; fail "-b printed no CSV header"; }
scrape_ok "beside -b"
stop_batch
pass "/metrics answers beside the screen and beside -b"
