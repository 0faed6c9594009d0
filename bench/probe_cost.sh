#!/usr/bin/env bash
# probe_cost.sh: per-event cost of tcptop's hot-path eBPF programs, against an
# empty program on the same hook measured in the same run.
#
#   bench/probe_cost.sh [-n N] [-b MB] [-m N] [-u N] [-c N] [-w LIST]
#
#   -n N    repetitions of the four workloads, summed (default 1)
#   -b MB   bulk transfer size (default 2048)
#   -m N    TCP ping-pong round trips of 64 bytes (default 50000)
#   -u N    UDP datagrams of 64 bytes (default 500000)
#   -c N    short TCP connections (default 20000)
#   -w LIST workloads to run, comma-separated (default
#           bulk,pingpong,pingpong2,udp,udppeers,churn)
#
# With kernel.bpf_stats_enabled=1 the kernel adds each program's run time and
# run count up (run_time_ns, run_cnt in `bpftool prog show`). Attached at the
# same time, on the same hooks:
#   - tcptop (-b -d 1 --format csv > /dev/null): flow_ingress, flow_egress
#     (cgroup_skb), sock_send, sock_recv, tcp_state (tracepoints), tcp_open
#     (sockops), sock_release (cgroup/sock_release);
#   - the baseline: an EMPTY program on each of those hooks (clang-14 -target
#     bpf, loaded by a small libbpf loader; both written into the scratch
#     directory). It runs on exactly the same events, so its ns/event is what
#     running any program there costs, the stats' own clock reads included.
# Workloads, each in a private network namespace (bench/netgen.c):
#   (a) bulk: one loopback TCP connection, 1 MiB writes;
#   (b) ping-pong: 64-byte messages, TCP_NODELAY, one round trip at a time,
#       both ends on CPU 0; (b2) the same with the server on CPU 1 (where the
#       two ends run changes the cost of touching a connection's record);
#   (c) udp: a flood of 64-byte datagrams (sendto, unconnected); (c2)
#       udppeers: the same from 64 sockets in turn, so the server's socket
#       has 64 peers (a DNS or QUIC server's pattern);
#   (d) churn: short connections (connect, 100 bytes, close).
# Counters are read before and after each workload (deltas). Prints, for each
# program: events, ns/event, the empty program's ns/event, the ratio, and the
# target (ratio <= 2.0): per workload, then over all workloads together.
#
# The programs sit at the cgroup v2 root and on global tracepoints, so traffic
# elsewhere on the machine lands in both columns alike.
# Restores kernel.bpf_stats_enabled on exit; tracefs, where the host has none,
# is mounted only in the loader's private mount namespace. Exits 0 when a
# target is missed and when not root (skipped); 1 on set-up errors.
#
# Environment: TCPTOP (binary; default: the build tree's), CLANG (default
# clang-14), BPFTOOL (default bpftool), CC (default gcc).

set -euo pipefail

# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

RUNS=1
BULK_MB=2048
PINGPONG=50000
UDP_COUNT=500000
CHURN=20000
ALL_WORKLOADS="bulk pingpong pingpong2 udp udppeers churn"
WORKLOADS=$ALL_WORKLOADS
TARGET_RATIO=2.0
MIN_EVENTS=1000                           # fewer events than this: ns/event shown, not judged
# The hot path: programs that run for every packet or every send/receive call.
# The others run a few times per connection (open, state changes, close):
# shown, not judged against the per-event target.
HOT_PATH="flow_ingress flow_egress sock_send sock_recv"

NS="tcptop-bench-cost-$$"
LOADER_PID=""
STATS_PREV=""

cleanup() {
   stop "$LOADER_PID" TERM || true
   LOADER_PID=""
   if [ -n "$STATS_PREV" ]; then
      sysctl -qw kernel.bpf_stats_enabled="$STATS_PREV" || true
      STATS_PREV=""
   fi
   bench_stop
}

# The cgroup v2 root tcptop attaches to: /sys/fs/cgroup, else the hybrid
# layout's /sys/fs/cgroup/unified.
cgroup_root() {
   local d
   for d in /sys/fs/cgroup /sys/fs/cgroup/unified; do
      if [ "$(stat -f -c %T "$d" 2>/dev/null)" = cgroup2fs ]; then
         echo "$d"
         return 0
      fi
   done
   return 1
}

