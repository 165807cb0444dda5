package dev.pgroup.core.internal.seed;

import dev.pgroup.core.internal.os.Deadline;
import dev.pgroup.core.model.PGroupException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A seed's lock, held while the seed runs or is pruned: in this JVM through a {@link
 * ReentrantLock} (a file lock is per process, so two threads would both get it), and across JVMs
 * through a file lock on {@code <seeds dir>/<key>.lock}.
 */
final class SeedLock implements AutoCloseable {
    private static final Map<String, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

    private final FileChannel channel;
    private final ReentrantLock jvm;

    private SeedLock(FileChannel channel, ReentrantLock jvm) {
        this.channel = channel;
        this.jvm = jvm;
    }

    /**
     * Takes the lock of seed {@code key}, waiting at most {@code wait} for another thread or JVM.
     *
     * @param what how messages name the seed
     * @throws PGroupException when the lock stays held, naming {@code what}
     */
    static SeedLock acquire(Path seedsDir, String key, Duration wait, String what) {
        ReentrantLock jvm = JVM_LOCKS.computeIfAbsent(seedsDir.resolve(key).toString(), k -> new ReentrantLock());
        Deadline deadline = Deadline.in(wait);
        try {
            if (!jvm.tryLock(deadline.remaining().toNanos(), TimeUnit.NANOSECONDS)) {
                throw timeout(what, wait);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PGroupException("interrupted while waiting for " + what, e);
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(
                    seedsDir.resolve(key + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileChannel c = channel;
            FileLock[] lock = {null};
            deadline.await(
                    () -> {
                        try {
                            lock[0] = c.tryLock();
                            return lock[0] != null;
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    },
                    Duration.ofMillis(50));
            if (lock[0] == null) {
                throw timeout(what, wait);
            }
            return new SeedLock(c, jvm);
        } catch (IOException | RuntimeException e) {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // Already failing.
                }
            }
            jvm.unlock();
            if (e instanceof PGroupException p) {
                throw p;
            }
            throw new PGroupException("cannot lock " + what + " in " + seedsDir + ": " + e, e);
        }
    }

    @Override
    public void close() {
        try {
            channel.close(); // releases the file lock
        } catch (IOException e) {
            // Closing a lock file cannot lose data.
        } finally {
            jvm.unlock();
        }
    }

    private static PGroupException timeout(String what, Duration wait) {
        return new PGroupException(
                "gave up after " + wait.toSeconds() + " s waiting for another JVM that holds the" + " lock of " + what);
    }
}
