#!/bin/sh
# Least privilege (docs/SECURITY.md): once started, a running tcptop is the
# invoking user (SUDO_UID), else nobody: /proc/PID/status shows that uid, no
# group, CapEff and CapPrm only what its backend keeps on this kernel (eBPF:
# none, or CAP_BPF where map reads need it; live capture: CAP_DAC_READ_SEARCH
# and CAP_SYS_PTRACE for other users' /proc/PID/fd), no bounding set,
# NoNewPrivs 1, Seccomp 2 (filter) -- while it still counts exact bytes: -b
# with eBPF, the screen, -r FILE, --backend pcap live. A forbidden system call
# (TCPTOP_TEST_FORBIDDEN_SYSCALL: personality, from a SIGALRM after N s) is
# named on stderr and kills tcptop with SIGSYS, in -b and on the screen with
# the terminal restored. --user root and an unknown --user are refused.
. "${srcdir:-.}/tests/root/lib.sh"
need_root
command -v tmux > /dev/null || fail "tmux is missing (scripts/install-deps installs it)"
make_netns
cleanup_tmux() { tm kill-server 2>/dev/null; umount "$TMP/bpffs" 2>/dev/null; cleanup; }
trap cleanup_tmux EXIT

EBPF=no
"$TCPTOP" -V | grep -q 'LLVM' && EBPF=yes
NOBODY=$(id -u nobody)
N=1234567   # bytes each generator sends
NONE=0000000000000000
PCAP_CAPS=0000000000080004   # CAP_DAC_READ_SEARCH (2) | CAP_SYS_PTRACE (19)

# BPF_CAPS: the eBPF backend's CapEff on this kernel, found out independently: can
# nobody read a map through a descriptor (bpftool, a map pinned in a bpffs
# of the test's own)? Where the kernel refuses every bpf() command without
# CAP_BPF (39) while kernel.unprivileged_bpf_disabled is set, tcptop keeps it.
bpf_caps() {
   command -v bpftool > /dev/null || fail "bpftool is missing (scripts/install-deps installs it)"
   mkdir "$TMP/bpffs" && mount -t bpf -o mode=0755 bpf "$TMP/bpffs" || fail "cannot mount a bpffs"
   bpftool map create "$TMP/bpffs/m" type array key 4 value 4 entries 1 name tcptop_sbx || fail "bpftool map create failed"
   chmod 0666 "$TMP/bpffs/m"
   if setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all \
         bpftool map dump pinned "$TMP/bpffs/m" > /dev/null 2>&1; then
      BPF_CAPS=$NONE
   else
      BPF_CAPS=0000008000000000
   fi
   umount "$TMP/bpffs"
}
BPF_CAPS=$NONE
[ $EBPF = yes ] && bpf_caps
echo "nobody may read a map by its descriptor here: $([ $BPF_CAPS = $NONE ] && echo yes || echo no)"

# check_status WHAT PID UID CAPS: the process's identity and confinement.
check_status() {
   local f=/proc/$2/status
   [ -r "$f" ] || fail "$1: tcptop (pid $2) is not running"
   sed -n 's/^\(Uid\|Gid\|Groups\|Cap[A-Za-z]*\|NoNewPrivs\|Seccomp\):/\1:/p' "$f" | tr '\n' ' '; echo
   expect_eq "$1: Uid" "$(awk '/^Uid:/ { print $2, $3, $4, $5 }' "$f")" "$3 $3 $3 $3"
   expect_eq "$1: Groups" "$(awk '/^Groups:/ { print $2 }' "$f")" ""
   expect_eq "$1: CapEff" "$(awk '/^CapEff:/ { print $2 }' "$f")" "$4"
   expect_eq "$1: CapPrm" "$(awk '/^CapPrm:/ { print $2 }' "$f")" "$4"
   expect_eq "$1: CapInh" "$(awk '/^CapInh:/ { print $2 }' "$f")" $NONE
   expect_eq "$1: CapBnd" "$(awk '/^CapBnd:/ { print $2 }' "$f")" $NONE
   expect_eq "$1: NoNewPrivs" "$(awk '/^NoNewPrivs:/ { print $2 }' "$f")" 1
   expect_eq "$1: Seccomp" "$(awk '/^Seccomp:/ { print $2 }' "$f")" 2
}

# traffic WHAT: N bytes over TCP in the namespace; sets GEN_PID, SP, CP.
traffic() {
   in_netns python3 "$TRAFFIC" tcp 4 $N 1 > "$TMP/gen" || fail "$1: traffic generator failed"
   GEN_PID=$(json_get "$TMP/gen" pid) SP=$(json_get "$TMP/gen" server_port) CP=$(json_get "$TMP/gen" client_port)
   expect_eq "$1: generator" "$(json_get "$TMP/gen" received)" $N
}

