// Build 1: the IT killed runsvdir; prune, in post-integration-test, stopped what it left.
def log = new File(basedir, 'build.log').text
assert log.contains('Tests run: 1, Failures: 0, Errors: 0') : 'the IT left orphaned processes behind'
def id = (log =~ /pgroup: started (orphans-\S+)/)[0][1]
assert log.contains("pgroup: stopped the orphaned processes of group $id: its runsvdir had died")
assert log.contains("pgroup: terminated $id")
// Build 2: pgroup:prune on its own, in the same (private) database, finds nothing left.
assert log.contains('pgroup: nothing to prune')

// The orphans the IT saw are gone. A zombie counts as gone: in a container, PID 1 may never reap
// the processes it inherits.
def running = { long pid ->
    def stat = new File("/proc/$pid/stat")
    stat.exists() && !(stat.text =~ /\)\s+Z\s/)
}
def orphans = new File(basedir, 'target/orphans.txt').readLines().findAll { it }
assert orphans.size() >= 3
def alive = orphans.findAll { running(it.split(' ')[0] as long) }
assert alive.isEmpty() : "orphans still running: $alive"

def groups = new File(basedir, 'target/pgroup').listFiles()?.findAll { !it.name.startsWith('.') } ?: []
assert groups.isEmpty() : "terminate deleted everything, but left $groups"
// Nothing of this build may still run: no process whose command line or working directory is here.
def here = basedir.canonicalPath
def mine = { ProcessHandle p ->
    def cwd = null
    try { cwd = java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/${p.pid()}/cwd")).toString() } catch (Exception ignored) {}
    p.info().commandLine().map { it.contains(here) }.orElse(false) || (cwd != null && cwd.startsWith(here))
}
def left = ProcessHandle.allProcesses().filter { mine(it) && running(it.pid()) }.toList()
assert left.isEmpty() : "left running: " + left.collect { "${it.pid()} ${it.info().commandLine().orElse("?")}" }
