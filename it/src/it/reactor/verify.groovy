def log = new File(basedir, 'build.log').text
assert log.contains('pgroup: skipping pgroup:create (start-group) because the project is packaged as pom')
assert (log =~ /pgroup: started cache-/).count == 2
assert (log =~ /Tests run: 1, Failures: 0, Errors: 0, Skipped: 0/).count >= 2
assert (log =~ /pgroup: terminated cache-/).count == 2
['a', 'b'].each { m ->
    def groups = new File(basedir, "$m/target/pgroup").listFiles()?.findAll { !it.name.startsWith('.') } ?: []
    assert groups.isEmpty() : "a clean run deletes everything, but left $groups"
}
// Nothing of this build may still run.
evaluate(new File(nothingLeftRunning))
