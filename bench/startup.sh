#!/usr/bin/env bash
# startup.sh: tcptop start-up time and memory, against bpftrace as a baseline
# measured in the same run.
#
#   bench/startup.sh [-n N]
#
# Each repetition runs, interleaved so that drift hits all alike:
#   1. bpftrace on the same tracepoint as tcptop's built-in probe, ready when
#      its BEGIN probe prints (bpftrace 0.17 fires BEGIN after attaching all
#      the other probes);
#   2. tcptop with an empty cache directory (cold: compiles its probes);
#   3. tcptop again on the cache directory run 2 filled (warm: no compiler).
# tcptop is ready when -b prints its first interval ("tcptop - ..."), which it does once
# all its probes are attached. bench/measure-start.py times each run and reads
# the memory figures; see there (and bench/README.md) for what each one is.
#
# Prints medians, the ratios to bpftrace, and OK/MISSED against the targets.
# Exits 0 when a target is missed (it is a benchmark), and when not root
# (skipped); 1 only when tcptop cannot be found or does not start.
#
# Environment: TCPTOP (binary; default: the build tree's), BPFTRACE
# (default: bpftrace in PATH), PYTHON (default: /usr/bin/python3, else python3).

set -euo pipefail

# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
MEASURE="$BENCH_DIR/measure-start.py"

RUNS=5
SETTLE=1                                  # seconds after ready for the steady-state RSS
TCPTOP_READY='tcptop - '                  # -b prints its first interval once all probes are attached
BPFTRACE_READY='ready'
BPFTRACE_SCRIPT='tracepoint:sock:inet_sock_set_state { @[args->newstate] = count(); } BEGIN { printf("ready\n"); }'

# Targets: cold and warm wall time as a fraction of bpftrace's; steady RSS in MB.
TARGET_COLD_RATIO=0.50
TARGET_WARM_RATIO=0.10
TARGET_STEADY_MB=15

WORK=""                                   # scratch directory, removed on exit

cleanup() {
   if [ -n "$WORK" ]; then
      rm -rf "$WORK"
   fi
}

# bpftrace, like tcptop, needs tracefs; where the host has none mounted, the
# baseline gets a private mount namespace with one (tcptop makes its own).
host_has_tracefs() {
   [ -e /sys/kernel/tracing/events ] || [ -e /sys/kernel/debug/tracing/events ]
}

# measure NAME READY_PREFIX SETTLE [HELPER_OPTION]... -- CMD [ARG]...
# Appends one line of figures to $WORK/NAME, then a last column: the largest
# single process of the tree in kB (the tree maximum when it is above the
# helper's own floor, else the main process's peak). Notes go to $WORK/notes.
measure() {
   local name=$1 ready=$2 settle=$3
   shift 3
   local line
   if ! line=$("$PY" "$MEASURE" --ready "$ready" --settle "$settle" "$@" 2>>"$WORK/notes"); then
      return 1
   fi
   echo "$line" | awk '{ largest = $2; if ($5 > $7 && $5 > largest) largest = $5; print $0, largest }' >>"$WORK/$name"
}

run_bpftrace() {
   local opts=()
   host_has_tracefs || opts=(--tracefs)
   measure "${1:-bpftrace}" "$BPFTRACE_READY" "$SETTLE" "${opts[@]}" -- "$BPFTRACE" -e "$BPFTRACE_SCRIPT"
}

# run_tcptop NAME CACHE_DIR
run_tcptop() {
   measure "$1" "$TCPTOP_READY" "$SETTLE" -- "$TCPTOP_BIN" -b --cache-dir "$2"
}

# What the harness itself costs: spawn a program that is ready at once.
run_floor() {
   measure floor "$TCPTOP_READY" 0 -- /bin/echo "$TCPTOP_READY" || true
}

