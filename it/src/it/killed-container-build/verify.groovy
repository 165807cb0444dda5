// A SIGKILL of the Maven JVM mid-IT leaves no container running after 3 s: the same promise as for
// binaries (interrupted-build), for a group of containers. This script runs this project's `verify`
// as a nested build, waits until its IT blocks with the group running, SIGKILLs Maven's JVM (no hook
// runs: the owner watchdog removes the containers by label) and the failsafe fork, and then checks
// that within 3 s no container of the group runs; pgroup:prune then removes what stays.
import java.util.concurrent.TimeUnit

def here = basedir.canonicalFile
def target = new File(here, 'target')
def settings = new File(target, 'nested-settings.xml')
settings.text = new File(invokerSettings).text
        .replace('@localRepositoryUrl@', 'file://' + new File(userLocalRepository).absolutePath)
def mvn = new File(System.getProperty('maven.home'), 'bin/mvn').path
def database = new File(target, 'pgroup-state/pgroup.db').path

def nested = { String name, List<String> goals ->
    def command = [mvn, '-B', '-o', '-s', settings.path, "-Dmaven.repo.local=${localRepositoryPath}".toString(),
                   '-Daether.offline.protocols=file'] + goals
    def pb = new ProcessBuilder(command)
            .directory(here)
            .redirectErrorStream(true)
            .redirectOutput(new File(here, "build-${name}.log"))
            .redirectInput(ProcessBuilder.Redirect.from(new File('/dev/null')))
    pb.environment().put('PGROUP_DATABASE', database)
    pb.environment().put('PGROUP_PORT_RANGE', '30500-30999') // its own database: a range of its own (it/pom.xml)
    pb.start()
}
def tail = { String name -> new File(here, "build-${name}.log").readLines().takeRight(40).join('\n') }
// Both streams read to the end (Groovy's p.text closes stderr, which the failure message needs).
// A listing that races a removal (the owner watchdog's, right after the kill) may fail with "No such
// container" for the one removed meanwhile: the engine's word for "gone", so it is asked again.
def docker = { List<String> args ->
    for (int attempt = 1; ; attempt++) {
        def p = (['docker'] + args).execute()
        def out = new StringBuilder(), err = new StringBuilder()
        p.waitForProcessOutput(out, err)
        if (p.exitValue() == 0) {
            return out.toString().readLines().findAll { it.trim() }
        }
        boolean gone = err.toString().contains('No such container')
        if (gone && args[0] == 'rm') {
            return [] // removed meanwhile: what rm was for
        }
        assert gone && attempt < 5 : "docker ${args} (exit ${p.exitValue()}): ${err}"
    }
}

def marker = new File(target, 'it-running')
marker.delete()
def build = nested('sigkill', ['verify'])
def maven = build.toHandle() // bin/mvn execs java: this is Maven's JVM
def groupId = null
try {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120)
    while (!marker.isFile()) {
        assert build.isAlive() : "the build ended before its IT blocked:\n${tail('sigkill')}"
        assert System.nanoTime() < deadline : "the build's IT did not start within 120 s:\n${tail('sigkill')}"
        build.waitFor(100, TimeUnit.MILLISECONDS)
    }
    def (forkPid, id) = marker.text.trim().split(' ')
    groupId = id
    def running = docker(['ps', '-q', '--filter', "label=dev.pgroup.group=${groupId}"])
    assert running.size() == 2 : "both containers of ${groupId} run: ${running}"

    def fork = maven.descendants().filter { it.pid() == (forkPid as long) }.findFirst()
    def signalled = System.nanoTime()
    maven.destroyForcibly()
    fork.ifPresent { it.destroyForcibly() }
    long limit = signalled + TimeUnit.SECONDS.toNanos(3)
    while (!running.isEmpty() && System.nanoTime() < limit) {
        running = docker(['ps', '-q', '--filter', "label=dev.pgroup.group=${groupId}"])
    }
    assert running.isEmpty() : "containers of ${groupId} still running 3 s after the SIGKILL: ${running}"
    println "killed-container-build: no container of ${groupId} runs " +
            "${(System.nanoTime() - signalled).intdiv(1_000_000)} ms after the SIGKILL"
} finally {
    ([maven] + (maven.isAlive() ? maven.descendants().toList() : [])).findAll { it.isAlive() }.each { it.destroyForcibly() }
    if (groupId != null) {
        // Whatever failed above, no container of this build survives it.
        def ids = docker(['ps', '-aq', '--filter', "label=dev.pgroup.group=${groupId}"])
        if (!ids.isEmpty()) docker(['rm', '-f'] + ids)
    }
}

// pgroup:prune removes what stays: files, registry entry, ports; no container is left to remove.
def prune = nested('prune', ['pgroup:prune'])
assert prune.waitFor(120, TimeUnit.SECONDS) : "pgroup:prune did not finish within 120 s:\n${tail('prune')}"
assert prune.exitValue() == 0 : tail('prune')
assert new File(here, 'build-prune.log').text.contains("pgroup: removed group ${groupId}") : tail('prune')
assert docker(['ps', '-aq', '--filter', "label=dev.pgroup.group=${groupId}"]).isEmpty()
def groups = new File(target, 'pgroup').listFiles()?.findAll { !it.name.startsWith('.') } ?: []
assert groups.isEmpty() : "left: $groups"
evaluate(new File(nothingLeftRunning))
