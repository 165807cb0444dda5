#!/usr/bin/env bash
# Where a pgroup container process's start goes: offsets from create called to the daemon's events
# (create, attach, start), start returned and the first PING. Usage: bench/container-timeline.sh [rounds]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/classpath.sh
exec java -cp "$(pgroup_classpath)" bench/ContainerTimeline.java "${1:-20}"
