package dev.pgroup.core.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Keeps this JVM from spawning a process while pgroup writes an executable file. A spawned child
 * holds a copy of every fd the JVM has open until its helper (jspawnhelper) closes them and execs,
 * and the JDK opens files without O_CLOEXEC. If that copy is a run script being written, runsv's
 * exec of the script fails with ETXTBSY ("unable to start ./run: text busy") and the start fails:
 * seen with 100 groups created and started from 16 threads. Spawns share the lock; writing an
 * executable takes it alone, for the few hundred microseconds a script takes.
 */
public final class Spawns {
    private static final ReentrantReadWriteLock LOCK = new ReentrantReadWriteLock(true);

    private Spawns() {}

    /** {@link ProcessBuilder#start()}, never while an executable is being written. */
    public static Process start(ProcessBuilder builder) throws IOException {
        LOCK.readLock().lock();
        try {
            // start() returns once the command has been exec'd, so the helper's fd copies are gone.
            return builder.start();
        } finally {
            LOCK.readLock().unlock();
        }
    }

    /** Writes {@code text} to {@code file} and makes it executable, while no process is spawned. */
    public static void writeExecutable(Path file, CharSequence text) throws IOException {
        LOCK.writeLock().lock();
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
            FilePermissions.makeExecutable(file);
        } finally {
            LOCK.writeLock().unlock();
        }
    }
}
