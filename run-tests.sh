#!/usr/bin/env bash
# The whole test suite: installs what is missing (./setup.sh), then builds every module and runs
# unit tests, engine tests with real runit and redis-server, and the Maven invoker ITs.
set -euo pipefail
cd "$(dirname "$0")"
./setup.sh
exec mvn -B -T1C verify "$@"
