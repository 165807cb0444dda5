#!/usr/bin/env bash
# Benchmark: what the machine-wide port claims add to a create and a terminate of a 4-port group.
# Usage: bench/machine-claims.sh [rounds] [other users' claim files]   (default 200 200).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-200}
others=${2:-200}
source bench/classpath.sh
exec java -cp "$(pgroup_classpath)" bench/MachineClaimsBench.java "$rounds" "$others"
