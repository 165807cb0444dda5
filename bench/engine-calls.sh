#!/usr/bin/env bash
# The engine questions of create and start (an image's id, a container's state), over the API socket
# against through the client, interleaved: wall time and CPU per call. Usage: bench/engine-calls.sh [rounds]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/classpath.sh
exec java -cp "$(pgroup_classpath)" bench/EngineCallsBench.java "${1:-100}"
