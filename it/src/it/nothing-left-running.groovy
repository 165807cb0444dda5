// Shared by the cases' verify.groovy: nothing of this build may still run, i.e. no process whose
// command line or working directory is inside the case's basedir (runsvdir, runsv, svlogd and the
// services all run from the group dir under target/pgroup).
def here = basedir.canonicalPath
// The path whole, not as a prefix: case skip must not claim the processes of case skip-tests.
def names = java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(here) + '(?![^/\'"\\s])')
def mine = { ProcessHandle p ->
    def cwd = null
    try { cwd = java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/${p.pid()}/cwd")).toString() } catch (Exception ignored) {}
    p.info().commandLine().map { names.matcher(it).find() }.orElse(false) || (cwd != null && (cwd == here || cwd.startsWith(here + '/')))
}
def left = ProcessHandle.allProcesses().filter { mine(it) }.toList()
assert left.isEmpty() : "left running: " + left.collect { "${it.pid()} ${it.info().commandLine().orElse("?")}" }
