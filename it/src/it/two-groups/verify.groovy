def log = new File(basedir, 'build.log').text
assert log.contains('pgroup: started one-')
assert log.contains('pgroup: started two-')
assert log.contains('Tests run: 1, Failures: 0, Errors: 0')
assert log.contains('pgroup: terminated one-')
assert log.contains('pgroup: terminated two-')
def groups = new File(basedir, 'target/pgroup').listFiles()?.findAll { !it.name.startsWith('.') } ?: []
assert groups.isEmpty() : "a clean run deletes everything, but left $groups"
// Nothing of this build may still run: no process whose command line or working directory is here.
def here = basedir.canonicalPath
def mine = { ProcessHandle p ->
    def cwd = null
    try { cwd = java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/${p.pid()}/cwd")).toString() } catch (Exception ignored) {}
    p.info().commandLine().map { it.contains(here) }.orElse(false) || (cwd != null && cwd.startsWith(here))
}
def left = ProcessHandle.allProcesses().filter { mine(it) }.toList()
assert left.isEmpty() : "left running: " + left.collect { "${it.pid()} ${it.info().commandLine().orElse("?")}" }
