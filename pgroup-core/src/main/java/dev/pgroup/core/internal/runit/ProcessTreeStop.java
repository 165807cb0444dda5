package dev.pgroup.core.internal.runit;

import dev.pgroup.core.internal.os.Deadline;
import dev.pgroup.core.internal.os.ProcessTree;
import dev.pgroup.core.internal.os.Processes;
import dev.pgroup.core.internal.os.Signals;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Stops a group through its runsvdir alone, for when the group's files cannot guide the stop (its
 * dir was deleted during a run, by {@code rm -rf} or {@code mvn clean}): no pid files, no runtime
 * settings. The caller passes a runsvdir it has verified ({@link Processes#findInGroup}); its pid
 * is kept in the registry for this.
 */
public final class ProcessTreeStop {
    private static final Duration POLL = Duration.ofMillis(20);

    private ProcessTreeStop() {}

    /**
     * HUP makes runsvdir TERM each runsv, which stops its service and log; each runsv is killed once
     * its service is gone, so that a young group does not wait out runsv's 1 s back-off; whatever
     * is left after
     * {@code timeout} is sent TERM, then KILL. Processes are tracked from a snapshot taken before
     * the signal, since runsv's children are re-parented once runsv exits, plus any child a tracked
     * process starts meanwhile.
     *
     * @return whether every process of the group is gone
     */
    public static boolean stop(Path groupDir, ProcessHandle runsvdir, Duration timeout) {
        Set<ProcessHandle> processes = new LinkedHashSet<>();
        processes.add(runsvdir);
        processes.addAll(ProcessTree.descendants(runsvdir));
        if (!OwnerWatchdog.hup(groupDir) && !Signals.send("HUP", List.of(runsvdir.pid()))) {
            runsvdir.destroy();
        }
        Deadline deadline = Deadline.in(timeout);
        // runsv sleeps 1 s after a young service exits, even when told to exit (DESIGN.md): once
        // every service is gone it has nothing left to do, and killing it lets svlogd see EOF.
        List<ProcessHandle> supervisors = ProcessTree.childrenOfAny(List.of(runsvdir.pid())).stream()
                .filter(h -> hasCommand(h, "runsv"))
                .toList();
        List<ProcessHandle> services =
                ProcessTree.childrenOfAny(
                                supervisors.stream().map(ProcessHandle::pid).toList())
                        .stream()
                        .filter(h -> !hasCommand(h, "svlogd"))
                        .toList();
        if (deadline.await(() -> services.stream().noneMatch(Processes::isRunning), POLL)) {
            supervisors.stream().filter(Processes::isRunning).forEach(ProcessHandle::destroyForcibly);
        }
        boolean gone = deadline.await(() -> allGone(processes), POLL);
        if (!gone) {
            processes.stream().filter(Processes::isRunning).forEach(ProcessHandle::destroy);
            gone = Deadline.in(Duration.ofSeconds(1)).await(() -> allGone(processes), POLL);
        }
        if (!gone) {
            processes.stream().filter(Processes::isRunning).forEach(ProcessHandle::destroyForcibly);
            gone = Deadline.in(Duration.ofSeconds(5)).await(() -> allGone(processes), POLL);
        }
        OwnerWatchdog.release(groupDir);
        return gone;
    }

    private static boolean hasCommand(ProcessHandle h, String name) {
        // Processes.command: one readlink on Linux, where info() also parses /etc/passwd.
        return Processes.command(h)
                .map(c -> c.equals(name) || c.endsWith("/" + name))
                .orElse(false);
    }

    /**
     * Whether every tracked process is gone; children they started meanwhile are tracked too: on
     * Linux from each live process's children files, elsewhere in one pass over the process table
     * for all of them (one pass per live process would grow with the square of the group's size).
     */
    private static boolean allGone(Set<ProcessHandle> processes) {
        Set<Long> live = new HashSet<>();
        processes.stream().filter(Processes::isRunning).forEach(p -> live.add(p.pid()));
        if (live.isEmpty()) {
            return true;
        }
        processes.addAll(ProcessTree.childrenOfAny(live));
        return false;
    }
}