# exact_bytes WHAT CSV: the generator's closed connection, N bytes each side.
exact_bytes() {   # WHAT CSV [client]: only the client row (a capture on lo sees one flow)
   local cli="r['lport']=='$CP' and r['rport']=='$SP' and r['state']=='CLOSED'"
   local srv="r['lport']=='$SP' and r['rport']=='$CP' and r['state']=='CLOSED'"
   wait_for_line ",$CP,.*,CLOSED," "$2" 10 || { cat "$2"; fail "$1: no closed row for port $CP"; }
   expect_eq "$1: client tx_bytes" "$(csv_last "$2" "$cli" tx_bytes)" $N
   [ "${3:-}" = client ] || expect_eq "$1: server rx_bytes" "$(csv_last "$2" "$srv" rx_bytes)" $N
   expect_eq "$1: pid" "$(csv_last "$2" "$cli" pid)" "$GEN_PID"
}

# batch WHAT ENV ARGS...: tcptop -b in the background (TCPTOP_PID), up.
batch() {
   local what=$1 envs=$2
   shift 2
   env -u SUDO_UID -u SUDO_GID $envs "$TCPTOP" -b --cache-dir "$PROBE_CACHE" $AVOID_ARGS "$@" > "$TMP/out" 2> "$TMP/err" &
   TCPTOP_PID=$!
   BG_PIDS="$BG_PIDS $!"
   wait_for_line '^(proto|time|tcptop - )' "$TMP/out" 60 || { cat "$TMP/err"; fail "$what: tcptop did not start"; }
}

if [ $EBPF = yes ]; then
   # --- eBPF, -b, started through sudo (SUDO_UID) ----------------------------
   batch "eBPF -b" "SUDO_UID=65534 SUDO_GID=65534" -d 0.2 --log "$TMP/bpf.csv" --format csv
   check_status "eBPF -b, SUDO_UID=65534" $TCPTOP_PID 65534 "$BPF_CAPS"
   traffic "eBPF -b"
   exact_bytes "eBPF -b" "$TMP/bpf.csv"
   stop_batch
   expect_eq "eBPF -b stderr" "$(cat "$TMP/err")" ""
   # --- without SUDO_UID: nobody --------------------------------------------
   batch "eBPF -b as root" "" -d 0.2
   check_status "eBPF -b, no SUDO_UID" $TCPTOP_PID "$NOBODY" "$BPF_CAPS"
   stop_batch
   # --- the path of a kernel that refuses map reads: CAP_BPF kept, and enough
   batch "eBPF -b, CAP_BPF kept" "TCPTOP_TEST_KEEP_CAPS=1" -d 0.2 --log "$TMP/keep.csv"
   check_status "eBPF -b, as if map reads were refused" $TCPTOP_PID "$NOBODY" 0000008000000000
   traffic "eBPF -b, CAP_BPF kept"
   exact_bytes "eBPF -b, CAP_BPF kept" "$TMP/keep.csv"
   stop_batch
fi

# --- -r FILE: read only after the drop ---------------------------------------
python3 "$top_srcdir/tests/root/mkcapture.py" capture "$TMP/cap.pcap" ethernet pcap || fail "mkcapture.py failed"
env -u SUDO_UID -u SUDO_GID "$TCPTOP" -b -r "$TMP/cap.pcap" --replay-speed 0.5 --format csv > "$TMP/replay" 2> "$TMP/replay.err" &
RPID=$!
BG_PIDS="$BG_PIDS $RPID"
wait_for_line '^proto' "$TMP/replay" 10 || { cat "$TMP/replay.err"; fail "-r: no first interval"; }
check_status "-r FILE" $RPID "$NOBODY" $NONE
wait $RPID || { cat "$TMP/replay.err"; fail "-r: exit status $?"; }
tcp="r['lport']=='40000' and r['state']=='CLOSED'"
expect_eq "-r bytes" "$(csv_last "$TMP/replay" "$tcp" tx_bytes)/$(csv_last "$TMP/replay" "$tcp" rx_bytes)" 5000/3000

# --- live capture: the process of each flow needs two capabilities ----------
ip netns exec "$NETNS" env -u SUDO_UID -u SUDO_GID SUDO_UID=65534 SUDO_GID=65534 \
   "$TCPTOP" -b --backend pcap -i lo -d 0.2 --format csv --log "$TMP/live.csv" > "$TMP/out" 2> "$TMP/err" &
TCPTOP_PID=$!
BG_PIDS="$BG_PIDS $!"
wait_for_line '^proto' "$TMP/out" 10 || { cat "$TMP/err"; fail "--backend pcap did not start"; }
check_status "--backend pcap live" $TCPTOP_PID 65534 $PCAP_CAPS
traffic "--backend pcap"
exact_bytes "--backend pcap (the pid: other users' /proc/PID/fd)" "$TMP/live.csv" client
stop_batch

