#!/usr/bin/env bash
# Benchmark: start() called -> first HTTP 200 from lighttpd, socket passed by pgroup against the
# same lighttpd with a tcp ready check. Usage: bench/socket-passing.sh [rounds]   (default 30).
# Builds pgroup-runtime and pgroup-core in place (target/), installs nothing into ~/.m2.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-30}
source bench/classpath.sh
java -cp "$(pgroup_classpath)" bench/SocketPassingBench.java "$rounds" examples/socket-passing/lighttpd
