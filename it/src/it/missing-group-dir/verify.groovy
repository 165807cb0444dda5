def log = new File(basedir, 'build.log').text
assert log.contains('no-such-dir does not exist: set <group> (property pgroup.group)')
assert !new File(basedir, 'target/pgroup').exists() || new File(basedir, 'target/pgroup').list().length == 0
// Nothing of this build may still run.
evaluate(new File(nothingLeftRunning))

