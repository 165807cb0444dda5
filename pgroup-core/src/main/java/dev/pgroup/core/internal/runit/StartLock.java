package dev.pgroup.core.internal.runit;

import dev.pgroup.core.internal.os.Deadline;
import dev.pgroup.core.model.PGroupException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One start of a group at a time, across threads and JVMs: an OS file lock on {@code
 * .pgroup/start.lock}, which the kernel releases however the holder dies. A JVM cannot hold two
 * locks on one file (the second attempt throws {@link OverlappingFileLockException}), so threads of
 * one JVM queue on a lock of their own first.
 *
 * <p>A caller that finds the lock held waits for it until its own start deadline; by then the
 * other start has finished, and this caller sees a running group ("already started") or, if that
 * start failed, starts the group itself.
 */
public final class StartLock implements AutoCloseable {
    private static final Map<Path, ReentrantLock> IN_THIS_JVM = new ConcurrentHashMap<>();
    private static final Duration POLL = Duration.ofMillis(10);

    private final Path file;
    private final ReentrantLock local;
    private final FileChannel channel;
    private final FileLock lock;

    private StartLock(Path file, ReentrantLock local, FileChannel channel, FileLock lock) {
        this.file = file;
        this.local = local;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the start lock of the group in {@code layout}, waiting until {@code deadline}.
     *
     * @throws PGroupException when another start holds it past the deadline, or it cannot be made
     */
    public static StartLock acquire(GroupLayout layout, String groupId, Deadline deadline) {
        Path file = layout.startLock();
        ReentrantLock local = IN_THIS_JVM.computeIfAbsent(file, f -> new ReentrantLock());
        try {
            if (!local.tryLock(deadline.remaining().toNanos(), TimeUnit.NANOSECONDS)) {
                throw busy(groupId, file, deadline);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PGroupException("interrupted while waiting for another start of group " + groupId, e);
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileChannel c = channel;
            FileLock[] held = new FileLock[1];
            IOException[] failure = new IOException[1];
            deadline.await(
                    () -> {
                        try {
                            held[0] = c.tryLock();
                        } catch (OverlappingFileLockException e) {
                            // A thread that queued on a lock close() had just forgotten; wait as for
                            // another JVM.
                        } catch (IOException e) {
                            failure[0] = e;
                        }
                        return held[0] != null || failure[0] != null;
                    },
                    POLL);
            if (failure[0] != null) {
                throw failure[0];
            }
            if (held[0] == null) {
                throw busy(groupId, file, deadline);
            }
            return new StartLock(file, local, channel, held[0]);
        } catch (IOException e) {
            closeQuietly(channel);
            local.unlock();
            throw new PGroupException("cannot lock " + file + " to start group " + groupId + ": " + e, e);
        } catch (RuntimeException | Error e) {
            closeQuietly(channel);
            local.unlock();
            throw e;
        }
    }

    /**
     * The lock of the group in {@code layout} if nobody holds it, in this JVM or another; empty at
     * once otherwise, and when it cannot be made. A stop holds it when it is free, so that a prune
     * beside it does not take a stop in progress for a group whose runsvdir died; and prune holds
     * it while it stops such a group, so that a start cannot begin in between.
     */
    public static Optional<StartLock> tryAcquire(GroupLayout layout) {
        Path file = layout.startLock();
        ReentrantLock local = IN_THIS_JVM.computeIfAbsent(file, f -> new ReentrantLock());
        if (!local.tryLock()) {
            return Optional.empty();
        }
        if (local.getHoldCount() > 1) {
            // This thread's own start (a failed start stops what it launched): its channel holds
            // the file lock, and closing a second channel of the file would drop it.
            release(file, local);
            return Optional.empty();
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock != null) {
                return Optional.of(new StartLock(file, local, channel, lock));
            }
        } catch (IOException | OverlappingFileLockException e) {
            // Cannot be made (no state dir, a full disk) or just being released: not ours now.
        }
        closeQuietly(channel);
        release(file, local);
        return Optional.empty();
    }

    /**
     * Whether a start of the group in {@code layout} is in progress, in this JVM or another. Prune
     * asks before it treats a group without a runsvdir as orphaned: a start writes its pid files
     * only after launching runsvdir.
     */
    public static boolean isHeld(GroupLayout layout) {
        Path file = layout.startLock();
        ReentrantLock local = IN_THIS_JVM.get(file);
        if (local != null && local.isLocked()) {
            return true;
        }
        if (!java.nio.file.Files.exists(file)) {
            return false;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                return true;
            }
            lock.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static PGroupException busy(String groupId, Path file, Deadline deadline) {
        return new PGroupException("group " + groupId + " is being started by another process, which still held " + file
                + " after " + deadline.total().toMillis() + " ms");
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // Closing releases the lock; nothing else to undo.
            }
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // Closing the channel below releases it too.
        } finally {
            closeQuietly(channel);
            release(file, local);
        }
    }

    private static void release(Path file, ReentrantLock local) {
        local.unlock();
        // One lock per group dir, not kept for ever: a JVM that runs thousands of groups would
        // otherwise hold one per group.
        if (!local.isLocked() && !local.hasQueuedThreads()) {
            IN_THIS_JVM.remove(file, local);
        }
    }
}
