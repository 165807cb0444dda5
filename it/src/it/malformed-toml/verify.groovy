def log = new File(basedir, 'build.log').text
assert log.contains('src/it/pgroup/group.toml:3') : 'the failure names the file and line'
def groups = new File(basedir, 'target/pgroup').listFiles()?.findAll { !it.name.startsWith('.') } ?: []
assert groups.isEmpty() : "group dirs left: $groups"
// Nothing of this build may still run.
evaluate(new File(nothingLeftRunning))

