#!/usr/bin/env bash
# make test's suites in two lanes at once, each lane's suites in turn (the Makefile names them):
#   first  - sanity, lint, release-check, units, fuzz (no libvirtd, no namespace), then the integration tests that
#            need no libvirtd of this machine's (namespaces, or a libvirtd of their own); on a copy of the
#            collection of their own (make's COLLECTIONS), so the other lane's copy is never rebuilt under them;
#   second - the integration tests on the machine's libvirtd (the demo, VMs, host B), then molecule.
# The integration tests spend most of their time waiting (DHCP, router advertisements, a VM's firmware, a
# watchdog's timeout), the static suites on a CPU: side by side the two lanes take about as long as the longer.
# Each suite's output goes to <build>/logs/<suite>.log and is printed whole when the suite ends (one suite at a
# time, never interleaved); a lane stops at its first failed suite, the other lane finishes. At the end: each
# suite's time and the CPU time its processes took (user and system, of the processes it waited for: not what
# libvirtd runs for it, such as its VMs), also in <build>/suite-times.txt, and the wall-clock time.
# Usage: run-lanes.sh <build dir> "<first lane's suites>" "<second lane's suites>" "<make arguments, first lane>"
set -uo pipefail
build=$1 first=$2 second=$3 first_args=$4
make=${MAKE:-make}
logs=$build/logs
times=$build/suite-times.txt
rm -rf "$logs" && mkdir -p "$logs" && : > "$times"

report() {  # suite, exit code, seconds, CPU seconds: printed under a lock, so the lanes' reports never mix
  local verdict=passed
  [ "$2" = 0 ] || verdict="FAILED (exit $2)"
  {
    flock 9
    echo "$1 $3 $4" >> "$times"
    echo "===== $1: $verdict in $3 s, $4 CPU s (output follows; also in $logs/$1.log) ====="
    cat "$logs/$1.log"
    echo "===== end of $1 ====="
  } 9>"$logs/.lock"
}

cpu_seconds() {  # bash's `times` output (its second line: the children's user and system time, as 1m2.345s) -> s
  sed -n 2p "$1" | awk '{ t = 0; for (i = 1; i <= 2; i++) { split($i, p, "m"); t += p[1] * 60 + p[2] }
                          printf "%d", t + 0.5 }'
}

lane() {  # make arguments, then the suites
  local args=$1 suite rc started
  shift
  for suite in "$@"; do
    started=$(date +%s)
    # in a subshell of its own, whose `times` are then the suite's: its children's user and system time
    # shellcheck disable=SC2086  # the arguments are words
    ( "$make" --no-print-directory $args "$suite" > "$logs/$suite.log" 2>&1; rc=$?; times > "$logs/.$suite.cpu"
      exit "$rc" )
    rc=$?
    report "$suite" "$rc" $(( $(date +%s) - started )) "$(cpu_seconds "$logs/.$suite.cpu")"
    [ "$rc" = 0 ] || return "$rc"
  done
}

started=$(date +%s)
# shellcheck disable=SC2086
lane "$first_args" $first &
first_pid=$!
# shellcheck disable=SC2086
lane "" $second
second_rc=$?
wait "$first_pid"
first_rc=$?
echo "suite times (s) and their CPU time (s), the two lanes side by side:"
awk '{ printf "  %-24s %5d %5d\n", $1, $2, $3; cpu += $3 }
     END { printf "  %-24s %5s %5d (at least %d s on %d cores)\n", "suites in all", "", cpu, cpu / cores, cores }' \
  cores="$(nproc)" "$times"
printf '  %-24s %5d\n' "wall clock" $(( $(date +%s) - started ))
if [ "$first_rc" = 0 ] && [ "$second_rc" = 0 ]; then
  echo "make test: all suites passed"
  exit 0
fi
echo "make test: a suite failed (first lane exit $first_rc, second lane exit $second_rc)"
exit 1
