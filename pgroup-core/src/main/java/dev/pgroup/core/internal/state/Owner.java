package dev.pgroup.core.internal.state;

import dev.pgroup.core.internal.os.Processes;
import java.nio.file.Path;

/**
 * Who holds a group's row and leases: a live JVM (reclaimable once it is dead), or nobody for detached groups.
 *
 * <p>An owner is alive while its {@link OwnerLock} file is locked, which holds across PID
 * namespaces (a JVM in a container is pid 1 there, and pid 1 is someone else on the host). The
 * pid and start time stay for display and for rows of older versions, which have no lock.
 *
 * @param lock the owner's lock file, or null for a detached owner or a row of an older version
 */
public record Owner(long pid, long startMillis, Path lock) {
    public static final Owner DETACHED = new Owner(0, 0, null);

    /** An owner known only by pid and start time, as older versions recorded it. */
    public Owner(long pid, long startMillis) {
        this(pid, startMillis, null);
    }

    /**
     * This JVM by pid and start time only. Prefer {@link #currentProcess(Path)}: a pid says
     * nothing across PID namespaces.
     */
    public static Owner currentProcess() {
        ProcessHandle self = ProcessHandle.current();
        return new Owner(self.pid(), Processes.startMillis(self), null);
    }

    /** This JVM, alive for as long as it holds its lock file in {@code ownersDir}. */
    public static Owner currentProcess(Path ownersDir) {
        return new Owner(Self.PID, Self.START_MILLIS, OwnerLock.acquire(ownersDir));
    }

    /** This JVM's pid and start time never change: read once, not in every create (two /proc reads). */
    private static final class Self {
        static final long PID = ProcessHandle.current().pid();
        static final long START_MILLIS = Processes.startMillis(ProcessHandle.current());
    }

    public boolean isDetached() {
        return pid == 0 && lock == null;
    }

    /** The lock file's name as the database stores it (the dir is the database's), or null. */
    public String lockName() {
        return lock == null ? null : lock.getFileName().toString();
    }

    /** The owner a database row names: its lock file is looked up in {@code ownersDir}. */
    static Owner of(long pid, long startMillis, String lockName, Path ownersDir) {
        return new Owner(
                pid,
                startMillis,
                // Only a plain name: a row never points the liveness check outside the owners dir.
                lockName == null || lockName.isEmpty()
                        ? null
                        : ownersDir.resolve(Path.of(lockName).getFileName()));
    }

    /** True when the owner is gone (a detached owner is never gone). */
    public boolean isDead() {
        if (isDetached()) {
            return false;
        }
        if (lock != null) {
            return !OwnerLock.isHeld(lock);
        }
        return Processes.find(pid, startMillis).isEmpty();
    }
}
