#!/usr/bin/env bash
# Benchmark: "a test wants a PostgreSQL" to "its first query answered", interleaved in one run:
#   seeded   pgroup with the seed of examples/postgres-per-test (warm cache, copies made ahead)
#   noseed   pgroup, initdb and the schema load in every group
#   template one shared server, CREATE DATABASE ... TEMPLATE per test (zonky's approach)
# Also: the seed's first run, disk per group and whether the copy was a reflink, and 50 parallel
# seeded servers (wall time, peak memory). Needs root (postgres runs as user postgres) and the
# PostgreSQL JDBC driver in ~/.m2 (the example's dependency).
# Usage: bench/seed.sh [rounds] [parallel]   (default 20 and 50)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-20}
parallel=${2:-50}
source bench/classpath.sh
jdbc=$(ls ~/.m2/repository/org/postgresql/postgresql/*/postgresql-*.jar | grep -v sources | tail -1)
exec java -cp "$(pgroup_classpath):$jdbc" bench/SeedBench.java "$rounds" "$parallel"
