# Sourced by the bench scripts: the one way they get pgroup's classes. Builds pgroup-runtime and
# pgroup-core in the reactor (target/), installs nothing into ~/.m2 (so a bench never puts a
# half-finished build where other builds resolve pgroup from), and leaves no temp file behind.
#
#   source bench/classpath.sh
#   cp=$(pgroup_classpath)        # main classes and runtime dependencies
#   cp=$(pgroup_classpath test)   # also pgroup-core's test classes (OwnerChild, ...) and test dependencies
pgroup_classpath() {
  local scope=runtime goal=compile extra=""
  if [ "${1:-}" = test ]; then
    scope=test goal=test-compile extra="pgroup-core/target/test-classes:"
  fi
  local list
  list=$(mktemp)
  # -am with both modules: pgroup-runtime comes from its target/classes, never from ~/.m2.
  mvn -B -q -o "$goal" dependency:build-classpath -pl pgroup-runtime,pgroup-core \
    -Dmdep.includeScope="$scope" -Dmdep.excludeArtifactIds=pgroup-runtime -Dmdep.outputFile="$list" \
    -Dmdep.appendOutput=true >/dev/null
  echo "${extra}pgroup-core/target/classes:pgroup-runtime/target/classes:$(tr '\n' ':' <"$list")"
  rm -f "$list"
}

# pgroup-junit5's test classes (TwoHundredGroupsTest's fixtures) with everything they need, as
# absolute paths, for bench/JUnitSuiteBench.java, which runs in pgroup-junit5's dir.
pgroup_junit5_test_classpath() {
  local list
  list=$(mktemp)
  mvn -B -q -o -Dstyle.color=never test-compile dependency:build-classpath \
    -pl pgroup-runtime,pgroup-core,pgroup-junit5 -Dmdep.includeScope=test \
    -Dmdep.excludeArtifactIds=pgroup-runtime,pgroup-core -Dmdep.outputFile="$list" -Dmdep.appendOutput=true >/dev/null
  local m
  for m in pgroup-junit5/target/test-classes pgroup-junit5/target/classes pgroup-core/target/classes \
    pgroup-runtime/target/classes; do
    printf '%s:' "$PWD/$m"
  done
  tr '\n' ':' <"$list"
  rm -f "$list"
}
