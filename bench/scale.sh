#!/usr/bin/env bash
# Benchmark: N groups of 3 processes at once (pgroup against runit alone and supervisord, interleaved
# in one run), the per-test overhead, and the JUnit 5 suite (200 parallel tests with a group each
# against the same tests sharing one group). Everything runs twice: on the machine as it is
# ("quiet"), and with UNRELATED extra `sleep` processes running (started here, killed here by pid).
#
# Usage: bench/scale.sh [sizes=50] [rounds=1] [threads=16] [hold=1.5] [overhead=20]
#                       [unrelated=1000] [junit=1] [modes=pgroup,runit,supervisord]
#   sizes     the Ns, comma-separated (the issue's: sizes=50,100,200,400)
#   rounds    rounds of every N and mode; the order of the modes rotates per round
#   threads   the pool that creates/starts and stops groups (and launches the baselines)
#   hold      seconds every mode keeps its groups between ready and stop
#   overhead  rounds of the per-test overhead (0: skip)
#   unrelated extra processes of the second run (0: one run only)
#   junit     rounds of the JUnit 5 suite comparison (0: skip)
# Linux: CPU and PSS come from /proc; supervisord is installed with apt-get if missing.
set -euo pipefail
cd "$(dirname "$0")/.."
declare -A opt=([sizes]=50 [rounds]=1 [threads]=16 [hold]=1.5 [overhead]=20 [unrelated]=1000 [junit]=1
    [modes]=pgroup,runit,supervisord)
for a in "$@"; do
    k=${a%%=*}
    [ -n "${opt[$k]+x}" ] && [ "$k" != "$a" ] || { echo "unknown argument '$a' (see the usage in $0)" >&2; exit 2; }
    opt[$k]=${a#*=}
done

if [[ ${opt[modes]} == *supervisord* ]] && ! command -v supervisord >/dev/null; then
    echo "installing Debian's supervisor for the baseline" >&2
    apt-get install -y -q supervisor >/dev/null
    # The package's own supervisord service is not part of the bench.
fi
ulimit -n 65536 2>/dev/null || true
# Ports of the bench's own, beside the test suites' ranges (see the poms).
export PGROUP_PORT_RANGE=${PGROUP_PORT_RANGE:-30000-31999}
export CLK_TCK=$(getconf CLK_TCK)

source bench/classpath.sh
cp=$(pgroup_classpath)
if [ "${opt[junit]}" != 0 ]; then
    junit_cp=$(pgroup_junit5_test_classpath)
fi

pass() { # label
    perl bench/subreaper.pl java -cp "$cp" bench/ScaleBench.java label="$1" sizes="${opt[sizes]}" \
        rounds="${opt[rounds]}" threads="${opt[threads]}" hold="${opt[hold]}" overhead="${opt[overhead]}" \
        modes="${opt[modes]}"
    if [ "${opt[junit]}" != 0 ]; then
        (cd pgroup-junit5 && java -cp "$junit_cp" ../bench/JUnitSuiteBench.java "$1" "${opt[junit]}")
    fi
}

pass quiet

if [ "${opt[unrelated]}" != 0 ]; then
    others=()
    stop_others() {
        [ ${#others[@]} -eq 0 ] || kill "${others[@]}" 2>/dev/null || true
        wait "${others[@]}" 2>/dev/null || true
        others=()
    }
    trap stop_others EXIT
    for ((i = 0; i < ${opt[unrelated]}; i++)); do
        sleep 100000 &
        others+=($!)
    done
    pass "with ${opt[unrelated]} unrelated processes"
    stop_others
fi
