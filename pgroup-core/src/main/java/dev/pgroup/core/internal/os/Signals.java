package dev.pgroup.core.internal.os;

import java.util.ArrayList;
import java.util.List;

/**
 * Sends signals the JDK cannot: {@link ProcessHandle} only knows TERM and KILL, and runsvdir must
 * get HUP (on TERM it exits without stopping its services).
 */
public final class Signals {
    private Signals() {}

    /** Runs {@code kill -s SIGNAL pid...}; true when kill succeeded for every pid. */
    public static boolean send(String signal, List<Long> pids) {
        if (pids.isEmpty()) {
            return true;
        }
        List<String> command = new ArrayList<>(List.of("kill", "-s", signal));
        pids.forEach(pid -> command.add(Long.toString(pid)));
        return Spawning.runQuietly(command);
    }

    /**
     * Sends {@code signal} to every process of each process group led by one of {@code leaders}
     * ({@code kill -s SIGNAL -- -pgid...}). runsvdir -P makes each runsv lead a process group that
     * its service, svlogd and their children share unless they left it, so this reaches a
     * service's orphans without reading the process table. True when kill succeeded for every one.
     */
    public static boolean sendToGroups(String signal, List<Long> leaders) {
        if (leaders.isEmpty()) {
            return true;
        }
        List<String> command = new ArrayList<>(List.of("kill", "-s", signal, "--"));
        leaders.forEach(pid -> command.add("-" + pid));
        return Spawning.runQuietly(command);
    }
}
