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
mvn -B -q -o compile -pl pgroup-runtime,pgroup-core
cp=$(mktemp)
mvn -B -q -o dependency:build-classpath -pl pgroup-core -Dmdep.outputFile="$cp" -Dmdep.includeScope=runtime \
    -Dmdep.excludeArtifactIds=pgroup-runtime >/dev/null
ulimit -n 65536 2>/dev/null || true
exec java -cp "pgroup-core/target/classes:pgroup-runtime/target/classes:$(cat "$cp")" bench/BigGroupBench.java \
    "$unrelated" "${sizes[@]}"