# --- a forbidden system call, -b: named, and death by SIGSYS ----------------
# eBPF from the root namespace (ip netns exec hides the cgroup hierarchy the
# probes attach to); else live capture on the namespace's lo
if [ $EBPF = yes ]; then
   IN_NS="" FORBID_ARGS="-d 0.2" SCREEN_ARGS=""
else
   IN_NS="ip netns exec $NETNS" FORBID_ARGS="--backend pcap -i lo -d 0.2" SCREEN_ARGS="--backend pcap -i lo"
fi
timeout 30 $IN_NS env -u SUDO_UID -u SUDO_GID TCPTOP_TEST_FORBIDDEN_SYSCALL=1 \
   "$TCPTOP" -b --cache-dir "$PROBE_CACHE" $AVOID_ARGS $FORBID_ARGS > "$TMP/out" 2> "$TMP/err"
rc=$?
expect_eq "forbidden call: exit status (SIGSYS)" $rc 159
expect_grep "forbidden call: named on stderr" \
   '^tcptop: seccomp: system call personality is not allowed \(a bug: please report it\)$' "$TMP/err"

# --- the screen: confined, counting, and a forbidden call restores it -------
# run N ENV ARGS...: tcptop in tmux session sN; stty -g before and after,
# and the exit status.
run() {
   n=$1; envs=$2; shift 2
   cat > "$TMP/run$n.sh" <<SH
cd "$TMP"; ulimit -c 0
stty -g > "$TMP/before$n"
$IN_NS env -u SUDO_UID -u SUDO_GID XDG_CONFIG_HOME="$TMP/noconf" $envs "$TCPTOP" --cache-dir "$PROBE_CACHE" $AVOID_ARGS $*
echo "rc=\$?" > "$TMP/rc$n"
stty -g > "$TMP/after$n"
echo "exited"
exec sleep 600
SH
   tm new-session -d -s "s$n" -x 160 -y 40 "sh $TMP/run$n.sh" || fail "tmux new-session failed"
   wait_screen "$n" '^PROTO +LOCAL' 60 || fail "session $n: the screen did not come up"
}
SCREEN_CAPS=$BPF_CAPS SCREEN_SIDES=
[ $EBPF = yes ] || SCREEN_CAPS=$PCAP_CAPS SCREEN_SIDES=client

run 1 "SUDO_UID=65534 SUDO_GID=65534 LC_ALL=C.UTF-8" $SCREEN_ARGS -d 0.2 --log "$TMP/screen1.csv"
sleep 0.5
check_status "the screen" "$(pgrep -f -- "--log $TMP/screen1.csv" | tail -n 1)" 65534 "$SCREEN_CAPS"
traffic "the screen"
exact_bytes "the screen" "$TMP/screen1.csv" $SCREEN_SIDES
tm send-keys -t s1 q
wait_for_line . "$TMP/rc1" 10 || fail "the screen: q did not end tcptop"
expect_eq "the screen: exit status" "$(cat "$TMP/rc1")" "rc=0"

run 2 "TCPTOP_TEST_FORBIDDEN_SYSCALL=3 LC_ALL=C.UTF-8" $SCREEN_ARGS -d 0.2
wait_for_line . "$TMP/rc2" 15 || fail "the screen: the forbidden call did not end tcptop"
expect_eq "the screen, forbidden call: exit status" "$(cat "$TMP/rc2")" "rc=159"
expect_eq "the screen, forbidden call: stty -g after" "$(cat "$TMP/after2")" "$(cat "$TMP/before2")"
expect_eq "the screen, forbidden call: alternate screen" "$(tm display -p -t s2 '#{alternate_on}')" 0
wait_screen 2 '^exited$' 5 || fail "the screen, forbidden call: the shell did not get the terminal back"
expect_grep "the screen, forbidden call: named on the terminal" \
   '^tcptop: seccomp: system call personality is not allowed \(a bug: please report it\)$' "$TMP/shot2"

# --- --user ------------------------------------------------------------------
"$TCPTOP" -b -r "$TMP/cap.pcap" --user root > "$TMP/out" 2> "$TMP/err"; rc=$?
expect_eq "--user root: exit" $rc 1
expect_grep "--user root: refused" '^tcptop: --user root is root: name an unprivileged account' "$TMP/err"
"$TCPTOP" -b -r "$TMP/cap.pcap" --user no-such-user-here > "$TMP/out" 2> "$TMP/err"; rc=$?
expect_eq "--user unknown: exit" $rc 1
expect_grep "--user unknown: refused" "^tcptop: unknown user 'no-such-user-here' for --user" "$TMP/err"

also=""; [ $EBPF = yes ] && also="eBPF -b (CapEff $BPF_CAPS), "
pass "confined: ${also}-r, live capture (CapEff $PCAP_CAPS), the screen; exact bytes; a forbidden call is named"
