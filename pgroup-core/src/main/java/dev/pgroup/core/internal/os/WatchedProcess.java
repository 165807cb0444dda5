package dev.pgroup.core.internal.os;

import java.util.Optional;

/**
 * A process, already verified, that a stop or a start looks at again and again until it is gone:
 * on Linux one read of {@code /proc/PID/stat} per look, which says at once whether the pid is still
 * that process (its start time) and whether it has exited (a zombie). {@link
 * Processes#isRunning(ProcessHandle)} needs two reads for the same answer ({@code isAlive}, then
 * the zombie check), and a stop's waits poll every 10 ms. Elsewhere (macOS) a look is {@link
 * Processes#isRunning(ProcessHandle)}. Signals go through the process's {@link ProcessHandle}, whose
 * own start-time check the JDK makes before each one.
 */
public final class WatchedProcess {
    private final long pid;
    /**
     * The JDK's handle, for signals. Made only when one is sent for a process verified by its stat
     * alone ({@link #verifiedByStat}): a stop signals few of the processes it watches, and making a
     * handle costs a stat read of its own.
     */
    private volatile ProcessHandle handle;
    /** The stat when watching began; null where {@link ProcStat} is not available, or it is gone. */
    private final ProcStat seen;

    private volatile boolean gone;

    private WatchedProcess(ProcessHandle handle, ProcStat seen, boolean gone) {
        this.pid = handle.pid();
        this.handle = handle;
        this.seen = seen;
        this.gone = gone;
    }

    private WatchedProcess(ProcStat seen) {
        this.pid = seen.pid();
        this.seen = seen;
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

    /**
     * A process a caller verified with {@code stat}, one read of {@code /proc/PID/stat} (its start
     * time and parent) and checks by pid: no {@link ProcessHandle} until a signal needs one, and then
     * only one whose process is still the one {@code stat} shows ({@link #destroy}).
     */
    public static WatchedProcess verifiedByStat(ProcStat stat) {
        return new WatchedProcess(stat);
    }

    /** Its parent when watching began (Linux: from the stat already read). */
    public Optional<ProcessHandle> parent() {
        return seen != null ? ProcessHandle.of(seen.parent()) : handle.parent();
    }

    /** Its parent's pid when watching began, if known without a read (Linux). */
    public java.util.OptionalLong parentPid() {
        return seen != null ? java.util.OptionalLong.of(seen.parent()) : java.util.OptionalLong.empty();
    }

    public long pid() {
        return pid;
    }

    /**
     * The handle to signal it through, if it is still the process watched: made here for one
     * verified by its stat, first the handle, then a stat read that must show the same process (the
     * pid reused in between makes the handle another's, whose start the read then does not match).
     */
    private Optional<ProcessHandle> signalable() {
        ProcessHandle h = handle;
        if (h != null) {
            return Optional.of(h);
        }
        Optional<ProcessHandle> made = ProcessHandle.of(pid);
        boolean same = made.isPresent()
                && ProcStat.read(pid)
                        .map(now -> seen.sameProcess(now) && !now.isZombie())
                        .orElse(false);
        if (!same) {
            gone = true;
            return Optional.empty();
        }
        handle = made.get();
        return made;
    }

    /** True while the process runs (a zombie does not). Once false, it stays false without a read. */
    public boolean isRunning() {
        if (gone) {
            return false;
        }
        boolean running = seen == null
                ? Processes.isRunning(handle) // seen is null only for one made from a handle
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
            signalable().ifPresent(ProcessHandle::destroy);
        }
    }

    /** KILL, unless it was seen gone (the JDK checks the start time before it signals). */
    public void destroyForcibly() {
        if (!gone) {
            signalable().ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    /** The same process: the same pid and, where known, the same start. */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof WatchedProcess w) || w.pid != pid) {
            return false;
        }
        if (seen != null && w.seen != null) {
            return seen.sameProcess(w.seen);
        }
        return handle != null && handle.equals(w.handle);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(pid);
    }

    @Override
    public String toString() {
        return "WatchedProcess[" + pid + "]";
    }
}
