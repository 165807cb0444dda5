// examples/quickstart, exactly as users copy it.
def log = new File(basedir, 'build.log').text
assert log.contains('pgroup: created cache-')
assert log.contains('pgroup: started cache-')
assert log.contains('Tests run: 1, Failures: 0, Errors: 0')
assert log.contains('pgroup: terminated cache-')
// PGroup.current() found the group through the system property failsafe passed, not by scanning.
def report = new File(basedir, 'target/failsafe-reports/TEST-com.example.quickstart.ReplicationIT.xml').text
assert report =~ /<property name="pgroup.manifest" value="[^"]+manifest.properties"/
assert report =~ /<property name="pgroup.cache.primary.main" value="\d+"/
def groups = new File(basedir, 'target/pgroup').listFiles()?.findAll { !it.name.startsWith('.') } ?: []
assert groups.isEmpty() : "a clean run deletes everything, but left $groups"
// Nothing of this build may still run.
evaluate(new File(nothingLeftRunning))
