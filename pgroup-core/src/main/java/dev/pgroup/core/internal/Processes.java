package dev.pgroup.core.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Process liveness that does not count zombies as alive. */
public final class Processes {
    private static final boolean PROC = Files.isDirectory(Path.of("/proc/self"));

    private Processes() {}

    /**
     * True while {@code h} runs. A process whose parent died is reparented to PID 1, which in a
     * container may never reap it; {@link ProcessHandle#isAlive()} counts such a zombie as alive, so
     * on Linux the state in {@code /proc/PID/stat} is read as well.
     */
    public static boolean isRunning(ProcessHandle h) {
        if (!h.isAlive()) {
            return false;
        }
        return !PROC || !isZombie(h.pid());
    }

    static boolean isZombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            int close = stat.lastIndexOf(')');
            return close > 0 && close + 2 < stat.length() && stat.charAt(close + 2) == 'Z';
        } catch (IOException e) {
            return true; // gone between isAlive and the read
        }
    }

    /** The process with this pid if it runs and started at {@code startMillis} (0: any start). */
    public static Optional<ProcessHandle> find(long pid, long startMillis) {
        if (pid <= 0) {
            return Optional.empty();
        }
        return ProcessHandle.of(pid)
                .filter(Processes::isRunning)
                .filter(h -> startMillis == 0
                        || h.info()
                                .startInstant()
                                .map(i -> Math.abs(i.toEpochMilli() - startMillis) < 2000)
                                .orElse(true));
    }

    public static long startMillis(ProcessHandle h) {
        return h.info().startInstant().map(i -> i.toEpochMilli()).orElse(0L);
    }
}
