package dev.pgroup.core.internal.os;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What a process is doing right now, from Linux's {@code /proc}: whether it has reached a point
 * where it waits for something (a connection, a timer, input), as a server or a {@code sleep} does
 * within milliseconds of its exec, and a program that exits at once on bad input never does. Three
 * small file reads, no walk of the process table; and how much CPU time it has used. Elsewhere
 * (macOS) nothing is known: callers fall back to an uptime.
 */
public final class ProcessActivity {
    private static final boolean PROC = Files.isDirectory(Path.of("/proc/self"));

    private ProcessActivity() {}

    /**
     * Whether the process has exec'd its own command (it is no longer runit's {@code ./run} script)
     * and sleeps waiting for an event other than a child's exit. A shell waiting for a command it
     * ran ({@code sh -c "setup; exec server"}) is not waiting in this sense: what it runs may still
     * fail at once. Empty without {@code /proc}.
     */
    public static Optional<Boolean> waitsInItsCommand(long pid) {
        if (!PROC) {
            return Optional.empty();
        }
        Path dir = Path.of("/proc", Long.toString(pid));
        try {
            if (isRunScript(ProcStat.readSmallBytes(dir.resolve("cmdline")))) {
                return Optional.of(false);
            }
            String stat = ProcStat.readSmall(dir.resolve("stat"));
            int close = stat.lastIndexOf(')');
            // S: interruptible sleep, the state of a process blocked in accept, poll, nanosleep, read.
            if (close < 0 || close + 2 >= stat.length() || stat.charAt(close + 2) != 'S') {
                return Optional.of(false);
            }
            // wait4(2) sleeps in do_wait; an unreadable wchan (restricted kernels) says nothing.
            String wchan = readOrEmpty(dir.resolve("wchan"));
            return Optional.of(!wchan.equals("do_wait"));
        } catch (IOException e) {
            return Optional.of(false); // gone
        }
    }

    /**
     * CPU time the process has used (its main thread, the run script before the exec included),
     * in nanoseconds: {@code /proc/PID/schedstat}, else the clock ticks of {@code /proc/PID/stat}.
     * Empty without {@code /proc}, or when the process is gone.
     */
    public static OptionalLong cpuNanos(long pid) {
        if (!PROC) {
            return OptionalLong.empty();
        }
        Path dir = Path.of("/proc", Long.toString(pid));
        try {
            String schedstat = ProcStat.readSmall(dir.resolve("schedstat"));
            return OptionalLong.of(Long.parseLong(schedstat.strip().split("\\s+")[0]));
        } catch (IOException | RuntimeException e) {
            // A kernel without schedstat: fall back to utime + stime.
        }
        try {
            String stat = Files.readString(dir.resolve("stat"), StandardCharsets.US_ASCII);
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // Fields 14 and 15 of stat(5), counted from the state (field 3) at index 0; USER_HZ is 100.
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            return OptionalLong.of(ticks * 10_000_000L);
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /** runsv execs {@code ./run}; its {@code #!/bin/sh} line makes the argv {@code /bin/sh ./run}. */
    private static boolean isRunScript(byte[] cmdline) {
        String args = new String(cmdline, StandardCharsets.UTF_8);
        return args.endsWith("\0./run\0") || args.equals("./run\0");
    }

    private static String readOrEmpty(Path file) {
        try {
            return ProcStat.readSmall(file).strip();
        } catch (IOException e) {
            return "";
        }
    }
}
