def log = new File(basedir, 'build.log').text
assert log.contains('pgroup: started one-')
assert log.contains('pgroup: started two-')
assert log.contains('Tests run: 1, Failures: 0, Errors: 0')
assert log.contains('pgroup: terminated one-')
assert log.contains('pgroup: terminated two-')
def groups = new File(basedir, 'target/pgroup').listFiles()?.findAll { !it.name.startsWith('.') } ?: []
assert groups.isEmpty() : "a clean run deletes everything, but left $groups"
// Nothing of this build may still run.
evaluate(new File(nothingLeftRunning))
