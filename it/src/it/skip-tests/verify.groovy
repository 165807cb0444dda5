def log = new File(basedir, 'build.log').text
assert log.contains('pgroup: skipping pgroup:create (start-group) because skipTests is true')
assert !log.contains('pgroup: created')
assert !new File(basedir, 'target/pgroup').exists()
// Nothing of this build may still run.
evaluate(new File(nothingLeftRunning))