host_has_tracefs() {
   [ -e /sys/kernel/tracing/events ] || [ -e /sys/kernel/debug/tracing/events ]
}

hook_of() {
   case $1 in
      flow_ingress) echo "cgroup_skb/ingress" ;;
      flow_egress) echo "cgroup_skb/egress" ;;
      sock_send) echo "tp sock/sock_send_length" ;;
      sock_recv) echo "tp sock/sock_recv_length" ;;
      tcp_state) echo "tp sock/inet_sock_set_state" ;;
      tcp_open) echo "sockops" ;;
      sock_release) echo "cgroup/sock_release" ;;
   esac
}

empty_of() {
   case $1 in
      flow_ingress) echo empty_ingress ;;
      flow_egress) echo empty_egress ;;
      sock_send) echo empty_send ;;
      sock_recv) echo empty_recv ;;
      tcp_state) echo empty_state ;;
      tcp_open) echo empty_sockops ;;
      sock_release) echo empty_release ;;
   esac
}

write_sources() {
   cat >"$WORK/empty.bpf.c" <<'EOF'
// Empty programs on tcptop's hooks: the baseline of bench/probe_cost.sh.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("cgroup_skb/ingress") int empty_ingress(void* ctx) { return 1; }
SEC("cgroup_skb/egress") int empty_egress(void* ctx) { return 1; }
SEC("tracepoint/sock/sock_send_length") int empty_send(void* ctx) { return 0; }
SEC("tracepoint/sock/sock_recv_length") int empty_recv(void* ctx) { return 0; }
SEC("tracepoint/sock/inet_sock_set_state") int empty_state(void* ctx) { return 0; }
SEC("sockops") int empty_sockops(void* ctx) { return 1; }
SEC("cgroup/sock_release") int empty_release(void* ctx) { return 1; }

char LICENSE[] SEC("license") = "GPL";
EOF
   cat >"$WORK/loader.c" <<'EOF'
/* loader OBJ CGROUP_DIR: loads every program of OBJ, attaches the cgroup ones
 * to CGROUP_DIR and the others where their section says (bpf_link: they are
 * detached when this process exits), prints "prog NAME ID" for each, then
 * "ready", and waits for SIGTERM or SIGINT. */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t stop;
static void on_signal(int sig) { (void)sig; stop = 1; }

int main(int argc, char** argv) {
   if (argc != 3) {
      fprintf(stderr, "usage: loader OBJ CGROUP_DIR\n");
      return 2;
   }
   struct sigaction sa = { .sa_handler = on_signal };
   sigemptyset(&sa.sa_mask);
   sigaction(SIGTERM, &sa, NULL);
   sigaction(SIGINT, &sa, NULL);
   struct bpf_object* obj = bpf_object__open_file(argv[1], NULL);
   if (!obj || libbpf_get_error(obj)) {
      fprintf(stderr, "loader: cannot open %s\n", argv[1]);
      return 1;
   }
   if (bpf_object__load(obj)) {
      fprintf(stderr, "loader: cannot load %s: %s\n", argv[1], strerror(errno));
      return 1;
   }
   int cg = open(argv[2], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
   if (cg < 0) {
      fprintf(stderr, "loader: %s: %s\n", argv[2], strerror(errno));
      return 1;
   }
   struct bpf_program* p;
   bpf_object__for_each_program(p, obj) {
      enum bpf_prog_type t = bpf_program__type(p);
      int is_cgroup = t == BPF_PROG_TYPE_CGROUP_SKB || t == BPF_PROG_TYPE_SOCK_OPS || t == BPF_PROG_TYPE_CGROUP_SOCK;
      struct bpf_link* l = is_cgroup ? bpf_program__attach_cgroup(p, cg) : bpf_program__attach(p);
      if (!l || libbpf_get_error(l)) {
         fprintf(stderr, "loader: cannot attach %s: %s\n", bpf_program__name(p), strerror(errno));
         return 1;
      }
      struct bpf_prog_info info;
      __u32 len = sizeof(info);
      memset(&info, 0, sizeof(info));
      if (bpf_obj_get_info_by_fd(bpf_program__fd(p), &info, &len)) {
         fprintf(stderr, "loader: no info for %s: %s\n", bpf_program__name(p), strerror(errno));
         return 1;
      }
      printf("prog %s %u\n", bpf_program__name(p), info.id);
   }
   printf("ready\n");
   fflush(stdout);
   while (!stop)
      pause();
   bpf_object__close(obj);
   return 0;
}
EOF
}

build() {
   local arch
   arch=$(gcc -dumpmachine 2>/dev/null || echo x86_64-linux-gnu)
   "$CLANG" -target bpf -O2 -I"/usr/include/$arch" -c "$WORK/empty.bpf.c" -o "$WORK/empty.bpf.o" 2>"$WORK/build.log" ||
      die "$CLANG could not build the empty programs: $(tail -n 5 "$WORK/build.log")"
   "$CC" -O2 -Wall -o "$WORK/loader" "$WORK/loader.c" -lbpf 2>>"$WORK/build.log" ||
      die "could not build the loader (libbpf-dev installed?): $(tail -n 5 "$WORK/build.log")"
   build_netgen "$WORK" || die "could not build bench/netgen.c: $(tail -n 5 "$WORK/build.log")"
}

start_loader() {
   local i
   if host_has_tracefs; then
      "$WORK/loader" "$WORK/empty.bpf.o" "$CGROUP_ROOT" >"$WORK/loader.out" 2>"$WORK/loader.err" &
   else
      # unshare and sh exec: $! is the loader itself
      unshare -m --propagation private sh -c 'mount -t tracefs nodev /sys/kernel/tracing && exec "$0" "$@"' \
         "$WORK/loader" "$WORK/empty.bpf.o" "$CGROUP_ROOT" >"$WORK/loader.out" 2>"$WORK/loader.err" &
   fi
   LOADER_PID=$!
   for ((i = 0; i < 100; i++)); do
      grep -qx ready "$WORK/loader.out" 2>/dev/null && return 0
      kill -0 "$LOADER_PID" 2>/dev/null || break
      sleep 0.1
   done
   die "the empty-program loader did not start: $(cat "$WORK/loader.err")"
}

start_tcptop() {
   local i missing p
   "$TCPTOP_BIN" -b -d 1 --format csv >/dev/null 2>"$WORK/tcptop.err" &
   TCPTOP_PID=$!
   for ((i = 0; i < 1200; i++)); do
      kill -0 "$TCPTOP_PID" 2>/dev/null || die "tcptop exited: $(tail -n 5 "$WORK/tcptop.err")"
      attached_progs "$TCPTOP_PID" >"$WORK/tcptop.ids"     # its own: other tcptop instances do not count
      missing=""
      for p in $PROGRAMS; do
         grep -q "^$p " "$WORK/tcptop.ids" || missing+=" $p"
      done
      [ -z "$missing" ] && return 0
      sleep 0.1
   done
   die "tcptop did not attach all its programs in 120 s (missing:$missing)"
}

# snapshot FILE: "ID RUN_TIME_NS RUN_CNT" of every loaded program.
snapshot() {
   "$BPFTOOL" prog show | awk '/^[0-9]+:/ {
         id = $1; sub(":", "", id); ns = 0; cnt = 0
         for (i = 1; i < NF; i++) { if ($i == "run_time_ns") ns = $(i + 1); if ($i == "run_cnt") cnt = $(i + 1) }
         print id, ns, cnt }' >"$1"
}

