#!/usr/bin/env bash
# Benchmark: the redis primary + replica group's lifecycle against bare ProcessBuilder redis-servers.
# Usage: bench/lifecycle.sh [rounds]   (default 50). Prints medians, p95 and ratios from one run.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-50}
mvn -B -q -o install -DskipTests -pl pgroup-runtime,pgroup-core
cp=$(mktemp)
mvn -B -q -o dependency:build-classpath -pl pgroup-core -Dmdep.outputFile="$cp" >/dev/null
exec java -cp "pgroup-core/target/classes:$(cat "$cp")" bench/LifecycleBench.java "$rounds" pgroup-core/src/test/resources/groups/redis-pair
