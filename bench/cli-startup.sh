#!/usr/bin/env bash
# How fast does the pgroup command start? Measures `pgroup status` on an idle machine (an empty
# registry, and one created-but-not-started group) against baselines in the same run:
#   - java -version, and a hello-world class (the floor for any JVM command);
#   - the same jar without the launcher's JVM options, and with them but without the CDS archive.
# Uses hyperfine when installed (apt-get install -y hyperfine), else a loop printing the median.
#
# The native-lib variants assume Linux x86_64.
#
# Usage: bench/cli-startup.sh [RUNS]      (after `mvn -B -o package -pl pgroup-cli`)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20}
launcher=$PWD/pgroup-cli/target/pgroup
jar=$PWD/pgroup-cli/target/pgroup.jar
[ -x "$launcher" ] || { echo "build first: mvn -B -o package -DskipTests -pl pgroup-cli" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/pgroup-cli-bench.XXXXXX")
cleanup() {
    if [ -n "${id:-}" ]; then "$launcher" terminate "$id" >/dev/null 2>&1 || true; fi
    rm -rf "$work"
}
trap cleanup EXIT
export PGROUP_BASE_DIR=$work/groups PGROUP_DATABASE=$work/pgroup.db

mkdir -p "$work/hello"
cat > "$work/hello/Hello.java" <<'JAVA'
public class Hello { public static void main(String[] a) { System.out.println("hello"); } }
JAVA
javac -d "$work/hello" "$work/hello/Hello.java"

def=$PWD/pgroup-cli/src/test/resources/groups/redis-single
"$launcher" status >/dev/null # creates the database, as on a machine that has used pgroup before
id=$("$launcher" create "$def")

home=$PWD/pgroup-cli/target
cds="-XX:SharedArchiveFile=$home/pgroup.jsa -Xlog:cds=off -Xlog:cds+dynamic=off"
native="-Dorg.sqlite.lib.path=$home/native/Linux/x86_64 -Dorg.sqlite.lib.name=libsqlitejdbc.so"
declare -a names=(
    "baseline: java -version"
    "baseline: hello world"
    "pgroup --version"
    "pgroup status (no groups)"
    "pgroup status ID"
    "status ID: java -jar, no JVM options"
    "status ID: C1 only"
    "status ID: C1 + CDS"
    "status ID: C1 + CDS + native lib (= launcher)"
    "status ID: C1 + CDS + native lib + SerialGC"
)
declare -a cmds=(
    "java -version"
    "java -cp $work/hello Hello"
    "$launcher --version"
    "$launcher --base-dir $work/empty --database $work/empty.db status"
    "$launcher status $id"
    "java -jar $jar status $id"
    "java -XX:TieredStopAtLevel=1 -jar $jar status $id"
    "java -XX:TieredStopAtLevel=1 $cds -jar $jar status $id"
    "java -XX:TieredStopAtLevel=1 $cds $native -jar $jar status $id"
    "java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC $cds $native -jar $jar status $id"
)

if command -v hyperfine >/dev/null; then
    args=()
    for i in "${!cmds[@]}"; do args+=(-n "${names[$i]}" "${cmds[$i]}"); done
    hyperfine -N --warmup 3 --runs "$runs" --export-markdown "$work/result.md" "${args[@]}" >&2
    cat "$work/result.md"
else
    median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
    for i in "${!cmds[@]}"; do
        for _ in 1 2 3; do ${cmds[$i]} >/dev/null 2>&1; done
        for _ in $(seq "$runs"); do
            s=$(date +%s%N); ${cmds[$i]} >/dev/null 2>&1; e=$(date +%s%N)
            echo $(((e - s) / 1000000))
        done | median | xargs printf "%6s ms  %s\n" - "${names[$i]}" | sed 's/^ *- */  /'
    done
fi