# The programs compared: "NAME TCPTOP_ID EMPTY_NAME EMPTY_ID" per line.
program_table() {
   local p e tid eid
   : >"$WORK/progs"
   for p in $PROGRAMS; do
      e=$(empty_of "$p")
      tid=$(awk -v n="$p" '$1 == n { print $2; exit }' "$WORK/tcptop.ids")
      eid=$(awk -v n="$e" '$1 == "prog" && $2 == n { print $3; exit }' "$WORK/loader.out")
      [ -n "$tid" ] && [ -n "$eid" ] || die "no program id for $p ($tid) or $e ($eid)"
      echo "$p $tid $e $eid" >>"$WORK/progs"
   done
}

# run_workload NAME DESCRIPTION CMD...: counters around one workload; the
# deltas are appended to $WORK/delta-NAME ("ID NS CNT"), the generator's line
# goes to $WORK/out-NAME.
run_workload() {
   local name=$1 what=$2
   shift 2
   echo "workload $name (run $RUN/$RUNS): $what"
   snapshot "$WORK/before"
   run_fg ip netns exec "$NS" "$@" >"$WORK/out-$name" 2>"$WORK/err-$name" ||
      die "workload $name failed: $(cat "$WORK/err-$name")"
   snapshot "$WORK/after"
   awk 'NR == FNR { ns[$1] = $2; cnt[$1] = $3; next } { print $1, $2 - ns[$1], $3 - cnt[$1] }' \
      "$WORK/before" "$WORK/after" >>"$WORK/delta-$name"
}

