#!/usr/bin/env bash
# Benchmark: the JVM's CPU while N groups of 3 `sleep`s are created and started at once (the scale
# bench's ready phase), by kind of thread (JIT compilers, the creating pool, the start poller), and
# create and start one at a time in a warm JVM, this build against another checkout (a baseline
# commit), alternately. The base dir is under java.io.tmpdir (put it on tmpfs, as for scale.sh:
# JAVA_TOOL_OPTIONS=-Djava.io.tmpdir=/dev/shm/bench). Linux only.
# Usage: bench/ready-cpu.sh OTHER_CHECKOUT [n=200] [rounds=3] [alternations=3]
set -euo pipefail
cd "$(dirname "$0")/.."
other=$(cd "$1" && pwd)
n=${2:-200}
rounds=${3:-3}
alternations=${4:-3}
ulimit -n 65536 2>/dev/null || true
export PGROUP_PORT_RANGE=${PGROUP_PORT_RANGE:-30000-31999}
export CLK_TCK=$(getconf CLK_TCK)
source bench/classpath.sh
here_cp=$(pgroup_classpath)
other_cp=$(cd "$other" && pgroup_classpath)
bench=$PWD/bench/ReadyCpuBench.java
for a in $(seq 1 "$alternations"); do
    for which in $([ $((a % 2)) = 1 ] && echo "this other" || echo "other this"); do
        if [ "$which" = this ]; then
            java -cp "$here_cp" "$bench" this "$n" "$rounds"
        else
            (cd "$other" && java -cp "$other_cp" "$bench" other "$n" "$rounds")
        fi
    done
done
