package dev.pgroup.core.internal;

import java.io.IOException;
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
        try {
            Process kill = Spawns.start(new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD));
            return kill.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
