#!/usr/bin/env bash
# Benchmark: start and stop time of one group of N `sleep` processes (default N = 200 and 1000),
# with UNRELATED other processes running beside it (default 0; stop must not grow with them).
# Usage: bench/big-group.sh [unrelated] [N...]
# Builds pgroup-core in the reactor (no install into ~/.m2) and runs BigGroupBench.java on it.
set -euo pipefail
cd "$(dirname "$0")/.."
unrelated=${1:-0}
shift || true
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(200 1000)
source bench/classpath.sh
cp=$(pgroup_classpath)
ulimit -n 65536 2>/dev/null || true
exec java -cp "$cp" bench/BigGroupBench.java \
    "$unrelated" "${sizes[@]}"
