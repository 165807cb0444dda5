package dev.pgroup.core.internal.start;

import dev.pgroup.core.internal.os.ProcessActivity;
import dev.pgroup.core.internal.os.Processes;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;

/**
 * When a process without a ready check counts as running, and so as ready. runsv's status says
 * "run" from the fork on, before the program has even been exec'd, so that alone would call a
 * program that exits at once on bad input ready. A fixed uptime (200 ms until now) added that
 * much to every start, and on a loaded machine a program may not even have been scheduled within
 * it. The rule now judges progress, not wall time, so load does not change the verdict
 * (documented in group-toml.md):
 *
 * <ul>
 *   <li>it still runs (runsv's status file may lag behind an exit; the process table does not);
 *   <li>and, on Linux, either it waits for something in its own command ({@link
 *       ProcessActivity#waitsInItsCommand}), which a server or a {@code sleep} does within
 *       milliseconds and a program failing at once never does, or it has used {@link #MIN_CPU} of
 *       CPU time (a process that never blocks);
 *   <li>where {@code /proc} is missing (macOS), it has run {@link #PORTABLE_MIN_UPTIME}.
 * </ul>
 */
final class RunningWithoutCheck {
    /**
     * Measured on this 2-core machine, 20 runs each, CPU time from fork to exit including the
     * {@code sh} that runit's run script is: {@code false}, {@code sleep x}, {@code cat missing},
     * {@code lighttpd -f missing}, {@code perl -e die} 1.4-2.8 ms; {@code redis-server} with a bad
     * config 6.9-8.1 ms; a python that exits at once 37-42 ms. 50 ms is beyond all of them.
     */
    static final Duration MIN_CPU = Duration.ofMillis(50);

    /** Where nothing but the uptime is known: what pgroup has always used there. */
    static final Duration PORTABLE_MIN_UPTIME = Duration.ofMillis(200);

    private RunningWithoutCheck() {}

    /**
     * @param pid the pid runsv reports running
     * @param since when runsv started it (its status file's time)
     * @param now the time of this look
     */
    static boolean confirmed(long pid, Instant since, Instant now) {
        if (!Processes.isRunning(pid)) {
            return false;
        }
        java.util.Optional<Boolean> waits = ProcessActivity.waitsInItsCommand(pid);
        if (waits.isEmpty()) {
            return Duration.between(since, now).compareTo(PORTABLE_MIN_UPTIME) >= 0;
        }
        if (waits.get()) {
            return true;
        }
        OptionalLong cpu = ProcessActivity.cpuNanos(pid);
        return cpu.isPresent() && cpu.getAsLong() >= MIN_CPU.toNanos();
    }
}
