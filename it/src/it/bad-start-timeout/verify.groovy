def log = new File(basedir, 'build.log').text
assert log.contains("pgroup: <startTimeout> (property pgroup.startTimeout): '0s' is not a positive duration")
def groups = new File(basedir, 'target/pgroup').listFiles()?.findAll { !it.name.startsWith('.') } ?: []
assert groups.isEmpty() : "group dirs left: $groups"
// Nothing of this build may still run.
evaluate(new File(nothingLeftRunning))

