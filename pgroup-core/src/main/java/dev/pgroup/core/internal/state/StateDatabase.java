package dev.pgroup.core.internal.state;

import dev.pgroup.core.model.PGroupException;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The per-user SQLite database that holds port leases and the group registry, shared by every JVM
 * of the user and safe to use from many threads.
 *
 * <p>Concurrency, so that hundreds of creates at once neither queue needlessly nor fail:
 *
 * <ul>
 *   <li>WAL: readers never wait for the writer, nor it for them. Writes, and reads while no write
 *       is in progress, use one connection, whose page cache stays warm; a read while another
 *       thread writes takes a reader connection of a small {@link ReaderPool} instead of
 *       waiting. A pool for everything was measured slower: 16 threads creating groups cost about
 *       twice the CPU per create, each connection re-reading pages the others had written.
 *   <li>Writes run under {@code BEGIN IMMEDIATE}: deferred transactions upgrade their lock late and
 *       fail with SQLITE_BUSY storms. Writers of this JVM take their turn on a Java lock held for
 *       the transaction only (about a millisecond), so the next one is woken at once instead of by
 *       SQLite's busy handler, which sleeps up to 100 ms between looks. Writers of other JVMs are
 *       waited for by {@code busy_timeout}, and a SQLITE_BUSY that SQLite returns without waiting
 *       (WAL recovery, a lost race) is retried until the lock timeout.
 * </ul>
 *
 * <p>The first connection opens on first use, so that commands which never touch the database
 * (status) do not pay for loading SQLite.
 */
public final class StateDatabase implements AutoCloseable {
    /** How long a writer waits for another JVM's transaction before giving up, by default. */
    public static final java.time.Duration DEFAULT_LOCK_TIMEOUT = java.time.Duration.ofSeconds(15);

    /** Reader connections per database and engine, beside the writer's. */
    static final int MAX_READERS = 3;

    /** Writers of this JVM, per database file, across engines. */
    private static final Map<Path, ReentrantLock> WRITERS = new ConcurrentHashMap<>();

    private final Path file;
    private final long busyTimeoutMillis;
    private final SqliteFailures failures;
    private final ReaderPool readers = new ReaderPool(MAX_READERS, this::open);
    /** The connection of writes, and of reads while no write is in progress. */
    private volatile Connection main;

    private final ReentrantLock writer;
    /** The connection of the write transaction this thread is in, if any. */
    private final ThreadLocal<Connection> transaction = new ThreadLocal<>();

    private final Object schemaLock = new Object();
    private volatile boolean prepared;
    private volatile boolean closed;

    public StateDatabase(Path file, java.time.Duration lockTimeout) {
        this.file = file.toAbsolutePath();
        this.busyTimeoutMillis = lockTimeout.toMillis();
        this.failures = new SqliteFailures(this.file, busyTimeoutMillis);
        this.writer = WRITERS.computeIfAbsent(this.file, f -> new ReentrantLock());
    }

    public Path file() {
        return file;
    }

