#!/usr/bin/env bash
# Benchmark: the fixed cost of a group start (3 `sleep`s, no ready check) in a warm JVM, this
# build against another checkout (a baseline commit), run alternately in batches so that the
# machine's noise hits both alike. Prints each batch's medians and, per build, the median of them.
# Usage: bench/start-cost.sh OTHER_CHECKOUT [rounds per batch, default 20] [batches, default 6]
set -euo pipefail
cd "$(dirname "$0")/.."
other=$(cd "$1" && pwd)
rounds=${2:-20}
batches=${3:-6}
source bench/classpath.sh
here_cp=$(pgroup_classpath)
other_cp=$(cd "$other" && pgroup_classpath)
bench=$PWD/bench/StartCostBench.java
lines=$(mktemp)
for b in $(seq 1 "$batches"); do
    # Alternate which build goes first.
    for which in $([ $((b % 2)) = 1 ] && echo "this other" || echo "other this"); do
        if [ "$which" = this ]; then
            java -cp "$here_cp" "$bench" this "$rounds" | tee -a "$lines"
        else
            (cd "$other" && java -cp "$other_cp" "$bench" other "$rounds") | tee -a "$lines"
        fi
    done
done
echo "median of the batches, ms: start / stop+terminate / JVM CPU per lifecycle (mean of each batch)"
for which in this other; do
    for col in 2 3 4; do
        awk -v w="$which" -v c="$col" '$1 == w { print $c }' "$lines" | sort -n |
            awk '{ v[NR] = $1 } END { printf "%s ", v[int((NR + 1) / 2)] }'
    done | sed "s/^/  $which: /"
    echo
done
rm -f "$lines"
