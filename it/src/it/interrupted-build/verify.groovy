// An interrupted build leaves nothing running. This script runs this project's `verify` as a nested
// build, waits until its IT blocks with the group running, then
//   1. sends SIGINT to Maven's JVM (Ctrl-C): the plugin terminates the group at JVM exit;
//   3. (last) sends SIGINT to the build's whole process group, as Ctrl-C in a terminal does: the failsafe
//      fork dies too, Maven's main thread runs on into post-integration-test while the shutdown hook
//      terminates the group; no goal may fail for that, and nothing may stay (files, registry, ports);
//   2. sends SIGKILL to Maven's JVM (no hook runs): the owner watchdog stops the group, and a later
//      pgroup:prune removes what stays (files, registry entry, ports).
// Whatever of the nested build itself outlives the signal (Maven's JVM, the failsafe fork) is then
// SIGKILLed, and within 5 s no process of the group may be left.
import java.util.concurrent.TimeUnit
import java.util.concurrent.TimeoutException

def here = basedir.canonicalFile
def target = new File(here, 'target')
def settings = new File(target, 'nested-settings.xml')
settings.text = new File(invokerSettings).text
        .replace('@localRepositoryUrl@', 'file://' + new File(userLocalRepository).absolutePath)
def mvn = new File(System.getProperty('maven.home'), 'bin/mvn').path
// A database of this fixture's own, so that prune sees only what these builds left.
def database = new File(target, 'pgroup-state/pgroup.db').path

def nested = { String name, List<String> goals, boolean ownProcessGroup = false ->
    // setsid: Maven's JVM (bin/mvn execs java) leads a process group of its own, as a build started
    // from a terminal does, so that a Ctrl-C can reach all of it: Maven and the failsafe fork.
    def command = (ownProcessGroup ? ['setsid'] : []) + [mvn, '-B', '-o', '-s', settings.path, "-Dmaven.repo.local=${localRepositoryPath}".toString(),
                   '-Daether.offline.protocols=file'] + goals
    def pb = new ProcessBuilder(command)
            .directory(here)
            .redirectErrorStream(true)
            .redirectOutput(new File(here, "build-${name}.log"))
            .redirectInput(ProcessBuilder.Redirect.from(new File('/dev/null')))
    pb.environment().put('PGROUP_DATABASE', database)
    // Its own database, so a port range of its own too (see it/pom.xml).
    pb.environment().put('PGROUP_PORT_RANGE', '30500-30999')
    pb.start()
}
def tail = { String name -> new File(here, "build-${name}.log").readLines().takeRight(40).join('\n') }

// A zombie counts as gone: in a container, PID 1 may never reap the processes it inherits.
def zombie = { long pid ->
    try { (new File("/proc/$pid/stat").text =~ /\)\s+Z\s/).find() } catch (IOException ignored) { false }
}
def running = { ProcessHandle p -> p.isAlive() && !zombie(p.pid()) }
def describe = { ProcessHandle p -> "${p.pid()} ${p.info().commandLine().orElse(p.info().command().orElse('?'))}" }
// Any process of these builds: its command line or working directory names this directory.
def mine = { ProcessHandle p ->
    def cwd = null
    try { cwd = java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/${p.pid()}/cwd")).toString() } catch (Exception ignored) {}
    p.info().commandLine().map { it.contains(here.path) }.orElse(false) || (cwd != null && cwd.startsWith(here.path))
}
/** Waits up to the deadline until none of these (nor any process of this directory) runs; returns what still does. */
def waitGone = { List<ProcessHandle> watched, long deadline ->
    while (true) {
        def left = (watched.findAll { running(it) } + ProcessHandle.allProcesses().filter { mine(it) && running(it) }.toList()).unique { it.pid() }
        long remaining = deadline - System.nanoTime()
        if (left.isEmpty() || remaining <= 0) {
            return left
        }
        try {
            left[0].onExit().get(Math.min(remaining, TimeUnit.MILLISECONDS.toNanos(100)), TimeUnit.NANOSECONDS)
        } catch (TimeoutException ignored) {
            // a zombie's onExit never completes: look again
        }
    }
}
// Every pid file of a group dir: runsvdir's, and runit's for each service and its logger.
def groupPids = { File dir ->
    def pids = []
    def runsvdirPid = new File(dir, '.pgroup/runsvdir.pid')
    if (runsvdirPid.isFile()) pids << (runsvdirPid.text.trim().split(/\s+/)[0] as long)
    dir.listFiles().findAll { !it.name.startsWith('.') }.each { svc ->
        ['supervise/pid', 'log/supervise/pid'].collect { new File(svc, it) }.findAll { it.isFile() && it.text.trim() }
                .each { pids << (it.text.trim() as long) }
    }
    pids
}

/** Runs verify, waits for the IT to block, signals Maven's JVM; returns what it saw. */
def interrupt = { String name, String signal ->
    def marker = new File(target, 'it-running')
    marker.delete()
    def build = nested(name, ['verify'], signal == 'INT-GROUP')
    def maven = build.toHandle() // bin/mvn execs java: this is Maven's JVM
    List<ProcessHandle> started = []
    try {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120)
        while (!marker.isFile()) {
            assert build.isAlive() : "the $name build ended before its IT blocked:\n${tail(name)}"
            assert System.nanoTime() < deadline : "the $name build's IT did not start within 120 s:\n${tail(name)}"
            build.waitFor(100, TimeUnit.MILLISECONDS)
        }
        assert maven.info().command().orElse('').endsWith('/java') : "expected Maven's JVM, found ${describe(maven)}"
        def (forkPid, groupId) = marker.text.trim().split(' ')
        def groupDir = new File(target, "pgroup/$groupId")
        started = maven.descendants().toList()
        def fork = started.find { it.pid() == (forkPid as long) }
        assert fork != null : "the failsafe JVM $forkPid runs under Maven's: ${started.collect(describe)}"
        def runsvdirPid = new File(groupDir, '.pgroup/runsvdir.pid').text.trim().split(/\s+/)[0] as long
        def runsvdir = started.find { it.pid() == runsvdirPid }
        assert runsvdir != null : "runsvdir $runsvdirPid runs under Maven's JVM: ${started.collect(describe)}"
        // runsv, redis-server, svlogd; and the owner watchdog, runsvdir's parent
        def group = [runsvdir, runsvdir.parent().get()] + runsvdir.descendants().toList()
        def redisPid = new File(groupDir, 'redis/supervise/pid').text.trim() as long
        assert group.any { it.pid() == redisPid } : "redis-server $redisPid runs under runsvdir: ${group.collect(describe)}"
        assert group.size() >= 5 : group.collect(describe)

        def signalled = System.nanoTime()
        if (signal == 'INT') {
            assert ['kill', '-INT', "${maven.pid()}"].execute().waitFor() == 0
        } else if (signal == 'INT-GROUP') {
            assert ['kill', '-INT', '--', "-${maven.pid()}"].execute().waitFor() == 0
        } else {
            maven.destroyForcibly()
        }
        boolean exited = build.waitFor(10, TimeUnit.SECONDS)
        // SIGKILL what is left of the build itself (Maven's JVM, the failsafe fork), never the group's processes.
        [maven, fork].findAll { it.isAlive() }.each { it.destroyForcibly() }
        def killed = System.nanoTime()
        def left = waitGone(group, killed + TimeUnit.SECONDS.toNanos(5))
        assert left.isEmpty() : "after SIG$signal, within 5 s of killing the build, still running: ${left.collect(describe)}\n${tail(name)}"
        println "interrupted-build: SIG$signal: Maven ${exited ? 'exited' : 'did not exit within 10 s'}; " +
                "group gone ${(System.nanoTime() - signalled).intdiv(1_000_000)} ms after the signal"
        return [groupId: groupId, groupDir: groupDir, exited: exited, mavenPid: maven.pid(), group: group]
    } finally {
        // Whatever failed above, nothing of this build survives it: its processes, by pid.
        def all = [maven] + started + (maven.isAlive() ? maven.descendants().toList() : [])
        all.findAll { it.isAlive() }.each { it.destroyForcibly() }
    }
}

