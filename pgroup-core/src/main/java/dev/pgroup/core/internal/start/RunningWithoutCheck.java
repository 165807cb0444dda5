package dev.pgroup.core.internal.start;

import dev.pgroup.core.internal.os.ProcessActivity;
import dev.pgroup.core.internal.os.Processes;
import java.time.Duration;
import java.time.Instant;

/**
 * When a process without a ready check counts as running, and so as ready. runsv's status says
 * "run" from the fork on, before the program has even been exec'd, so that alone would call a
 * program that exits at once on bad input ready. A fixed uptime (200 ms until now) added that
 * much to every start. The rule now, documented in group-toml.md:
 *
 * <ul>
 *   <li>it still runs (runsv's status file may lag behind an exit; the process table does not);
 *   <li>and either it waits for something in its own command (Linux, {@link ProcessActivity}),
 *       which a server or a {@code sleep} does within milliseconds and a program failing at once
 *       never does, or it has run {@link #MIN_UPTIME} (a process that never blocks, and every
 *       process where {@code /proc} is missing, as on macOS).
 * </ul>
 */
final class RunningWithoutCheck {
    /**
     * Measured on a loaded 2-core machine: native programs that exit at once on bad input ({@code
     * false}, {@code sleep x}, {@code redis-server} with a bad config, {@code lighttpd -f missing},
     * {@code cat missing}) were gone 1-11 ms after the fork (p95 of 40 runs each), 18 ms at most.
     * 50 ms leaves a margin of almost three. An interpreter that fails late (python: 150-320 ms)
     * needs a ready check, as it did with the 200 ms this replaced.
     */
    static final Duration MIN_UPTIME = Duration.ofMillis(50);

    private RunningWithoutCheck() {}

    /**
     * @param pid the pid runsv reports running
     * @param since when runsv started it (its status file's time)
     * @param now the time of this look
     */
    static boolean confirmed(long pid, Instant since, Instant now) {
        if (Processes.find(pid, 0).isEmpty()) {
            return false;
        }
        if (ProcessActivity.waitsInItsCommand(pid).orElse(false)) {
            return true;
        }
        return Duration.between(since, now).compareTo(MIN_UPTIME) >= 0;
    }
}
