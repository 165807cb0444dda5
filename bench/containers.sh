#!/usr/bin/env bash
# Benchmark: one redis, from start called to PING answered and from stop called to gone, measured
# interleaved in one run for: a pgroup container process, a plain `docker run -d -p` + PING poll,
# Testcontainers' GenericContainer on the same local image, and a pgroup local-binary process.
# Also the memory (PSS) of what runs per container process beside a binary process's.
# Usage: bench/containers.sh [rounds]   (default 20). Needs ./setup-docker.sh (dockerd, the images).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-20}
source bench/classpath.sh
tc=$(mktemp)
trap 'rm -f "$tc"' EXIT
# Testcontainers' classpath (through Maven's own client, cached in ~/.m2 after the first run).
(cd bench/testcontainers && mvn -B -q dependency:build-classpath -Dmdep.outputFile="$tc" >/dev/null)
# Ryuk's image cannot be pulled here, and the machine looks like a container to Testcontainers.
export TESTCONTAINERS_RYUK_DISABLED=true TESTCONTAINERS_HOST_OVERRIDE=localhost
exec java -cp "$(pgroup_classpath):$(cat "$tc")" bench/ContainersBench.java "$rounds"