// 1. Ctrl-C: Maven's JVM exits and, on the way, the plugin terminates the group.
def sigint = interrupt('sigint', 'INT')
assert sigint.exited : "Maven's JVM did not exit within 10 s of SIGINT:\n${tail('sigint')}"
assert new File(here, 'build-sigint.log').text.contains(
        "pgroup: terminating group ${sigint.groupId}, left running by a build that did not reach its stop/terminate goals")
assert !sigint.groupDir.exists() : "the group was terminated at JVM exit, its files deleted"

// 2. kill -9: no hook runs; the owner watchdog stops the group (checked above, by pid).
def sigkill = interrupt('sigkill', 'KILL')
assert sigkill.groupDir.isDirectory() : 'nothing deleted the files of a group whose owner was SIGKILLed'
def stale = groupPids(sigkill.groupDir).collect { ProcessHandle.of(it) }.findAll { it.isPresent() && running(it.get()) }
assert stale.isEmpty() : "pid files of ${sigkill.groupDir} name running processes: ${stale.collect { describe(it.get()) }}"

// ... and pgroup:prune removes what stays: files, registry entry, ports.
def prune = nested('prune', ['pgroup:prune'])
assert prune.waitFor(120, TimeUnit.SECONDS) : "pgroup:prune did not finish within 120 s:\n${tail('prune')}"
assert prune.exitValue() == 0 : tail('prune')
assert new File(here, 'build-prune.log').text.contains(
        "pgroup: removed group ${sigkill.groupId}: its owner (pid ${sigkill.mavenPid}) is gone") : tail('prune')
assert !sigkill.groupDir.exists()
def groups = new File(target, 'pgroup').listFiles()?.findAll { !it.name.startsWith('.') } ?: []
assert groups.isEmpty() : "left: $groups"

// 3. Ctrl-C in a terminal: SIGINT to the whole process group, the failsafe fork included.
def ctrlC = interrupt('ctrl-c', 'INT-GROUP')
def ctrlCLog = new File(here, 'build-ctrl-c.log').text
assert ctrlC.exited : "Maven's JVM did not exit within 10 s of Ctrl-C:\n${tail('ctrl-c')}"
assert !ctrlCLog.contains('NoClassDefFoundError') : tail('ctrl-c')
assert !ctrlCLog.contains('run the create goal first') : tail('ctrl-c')
assert !ctrlCLog.contains('cleanup at exit failed') : tail('ctrl-c')
assert !ctrlC.groupDir.exists() : "Ctrl-C left the files of ${ctrlC.groupId}:\n${tail('ctrl-c')}"
// No registry entry and no lease left either: a prune of this fixture's database finds nothing.
def prune2 = nested('prune-2', ['pgroup:prune'])
assert prune2.waitFor(120, TimeUnit.SECONDS) : "pgroup:prune did not finish within 120 s:\n${tail('prune-2')}"
assert prune2.exitValue() == 0 : tail('prune-2')
assert new File(here, 'build-prune-2.log').text.contains('pgroup: nothing to prune') : tail('prune-2')
