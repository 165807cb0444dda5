#!/usr/bin/env bash
# Benchmark: the redis primary + replica group's lifecycle against bare ProcessBuilder redis-servers.
# Usage: bench/lifecycle.sh [rounds]   (default 50). Prints medians, p95 and ratios from one run.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-50}
source bench/classpath.sh
exec java -cp "$(pgroup_classpath)" bench/LifecycleBench.java "$rounds" pgroup-core/src/test/resources/groups/redis-pair
