def log = new File(basedir, 'build.log').text
['create', 'start', 'stop', 'terminate', 'prune'].each { goal ->
    assert log.contains("pgroup: skipping pgroup:$goal (") : "no skip message for $goal"
}
assert log.contains('because pgroup.skip (<skip>) is true')
assert !log.contains('pgroup: created')
assert !log.contains('pgroup: nothing to prune') && !log.contains('pgroup: pruned')
assert !new File(basedir, 'target/pgroup').exists()
// Nothing of this build may still run: no process whose command line or working directory is here.
def here = basedir.canonicalPath
def mine = { ProcessHandle p ->
    def cwd = null
    try { cwd = java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/${p.pid()}/cwd")).toString() } catch (Exception ignored) {}
    p.info().commandLine().map { it.contains(here) }.orElse(false) || (cwd != null && cwd.startsWith(here))
}
def left = ProcessHandle.allProcesses().filter { mine(it) }.toList()
assert left.isEmpty() : "left running: " + left.collect { "${it.pid()} ${it.info().commandLine().orElse("?")}" }

