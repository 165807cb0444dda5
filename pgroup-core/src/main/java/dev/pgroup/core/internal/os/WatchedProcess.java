package dev.pgroup.core.internal.os;

import java.util.Optional;

/**
 * A process, already verified, that a stop or a start looks at again and again until it is gone:
 * on Linux one read of {@code /proc/PID/stat} per look, which says at once whether the pid is still
 * that process (its start time) and whether it has exited (a zombie). {@link
 * Processes#isRunning(ProcessHandle)} needs two reads for the same answer ({@code isAlive}, then
 * the zombie check), and a stop's waits poll every 10 ms. Elsewhere (macOS) a look is {@link
 * Processes#isRunning(ProcessHandle)}. Signals go through {@link #handle()}, whose own start-time
 * check the JDK makes before each one.
 */
public final class WatchedProcess {
    private final ProcessHandle handle;
    /** The stat when watching began; null where {@link ProcStat} is not available, or it is gone. */
    private final ProcStat seen;

    private volatile boolean gone;

    private WatchedProcess(ProcessHandle handle, ProcStat seen, boolean gone) {
        this.handle = handle;
        this.seen = seen;
        this.gone = gone;
    }

    /**
     * Starts watching {@code handle}. The stat is read before the handle's own check, so a stat
     * that is of another process (the pid reused in between) is never kept: the handle's process
     * was gone by then, and its check fails.
     */
    public static WatchedProcess of(ProcessHandle handle) {
        if (!ProcStat.AVAILABLE) {
            return new WatchedProcess(handle, null, false);
        }
        Optional<ProcStat> s = ProcStat.read(handle.pid());
        boolean alive = s.isPresent() && !s.get().isZombie() && handle.isAlive();
        return new WatchedProcess(handle, alive ? s.get() : null, !alive);
    }

    /**
     * A process a caller verified with {@code stat} read after {@code handle} was found alive by
     * its own start-time check (so the stat is of the handle's process): no further read.
     */
    static WatchedProcess verified(ProcessHandle handle, ProcStat stat) {
        return new WatchedProcess(handle, stat, false);
    }

    /** Its parent when watching began (Linux: from the stat already read). */
    public Optional<ProcessHandle> parent() {
        return seen != null ? ProcessHandle.of(seen.parent()) : handle.parent();
    }

    public ProcessHandle handle() {
        return handle;
    }

    public long pid() {
        return handle.pid();
    }

    /** True while the process runs (a zombie does not). Once false, it stays false without a read. */
    public boolean isRunning() {
        if (gone) {
            return false;
        }
        boolean running = seen == null
                ? Processes.isRunning(handle)
                : ProcStat.read(seen.pid())
                        .map(now -> seen.sameProcess(now) && !now.isZombie())
                        .orElse(false);
        if (!running) {
            gone = true;
        }
        return running;
    }

    /** TERM, unless it was seen gone (the JDK checks the start time before it signals). */
    public void destroy() {
        if (!gone) {
            handle.destroy();
        }
    }

    /** KILL, unless it was seen gone (the JDK checks the start time before it signals). */
    public void destroyForcibly() {
        if (!gone) {
            handle.destroyForcibly();
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WatchedProcess w && w.handle.equals(handle);
    }

    @Override
    public int hashCode() {
        return handle.hashCode();
    }

    @Override
    public String toString() {
        return "WatchedProcess[" + handle.pid() + "]";
    }
}
