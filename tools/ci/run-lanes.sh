#!/usr/bin/env bash
# make test's suites in two lanes at once, each lane's suites in turn:
#   static - sanity, lint, release-check, units, fuzz: no libvirtd, no namespace, no VM; they run on a copy of
#            the collection of their own (make's COLLECTIONS), so the live lane's copy is never rebuilt under them;
#   live   - integration, molecule: the machine's libvirtd, network namespaces, TCG VMs.
# The live suites spend most of their time waiting (DHCP, router advertisements, a VM's firmware), the static ones
# on a CPU: side by side they take about as long as the live lane alone.
# Each suite's output goes to <build>/logs/<suite>.log and is printed whole when the suite ends (one suite at a
# time, never interleaved); a lane stops at its first failed suite, the other lane finishes. At the end: each
# suite's time (also in <build>/suite-times.txt) and the wall-clock time.
# Usage: run-lanes.sh <build dir> "<static suites>" "<live suites>" "<make arguments for the static lane>"
set -uo pipefail
build=$1 static=$2 live=$3 static_args=$4
make=${MAKE:-make}
logs=$build/logs
times=$build/suite-times.txt
rm -rf "$logs" && mkdir -p "$logs" && : > "$times"

report() {  # suite, exit code, seconds: printed under a lock, so the lanes' reports never mix
  local verdict=passed
  [ "$2" = 0 ] || verdict="FAILED (exit $2)"
  {
    flock 9
    echo "$1 $3" >> "$times"
    echo "===== $1: $verdict in $3 s (output follows; also in $logs/$1.log) ====="
    cat "$logs/$1.log"
    echo "===== end of $1 ====="
  } 9>"$logs/.lock"
}

lane() {  # make arguments, then the suites
  local args=$1 suite rc started
  shift
  for suite in "$@"; do
    started=$(date +%s)
    # shellcheck disable=SC2086  # the arguments are words
    "$make" --no-print-directory $args "$suite" > "$logs/$suite.log" 2>&1
    rc=$?
    report "$suite" "$rc" $(( $(date +%s) - started ))
    [ "$rc" = 0 ] || return "$rc"
  done
}

started=$(date +%s)
# shellcheck disable=SC2086
lane "$static_args" $static &
static_pid=$!
# shellcheck disable=SC2086
lane "" $live
live_rc=$?
wait "$static_pid"
static_rc=$?
echo "suite times (s), the two lanes side by side:"
awk '{ printf "  %-14s %5d\n", $1, $2 }' "$times"
printf '  %-14s %5d\n' "wall clock" $(( $(date +%s) - started ))
if [ "$static_rc" = 0 ] && [ "$live_rc" = 0 ]; then
  echo "make test: all suites passed"
  exit 0
fi
echo "make test: a suite failed (static lane exit $static_rc, live lane exit $live_rc)"
exit 1
