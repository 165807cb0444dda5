#!/usr/bin/env bash
# Runs the quickstart end to end: installs what it needs (runit, redis-server, perl, java, maven), builds and
# installs pgroup, then builds examples/quickstart, whose integration test runs against a Redis
# primary and replica that pgroup-maven-plugin starts before the tests and removes after them.
#
# Extra arguments go to both Maven builds, e.g. ./run-quickstart.sh -o
set -euo pipefail
cd "$(dirname "$0")"

./setup.sh --quickstart

echo "run-quickstart: building and installing pgroup"
mvn -B -q install -DskipTests "$@"

echo "run-quickstart: building examples/quickstart (watch the pgroup: lines)"
mvn -B -f examples/quickstart/pom.xml verify "$@"
