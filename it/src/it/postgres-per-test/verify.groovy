// examples/postgres-per-test, exactly as users copy it: a PostgreSQL server per test from one seed.
def log = new File(basedir, 'build.log').text
assert log.contains('Tests run: 5, Failures: 0, Errors: 0, Skipped: 0')
def groups = new File(basedir, 'target/pgroup').listFiles()?.findAll { !it.name.startsWith('.') } ?: []
assert groups.isEmpty() : "every test's group is terminated, but $groups are left"
// Nothing of this build may still run.
evaluate(new File(nothingLeftRunning))
