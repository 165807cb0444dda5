def log = new File(basedir, 'build.log').text
assert log.contains('failing on purpose against solo-')
assert log.contains('pgroup: integration tests failed (1 failure(s) and 0 error(s)')
assert log.contains("line(s) of process 'redis'")
assert log.contains('Ready to accept connections') : 'the log tail of redis is in the build output'
assert log.contains('pgroup: kept the files of solo-')
def groups = new File(basedir, 'target/pgroup').listFiles()?.findAll { !it.name.startsWith('.') } ?: []
assert groups.size() == 1 : "the group's files are kept: $groups"
assert new File(groups[0], '.pgroup/manifest.properties').isFile()
// Nothing of this build may still run.
evaluate(new File(nothingLeftRunning))