    /** Work inside a transaction. */
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /**
     * Runs {@code work} in a {@code BEGIN IMMEDIATE} transaction, rolled back if it throws. A write
     * (or read) inside another write's work joins that transaction, so that several steps wait for
     * the lock once and commit or roll back together.
     */
    public <T> T write(String what, Work<T> work) {
        Connection joined = transaction.get();
        if (joined != null) {
            try {
                return work.run(joined);
            } catch (SQLException e) {
                throw failures.failure(what, e, 0);
            }
        }
        long turnBegin = System.nanoTime();
        // The turn first, then a connection: waiting writers must not hold the readers' connections.
        try {
            if (!writer.tryLock(busyTimeoutMillis, TimeUnit.MILLISECONDS)) {
                throw new PGroupException("cannot " + what + " in the pgroup database " + file
                        + ": database is locked by other threads of this JVM"
                        + failures.busyHint(System.nanoTime() - turnBegin));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PGroupException("cannot " + what + " in the pgroup database " + file + ": interrupted", e);
        }
        long turnNanos = System.nanoTime() - turnBegin;
        Connection c = null;
        boolean retried = false;
        try {
            c = main();
            // Counted from after the open, which loads SQLite on first use, but with the turn's wait.
            long begin = System.nanoTime() - turnNanos;
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(busyTimeoutMillis);
            for (long pause = 1; ; pause = Math.min(pause * 2, 20)) {
                try {
                    return transaction(c, work);
                } catch (SQLException e) {
                    // busy_timeout has waited already, unless SQLite gave up early (WAL recovery, a
                    // lost race): retry that, waiting no longer than what is left of the lock timeout.
                    long left = TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime());
                    if (!SqliteFailures.isBusy(e) || left <= pause) {
                        throw failures.failure(what, e, System.nanoTime() - begin);
                    }
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(pause));
                    busyTimeout(c, left - pause);
                    retried = true;
                }
            }
        } finally {
            if (c != null && retried) {
                restoreBusyTimeout(c);
            }
            writer.unlock();
        }
    }

    private void busyTimeout(Connection c, long millis) {
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout = " + Math.max(1, millis));
        } catch (SQLException ignored) {
            // The next attempt reports what is wrong with the connection.
        }
    }

    private void restoreBusyTimeout(Connection c) {
        try {
            if (!c.isClosed()) {
                busyTimeout(c, busyTimeoutMillis);
            }
        } catch (SQLException ignored) {
            // As above.
        }
    }

    private <T> T transaction(Connection c, Work<T> work) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("BEGIN IMMEDIATE");
            boolean done = false;
            transaction.set(c);
            try {
                T result = work.run(c);
                s.execute("COMMIT");
                done = true;
                return result;
            } finally {
                transaction.remove();
                if (!done) {
                    try {
                        s.execute("ROLLBACK");
                    } catch (SQLException ignored) {
                        // The transaction may never have started; the original failure matters.
                    }
                }
            }
        }
    }

    /** Runs a read outside an explicit transaction, or inside the write this thread is in. */
    public <T> T read(String what, Work<T> work) {
        Connection joined = transaction.get();
        if (joined != null) {
            return run(what, work, joined);
        }
        if (writer.tryLock()) {
            try {
                return run(what, work, main());
            } finally {
                writer.unlock();
            }
        }
        checkOpen();
        Connection c = readers.acquire(); // another thread writes: read beside it
        try {
            return run(what, work, c);
        } finally {
            readers.release(c);
        }
    }

    private <T> T run(String what, Work<T> work, Connection c) {
        long begin = System.nanoTime();
        try {
            return work.run(c);
        } catch (SQLException e) {
            throw failures.failure(what, e, System.nanoTime() - begin);
        }
    }

    /** The main connection, opened on first use. */
    private Connection main() {
        checkOpen();
        Connection c = main;
        if (c == null) {
            synchronized (schemaLock) {
                if (main == null) {
                    main = open();
                }
                c = main;
            }
        }
        return c;
    }

    /**
     * Opens the first connection now, e.g. on another thread while the caller parses a definition:
     * the first open of a JVM loads SQLite's native code. Failures surface on the next real use.
     */
    /** Whether {@link #warmUp} has anything left to do: no connection is open yet. */
    public boolean isCold() {
        return main == null && !closed;
    }

    public void warmUp() {
        try {
            main();
        } catch (RuntimeException ignored) {
            // Reported, with context, by the operation that needs the database.
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the pgroup database " + file + " is closed");
        }
    }

    /**
     * A new connection; the first one also creates or migrates the schema. busy_timeout and
     * synchronous are per connection; WAL is stored in the file, and set again in case another
     * tool turned it off.
     */
    private Connection open() {
        synchronized (schemaLock) {
            if (!prepared) {
                DatabaseFiles.prepare(file);
            }
            try {
                Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
                try (Statement s = c.createStatement()) {
                    s.execute("PRAGMA busy_timeout = " + busyTimeoutMillis);
                    s.execute("PRAGMA journal_mode = WAL");
                    s.execute("PRAGMA synchronous = NORMAL");
                    if (!prepared) {
                        DatabaseSchema.createOrMigrate(s);
                    }
                } catch (SQLException e) {
                    c.close();
                    throw e;
                }
                if (!prepared) {
                    DatabaseFiles.makePrivate(file);
                    prepared = true;
                }
                return c;
            } catch (SQLException | IOException e) {
                throw new PGroupException(
                        "cannot open the pgroup database " + file + ": " + e.getMessage() + failures.openHint(e), e);
            }
        }
    }

    /** Closes idle connections now, and those in use when they are given back. */
    @Override
    public void close() {
        closed = true;
        readers.close();
        writer.lock(); // a write in progress finishes first
        try {
            synchronized (schemaLock) {
                if (main != null) {
                    ReaderPool.closeQuietly(main);
                    main = null;
                }
            }
        } finally {
            writer.unlock();
        }
    }
}
