def log = new File(basedir, 'build.log').text
assert log.contains("pgroup: two executions create a group named 'solo' (execution 'first' and execution 'second')")
assert log.contains('give one of them another <name>')
// The first group was running when the second execution failed: the build took it away.
assert log.contains('pgroup: terminating group solo-')
def groups = new File(basedir, 'target/pgroup').listFiles()?.findAll { !it.name.startsWith('.') } ?: []
assert groups.isEmpty() : "group dirs left: $groups"
// Nothing of this build may still run.
evaluate(new File(nothingLeftRunning))