# median NAME COLUMN: the median of one column of $WORK/NAME ("nan" if empty).
median() {
   [ -s "$WORK/$1" ] || { echo nan; return; }
   awk -v c="$2" '{ print $c }' "$WORK/$1" | sort -g |
      awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# fmt NUMBER: one decimal; "n/a" for nan.
fmt() {
   awk -v x="$1" 'BEGIN { if (x == "nan") print "n/a"; else printf "%.1f", x }'
}

# range NAME COLUMN: "min..max" of one column.
range() {
   [ -s "$WORK/$1" ] || { echo "-"; return; }
   awk -v c="$2" 'NR == 1 || $c < lo { lo = $c } NR == 1 || $c > hi { hi = $c }
                  END { printf "%.1f..%.1f", lo, hi }' "$WORK/$1"
}

# kB to MB (MiB), one decimal; "n/a" for nan.
mb() {
   awk -v k="$1" 'BEGIN { if (k == "nan") print "n/a"; else printf "%.1f", k / 1024 }'
}

# ratio_nan A B: A / B with two decimals, or "nan" (a run without figures).
ratio_nan() {
   awk -v a="$1" -v b="$2" 'BEGIN { if (a == "nan" || b == "nan" || b + 0 == 0) print "nan"; else printf "%.2f", a / b }'
}

report() {
   local bt_wall bt_hwm cold_wall cold_hwm warm_wall warm_hwm steady_cold steady_warm steady
   bt_wall=$(median bpftrace 1); bt_hwm=$(median bpftrace 2)
   cold_wall=$(median cold 1); cold_hwm=$(median cold 2)
   warm_wall=$(median warm 1); warm_hwm=$(median warm 2)
   steady_cold=$(median cold 4); steady_warm=$(median warm 4)
   steady=$(awk -v a="$steady_cold" -v b="$steady_warm" 'BEGIN { print (a + 0 > b + 0) ? a : b }')

   local cold_ratio warm_ratio cold_label warm_label
   cold_ratio=$(ratio_nan "$cold_wall" "$bt_wall")
   warm_ratio=$(ratio_nan "$warm_wall" "$bt_wall")
   if [ "$cold_ratio" = nan ]; then cold_ratio="n/a"; cold_label="n/a (no baseline)"; else cold_label=$(verdict "$cold_ratio" "$TARGET_COLD_RATIO"); fi
   if [ "$warm_ratio" = nan ]; then warm_ratio="n/a"; warm_label="n/a (no baseline)"; else warm_label=$(verdict "$warm_ratio" "$TARGET_WARM_RATIO"); fi

   echo
   printf '%-40s %9s %13s\n' "startup benchmark (median of $RUNS)" "wall ms" "peak RSS MB"
   printf '%-40s %9s %13s\n' "$BPFTRACE_NAME (baseline)" "$(fmt "$bt_wall")" "$(mb "$bt_hwm")"
   printf '%-40s %9s %13s   ratio %s  (target <= %s) %s\n' "tcptop cold (empty cache)" "$(fmt "$cold_wall")" "$(mb "$cold_hwm")" \
          "$cold_ratio" "$TARGET_COLD_RATIO" "$cold_label"
   printf '%-40s %9s %13s   ratio %s  (target <= %s) %s\n' "tcptop warm (cache filled)" "$(fmt "$warm_wall")" "$(mb "$warm_hwm")" \
          "$warm_ratio" "$TARGET_WARM_RATIO" "$warm_label"
   printf '%-40s %9s %13s   (target <= %s MB) %s\n' "tcptop steady-state RSS" "" "$(mb "$steady") MB" \
          "$TARGET_STEADY_MB" "$(verdict "$(mb "$steady")" "$TARGET_STEADY_MB")"

   echo
   printf '%-40s %15s %16s %14s %8s\n' "details (medians)" "wall min..max" "largest proc MB" "steady RSS MB" "CPU ms"
   local name label
   for name in bpftrace cold warm; do
      case $name in
         bpftrace) label="$BPFTRACE_NAME" ;;
         cold) label="tcptop cold" ;;
         warm) label="tcptop warm" ;;
      esac
      printf '%-40s %15s %16s %14s %8s\n' "$label" "$(range "$name" 1)" "$(mb "$(median "$name" 8)")" \
             "$(mb "$(median "$name" 4)")" "$(fmt "$(median "$name" 6)")"
   done
   printf '%-40s %15s\n' "harness floor (spawn /bin/echo)" "$(fmt "$(median floor 1)")"
   cat <<EOF

wall = exec until the ready line is read; peak RSS = VmHWM of the main process
when ready; largest proc = largest single process of its tree (for tcptop cold:
the compiler child); steady RSS = VmRSS ${SETTLE} s after ready (the target is
judged on the worse of cold and warm); CPU = user+sys of the whole tree over the
whole run. MB = 1024 kB. See bench/README.md.
EOF
   if [ -s "$WORK/notes" ]; then
      echo
      echo "notes (stderr of the runs, once each):"
      sort -u "$WORK/notes" | sed 's/^/  /'
   fi
}

# option LETTER VALUE: one option (bench_options).
option() {
   case $1 in
      n) RUNS=$2 ;;
   esac
}

main() {
   bench_options "n:" "$@"
   need_positive -n "$RUNS"

   skip_unless_root
   need_tcptop
   PY=$(find_python) || die "python3 not found"
   BPFTRACE=${BPFTRACE:-$(command -v bpftrace || true)}
   BPFTRACE_NAME="bpftrace (not found)"
   if [ -n "$BPFTRACE" ]; then
      BPFTRACE_NAME=$("$BPFTRACE" --version 2>/dev/null | head -n1 || echo bpftrace)
   fi

   WORK=$(mktemp -d)
   trap cleanup EXIT
   : >"$WORK/notes"

   tcptop_banner
   echo "machine: $(uname -sr), $(nproc) CPUs; $RUNS runs each"

   # Warm-up, not counted: page cache for the binaries, LLVM and the BTF.
   echo -n "warming up"
   run_tcptop warmup "$WORK/cache-warmup" || die "tcptop did not start: $(tail -n 3 "$WORK/notes")"
   if [ -n "$BPFTRACE" ] && ! run_bpftrace warmup; then
      echo " (bpftrace did not start: no baseline)"
      BPFTRACE=""
      BPFTRACE_NAME="bpftrace (failed)"
   fi
   run_floor
   echo

   local i
   for ((i = 1; i <= RUNS; i++)); do
      echo -n "run $i/$RUNS: "
      if [ -n "$BPFTRACE" ]; then
         run_bpftrace && echo -n "bpftrace " || echo -n "bpftrace(failed) "
      fi
      run_tcptop cold "$WORK/cache-$i" && echo -n "cold " || echo -n "cold(failed) "
      run_tcptop warm "$WORK/cache-$i" && echo -n "warm " || echo -n "warm(failed) "
      run_floor
      echo
   done

   report
}

main "$@"
