#!/usr/bin/env bash
# Fault trials. First run: owner JVM SIGKILLed (default 100 times), runsvdir SIGKILLed then prune, a
# process ignoring SIGTERM, 4 JVMs x 50 groups at once. Then the cases of issue 9, each run
# [case-trials] times (default 5): prune over a home-like dir and a symlink, prune with another
# database, a planted runsvdir.pid, two PID namespaces, concurrent start of one id, children that
# leave their parent, a running group's dir deleted, an interrupted create, a full disk during
# start, kill -9 of a runsv, a ready command that never exits, restart "never", bad definitions.
# Prints trials run, processes leaked, ports collided (leased twice, or not free again) and files
# (dirs, registry rows, leases) left, plus each case's own count (user files destroyed, processes
# signalled, ...); the goal is zero in every column but the max times and the info counts. Needs
# root for unshare and tmpfs (those cases say so and are skipped). About 5 minutes with defaults.
# Usage: bench/faults.sh [owner-kills] [other-trials] [case-trials] [cases, e.g. 1,7,16 or all]
# (bench/faults.sh 0 0 5 runs the issue 9 cases alone)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/classpath.sh
classes=pgroup-core/target/bench-classes
classpath="$classes:$(pgroup_classpath test)"
# Compiled, not run as a source file: the concurrent start case runs it in child JVMs too.
rm -rf "$classes"
javac -d "$classes" -cp "$classpath" bench/FaultsBench.java
exec java -cp "$classpath" FaultsBench "$@"
