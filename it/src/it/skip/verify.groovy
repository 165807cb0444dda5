def log = new File(basedir, 'build.log').text
['create', 'start', 'stop', 'terminate', 'prune'].each { goal ->
    assert log.contains("pgroup: skipping pgroup:$goal (") : "no skip message for $goal"
}
assert log.contains('because pgroup.skip (<skip>) is true')
assert !log.contains('pgroup: created')
assert !log.contains('pgroup: nothing to prune') && !log.contains('pgroup: pruned')
assert !new File(basedir, 'target/pgroup').exists()
// Nothing of this build may still run.
evaluate(new File(nothingLeftRunning))

