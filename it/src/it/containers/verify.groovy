// examples/containers, exactly as users copy it: a container and a binary in one group.
def log = new File(basedir, 'build.log').text
assert log.contains('pgroup: created containers-')
assert log.contains('pgroup: started containers-')
assert log.contains('Tests run: 1, Failures: 0, Errors: 0')
assert log.contains('pgroup: terminated containers-')
def id = (log =~ /pgroup: started (containers-\S+)/)[0][1]
// The manifest recorded the image; the group's containers are gone after terminate.
def ps = ['docker', 'ps', '-aq', '--filter', "label=dev.pgroup.group=${id}"].execute()
ps.waitFor()
assert ps.exitValue() == 0 : ps.err.text
assert ps.text.trim().isEmpty() : "containers of ${id} left: ${ps.text}"
def groups = new File(basedir, 'target/pgroup').listFiles()?.findAll { !it.name.startsWith('.') } ?: []
assert groups.isEmpty() : "a clean run deletes everything, but left $groups"
evaluate(new File(nothingLeftRunning))
