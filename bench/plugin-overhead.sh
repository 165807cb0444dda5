#!/usr/bin/env bash
# What pgroup-maven-plugin adds to a build: the quickstart's `mvn -o verify` with the pgroup goals
# (create, start, stop, terminate of a Redis primary + replica) against the same build with
# -Dpgroup.skip.
#
# Fair comparison: both builds run the same lifecycle on a warm copy of examples/quickstart, and
# both exclude the integration tests (failsafe is told to run a test that does not exist, and not
# to mind), because with the goals skipped the tests would have no group to talk to. So the only
# difference is the pgroup goals themselves. Runs alternate (with, without, with, ...) so that
# machine noise hits both sides alike; the medians are reported.
#
# Usage: bench/plugin-overhead.sh [runs per side, default 5]
# Needs pgroup installed in ~/.m2 (mvn -B install -DskipTests) and runit + redis-server.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r examples/quickstart "$work/quickstart"
rm -rf "$work/quickstart/target"

mvn_verify() {
  mvn -B -o -q -f "$work/quickstart/pom.xml" verify \
    -Dit.test=NoSuchIT -Dfailsafe.failIfNoSpecifiedTests=false "$@" >"$work/last.log" 2>&1 \
    || { cat "$work/last.log"; echo "bench: build failed" >&2; exit 1; }
}

elapsed_ms() {
  local t0 t1
  t0=$(date +%s%N)
  mvn_verify "$@"
  t1=$(date +%s%N)
  echo $(( (t1 - t0) / 1000000 ))
}

median() {
  sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}

echo "bench: warming up (compiles the quickstart, loads caches)"
mvn_verify
mvn_verify -Dpgroup.skip

with=() without=()
for i in $(seq 1 "$runs"); do
  with+=("$(elapsed_ms)")
  without+=("$(elapsed_ms -Dpgroup.skip)")
  echo "bench: run $i: with pgroup ${with[-1]} ms, skipped ${without[-1]} ms"
done

m_with=$(printf '%s\n' "${with[@]}" | median)
m_without=$(printf '%s\n' "${without[@]}" | median)
diff=$((m_with - m_without))
echo "bench: median with pgroup goals:    ${m_with} ms  (${with[*]})"
echo "bench: median with -Dpgroup.skip:   ${m_without} ms  (${without[*]})"
echo "bench: pgroup goals add ${diff} ms per build (target <= 500 ms)"
