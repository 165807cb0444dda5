def log = new File(basedir, 'build.log').text
// The jar package made is what the group ran.
assert log =~ /Building jar: .*pgroup-service-jar-1\.0-SNAPSHOT\.jar/
assert log.contains('pgroup: started hits-')
assert log.contains('Tests run: 1, Failures: 0, Errors: 0')
assert log.contains('pgroup: terminated hits-')
def groups = new File(basedir, 'target/pgroup').listFiles()?.findAll { !it.name.startsWith('.') } ?: []
assert groups.isEmpty() : "a clean run deletes everything, but left $groups"
// Nothing of this build may still run: no java -jar of the service, no redis.
evaluate(new File(nothingLeftRunning))