workload_bulk() {
   run_workload bulk "$BULK_MB MB over one TCP connection, 1 MiB writes" \
      "$WORK/netgen" bulk 127.0.0.1 5001 $((BULK_MB * 1024 * 1024))
   awk '{ printf "   %.0f MB in %.2f s (%.2f GB/s)\n", $2 / 1048576, $3, $2 / $3 / 1e9 }' "$WORK/out-bulk"
}

workload_pingpong() {
   run_workload pingpong "$PINGPONG round trips of 64 bytes, TCP_NODELAY, both ends on CPU 0" \
      env NETGEN_CPUS="0 0" "$WORK/netgen" pingpong 127.0.0.1 5002 "$PINGPONG" 64
   awk '{ printf "   %d round trips in %.2f s (%.0f/s)\n", $2, $3, $2 / $3 }' "$WORK/out-pingpong"
}

workload_pingpong2() {
   local split="0 1"
   [ "$(nproc)" -ge 2 ] || split="0 0"
   run_workload pingpong2 "$PINGPONG round trips of 64 bytes, TCP_NODELAY, client on CPU ${split% *}, server on CPU ${split#* }" \
      env NETGEN_CPUS="$split" "$WORK/netgen" pingpong 127.0.0.1 5005 "$PINGPONG" 64
   awk '{ printf "   %d round trips in %.2f s (%.0f/s)\n", $2, $3, $2 / $3 }' "$WORK/out-pingpong2"
}

workload_udp() {
   run_workload udp "$UDP_COUNT datagrams of 64 bytes" "$WORK/netgen" udp 127.0.0.1 5003 "$UDP_COUNT" 64
   awk '{ printf "   %d sent, %d received in %.2f s (%.0f/s)\n", $2, $3, $4, $2 / $4 }' "$WORK/out-udp"
}

workload_udppeers() {
   run_workload udppeers "$UDP_COUNT datagrams of 64 bytes from 64 sockets in turn to one" \
      "$WORK/netgen" udp 127.0.0.1 5006 "$UDP_COUNT" 64 64
   awk '{ printf "   %d sent, %d received in %.2f s (%.0f/s)\n", $2, $3, $4, $2 / $4 }' "$WORK/out-udppeers"
}

workload_churn() {
   run_workload churn "$CHURN short connections (connect, 100 bytes, close)" "$WORK/netgen" churn 127.0.0.1 5004 0 "$CHURN" 100
   awk '{ printf "   %d connections in %.2f s (%.0f/s)\n", $2, $3, $4 }' "$WORK/out-churn"
}

# table TITLE DELTA_FILE...: one line per program, the deltas of the files summed.
table() {
   local title=$1
   shift
   echo
   echo "$title"
   printf '%-13s %-28s %10s %9s %12s %9s %6s %8s   %s\n' program hook events ns/event "empty events" "empty ns" ratio "added ns" \
          "target <= ${TARGET_RATIO}x empty"
   local p tid e eid
   while read -r p tid e eid; do
      cat "$@" | awk -v p="$p" -v hook="$(hook_of "$p")" -v tid="$tid" -v eid="$eid" -v target="$TARGET_RATIO" \
                     -v min="$MIN_EVENTS" -v hot=" $HOT_PATH " '
         $1 == tid { tns += $2; tc += $3 }
         $1 == eid { ens += $2; ec += $3 }
         END {
            if (tc == 0 && ec == 0) { printf "%-13s %-28s %10d %9s %12d %9s %6s %8s   %s\n", p, hook, 0, "-", 0, "-", "-", "-", "n/a (no events)"; exit }
            t = tc ? tns / tc : 0; e = ec ? ens / ec : 0
            r = (e > 0) ? sprintf("%.2f", t / e) : "n/a"
            if (r == "n/a") v = "n/a"
            else if (tc < min) v = sprintf("n/a (under %d events)", min)
            else if (index(hot, " " p " ") == 0) v = "lifecycle: not judged"
            else v = (t / e <= target) ? "OK" : "MISSED"
            printf "%-13s %-28s %10d %9.1f %12d %9.1f %6s %8.1f   %s\n", p, hook, tc, t, ec, e, r, t - e, v
         }'
   done <"$WORK/progs"
}

