def log = new File(basedir, 'build.log').text
assert log.contains('failing on purpose against solo-')
assert log.contains('pgroup: integration tests failed (1 failure(s) and 0 error(s)')
assert log.contains("line(s) of process 'redis'")
assert log.contains('Ready to accept connections') : 'the log tail of redis is in the build output'
assert log.contains('pgroup: kept the files of solo-')
def ids = (log =~ /pgroup: started (solo-\S+)/).collect { it[1] }
assert ids.size() == 2 : "two builds, a group each: $ids"
// The warning says how to clean up; the second build did it.
assert log.contains("The next build of this project removes them; to remove them now: pgroup terminate ${ids[0]}")
assert log.contains("pgroup: removed ${ids[0]}, kept stopped in ") : 'the second build removes the first one\'s kept group'
def groups = new File(basedir, 'target/pgroup').listFiles()?.findAll { !it.name.startsWith('.') } ?: []
assert groups*.name == [ids[1]] : "only the last build's group is kept: $groups"
assert new File(groups[0], '.pgroup/manifest.properties').isFile()
// Nothing of this build may still run.
evaluate(new File(nothingLeftRunning))
