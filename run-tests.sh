#!/usr/bin/env bash
# The whole test suite: installs what is missing (./setup.sh), then builds every module and runs
# unit tests, engine tests with real runit and redis-server, and the Maven invoker ITs.
# ./setup-docker.sh makes Docker available for the container tests (it starts dockerd if none answers).
set -euo pipefail
cd "$(dirname "$0")"
./setup.sh
./setup-docker.sh
exec mvn -B -T1C verify "$@"
