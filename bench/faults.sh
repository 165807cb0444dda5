#!/usr/bin/env bash
# Fault trials: owner JVM SIGKILLed (default 100 times), runsvdir SIGKILLed then prune, a process
# ignoring SIGTERM, 4 JVMs x 50 groups at once. Prints trials run, processes leaked, ports collided
# and files left; the goal is zero in every column.
# Usage: bench/faults.sh [owner-kills] [other-trials]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -o install -DskipTests -pl pgroup-runtime,pgroup-core
mvn -B -q -o test-compile -pl pgroup-core
cp=$(mktemp)
mvn -B -q -o dependency:build-classpath -pl pgroup-core -Dmdep.includeScope=test -Dmdep.outputFile="$cp" >/dev/null
exec java -cp "pgroup-core/target/test-classes:pgroup-core/target/classes:$(cat "$cp")" bench/FaultsBench.java "$@"