# option LETTER VALUE: one option (bench_options).
option() {
   case $1 in
      n) RUNS=$2 ;;
      b) BULK_MB=$2 ;;
      m) PINGPONG=$2 ;;
      u) UDP_COUNT=$2 ;;
      c) CHURN=$2 ;;
      w) WORKLOADS=${2//,/ } ;;
   esac
}

main() {
   bench_options "n:b:m:u:c:w:" "$@"
   local v
   for v in "$RUNS" "$BULK_MB" "$PINGPONG" "$UDP_COUNT" "$CHURN"; do
      [[ "$v" =~ ^[0-9]+$ ]] || die "options want whole numbers, not '$v'"
   done
   [ "$RUNS" -ge 1 ] || die "-n wants a positive number"
   for v in $WORKLOADS; do
      [[ " $ALL_WORKLOADS " == *" $v "* ]] || die "-w: no workload '$v' (there are: ${ALL_WORKLOADS// /, })"
   done
   [ -n "$WORKLOADS" ] || die "-w wants at least one workload"

   skip_unless_root "eBPF programs"
   need_tcptop
   CLANG=${CLANG:-clang-14}
   BPFTOOL=${BPFTOOL:-bpftool}
   CC=${CC:-gcc}
   need_cmd "$CLANG" "set CLANG"
   need_cmd "$BPFTOOL" "set BPFTOOL"
   need_cmd "$CC" "set CC"
   CGROUP_ROOT=$(cgroup_root) || die "no cgroup v2 hierarchy at /sys/fs/cgroup or /sys/fs/cgroup/unified"

   bench_scratch
   write_sources
   build

   bench_netns "$NS" || die "cannot set up network namespace $NS"

   STATS_PREV=$(sysctl -n kernel.bpf_stats_enabled)
   sysctl -qw kernel.bpf_stats_enabled=1 || die "cannot set kernel.bpf_stats_enabled"

   tcptop_banner
   echo "machine: $(uname -sr), $(nproc) CPUs; $("$BPFTOOL" version | head -n1); cgroup root $CGROUP_ROOT"
   start_loader
   start_tcptop
   program_table
   run_fg sleep 1                          # tcptop's first interval (sock_diag seeding) out of the way

   local w
   for ((RUN = 1; RUN <= RUNS; RUN++)); do
      for w in $WORKLOADS; do
         "workload_$w"
      done
   done

   for w in $WORKLOADS; do
      table "($w) ns per event, deltas of run_time_ns / run_cnt during this workload ($RUNS run(s))" "$WORK/delta-$w"
   done
   local files=()
   for w in $WORKLOADS; do files+=("$WORK/delta-$w"); done
   table "ALL WORKLOADS: ns per event over the whole run" "${files[@]}"
   cat <<EOF

ns/event = run_time_ns / run_cnt (kernel.bpf_stats_enabled=1; both include the
stats' own two clock reads, which is most of an empty program's time). empty =
an empty program attached to the same hook at the same time, so it ran on the
same events. added ns = tcptop's minus the empty program's. Rows with fewer
than $MIN_EVENTS events are shown but not judged. The target is for the hot
path ($HOT_PATH: every packet, every send and
receive); the lifecycle programs run a few times per connection and are shown
(the churn workload gives their cost per connection). Programs are at the cgroup v2
root and on global tracepoints: other traffic on the machine counts in both.
EOF
   if [ -s "$WORK/tcptop.err" ]; then
      echo
      echo "tcptop stderr:"
      sed 's/^/  /' "$WORK/tcptop.err" | tail -n 20
   fi
}

main "$@"
