package dev.pgroup.core.internal.state;

import dev.pgroup.core.internal.os.FilePermissions;
import dev.pgroup.core.internal.os.TrustedDirectory;
import dev.pgroup.core.model.PGroupException;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
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
 *       thread writes takes a reader connection of a small pool ({@link #MAX_READERS}) instead of
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
    private final Semaphore permits = new Semaphore(MAX_READERS);
    /** The connection of writes, and of reads while no write is in progress. */
    private volatile Connection main;

    private final Deque<Connection> idle = new ConcurrentLinkedDeque<>();
    private final ReentrantLock writer;
    /** The connection of the write transaction this thread is in, if any. */
    private final ThreadLocal<Connection> transaction = new ThreadLocal<>();

    private final Object schemaLock = new Object();
    private volatile boolean prepared;
    private volatile boolean closed;

    public StateDatabase(Path file, java.time.Duration lockTimeout) {
        this.file = file.toAbsolutePath();
        this.busyTimeoutMillis = lockTimeout.toMillis();
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
                throw failure(what, e, 0);
            }
        }
        long turnBegin = System.nanoTime();
        // The turn first, then a connection: waiting writers must not hold the readers' connections.
        try {
            if (!writer.tryLock(busyTimeoutMillis, TimeUnit.MILLISECONDS)) {
                throw new PGroupException("cannot " + what + " in the pgroup database " + file
                        + ": database is locked by other threads of this JVM"
                        + busyHint(System.nanoTime() - turnBegin));
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
                    if (!isBusy(e) || left <= pause) {
                        throw failure(what, e, System.nanoTime() - begin);
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
        Connection c = acquire(); // another thread writes: read beside it
        try {
            return run(what, work, c);
        } finally {
            release(c);
        }
    }

    private <T> T run(String what, Work<T> work, Connection c) {
        long begin = System.nanoTime();
        try {
            return work.run(c);
        } catch (SQLException e) {
            throw failure(what, e, System.nanoTime() - begin);
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
    public void warmUp() {
        try {
            main();
        } catch (RuntimeException ignored) {
            // Reported, with context, by the operation that needs the database.
        }
    }

    /** A reader connection of the pool, opened if none is idle; waits while all are in use. */
    private Connection acquire() {
        checkOpen();
        permits.acquireUninterruptibly();
        try {
            Connection c = idle.pollFirst();
            if (c == null) {
                c = open();
            }
            return c;
        } catch (RuntimeException | Error e) {
            permits.release();
            throw e;
        }
    }

    private void release(Connection c) {
        if (closed) {
            closeQuietly(c);
        } else {
            idle.addFirst(c);
        }
        permits.release();
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the pgroup database " + file + " is closed");
        }
    }

    private static boolean isBusy(SQLException e) {
        int code = e.getErrorCode() & 0xff;
        return code == SQLITE_BUSY || String.valueOf(e.getMessage()).contains("SQLITE_BUSY");
    }

    /** The dir checks, the native library and the schema: once per database object, not per connection. */
    private void prepare() {
        Path dir = file.getParent();
        // Checked before anything loads: the native library comes from this dir.
        TrustedDirectory.check(dir, "database dir");
        try {
            FilePermissions.createPrivateDirectories(dir);
            TrustedDirectory.check(dir, "database dir");
            createPrivateFile();
        } catch (IOException e) {
            throw new PGroupException("cannot create the directory of the pgroup database " + file + ": " + e, e);
        }
        SqliteNativeLibrary.load(dir.resolve("native"));
    }

    /**
     * A new connection; the first one also creates or migrates the schema. busy_timeout and
     * synchronous are per connection; WAL is stored in the file, and set again in case another
     * tool turned it off.
     */
    private Connection open() {
        synchronized (schemaLock) {
            if (!prepared) {
                prepare();
            }
            try {
                Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
                try (Statement s = c.createStatement()) {
                    s.execute("PRAGMA busy_timeout = " + busyTimeoutMillis);
                    s.execute("PRAGMA journal_mode = WAL");
                    s.execute("PRAGMA synchronous = NORMAL");
                    if (!prepared) {
                        createSchema(s);
                    }
                } catch (SQLException e) {
                    c.close();
                    throw e;
                }
                if (!prepared) {
                    // Databases made before pgroup created the file itself may have 644 files.
                    FilePermissions.makePrivate(file);
                    FilePermissions.makePrivate(Path.of(file + "-wal"));
                    FilePermissions.makePrivate(Path.of(file + "-shm"));
                    prepared = true;
                }
                return c;
            } catch (SQLException | IOException e) {
                throw new PGroupException(
                        "cannot open the pgroup database " + file + ": " + e.getMessage() + openHint(e), e);
            }
        }
    }

    private static void createSchema(Statement s) throws SQLException {
        s.execute("CREATE TABLE IF NOT EXISTS leases ("
                + " port INTEGER PRIMARY KEY,"
                + " group_id TEXT NOT NULL,"
                + " process TEXT NOT NULL,"
                + " name TEXT NOT NULL,"
                + " owner_pid INTEGER NOT NULL,"
                + " owner_start INTEGER NOT NULL,"
                + " created_at INTEGER NOT NULL)");
        s.execute("CREATE INDEX IF NOT EXISTS leases_by_group ON leases (group_id)");
        s.execute("CREATE TABLE IF NOT EXISTS groups ("
                + " id TEXT PRIMARY KEY,"
                + " name TEXT NOT NULL,"
                + " dir TEXT NOT NULL,"
                + " owner_pid INTEGER NOT NULL,"
                + " owner_start INTEGER NOT NULL,"
                + " runsvdir_pid INTEGER NOT NULL DEFAULT 0,"
                + " state TEXT NOT NULL,"
                + " created_at INTEGER NOT NULL,"
                + " runsvdir_start INTEGER NOT NULL DEFAULT 0)");
        addColumnIfMissing(s, "groups", "runsvdir_start", "INTEGER NOT NULL DEFAULT 0");
        addOwnerLockColumns(s);
    }

    /**
     * SQLite creates the database with mode 644 and its {@code -wal} and {@code -shm} files with the
     * database's mode, so the file is created first, 600, and they follow.
     */
    private void createPrivateFile() throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException | UnsupportedOperationException e) {
            // An existing database is made private after the open; a non-POSIX one cannot be.
        }
    }

    /**
     * Adds the owner's lock file name to leases and groups (see {@link OwnerLock}); databases of
     * older versions lack the column, and their rows keep pid-and-start-time liveness.
     */
    private static void addOwnerLockColumns(Statement s) throws SQLException {
        for (String table : new String[] {"leases", "groups"}) {
            addColumnIfMissing(s, table, "owner_lock", "TEXT");
        }
    }

    /** A database made by an older pgroup lacks newer columns; two JVMs may add one at once. */
    private static void addColumnIfMissing(Statement s, String table, String column, String type) throws SQLException {
        try (ResultSet rs = s.executeQuery("PRAGMA table_info(" + table + ")")) {
            while (rs.next()) {
                if (rs.getString("name").equals(column)) {
                    return;
                }
            }
        }
        try {
            s.execute("ALTER TABLE " + table + " ADD COLUMN " + column + " " + type);
        } catch (SQLException e) {
            // Another JVM opening the same old database may have added it a moment ago.
            if (!String.valueOf(e.getMessage()).contains("duplicate column")) {
                throw e;
            }
        }
    }

    /**
     * Says what the open failure means, from SQLite's result code and the file itself: only a
     * corrupt file is worth deleting, and a directory or a full disk must not be taken for one.
     */
    private String openHint(Exception e) {
        if (Files.isDirectory(file)) {
            return " (" + file + " is a directory: point the database setting at a file, or move the directory away)";
        }
        int code = e instanceof SQLException sql ? sql.getErrorCode() & 0xff : -1;
        String message = String.valueOf(e.getMessage());
        if (code == SQLITE_FULL || message.contains("SQLITE_FULL") || message.contains("No space left")) {
            return " (the disk holding " + file.getParent() + " is full: free some space)";
        }
        if (code == SQLITE_CORRUPT
                || code == SQLITE_NOTADB
                || message.contains("SQLITE_CORRUPT")
                || message.contains("SQLITE_NOTADB")) {
            return " (the file is corrupt: delete it while no pgroup build runs; it only holds"
                    + " port leases and the list of groups)";
        }
        if (code == SQLITE_READONLY || code == SQLITE_CANTOPEN || code == SQLITE_PERM) {
            return " (check that " + file + " and its directory are writable by this user)";
        }
        return "";
    }

    private PGroupException failure(String what, SQLException e, long waitedNanos) {
        String message = String.valueOf(e.getMessage());
        int code = e.getErrorCode() & 0xff;
        String hint;
        if (code == SQLITE_BUSY || code == SQLITE_LOCKED || message.contains("SQLITE_BUSY")) {
            hint = busyHint(waitedNanos);
        } else if (code == SQLITE_FULL || message.contains("SQLITE_FULL")) {
            hint = " (the disk holding " + file.getParent() + " is full: free some space)";
        } else if (code == SQLITE_CORRUPT
                || code == SQLITE_NOTADB
                || message.contains("SQLITE_CORRUPT")
                || message.contains("SQLITE_NOTADB")) {
            hint = " (the file is corrupt: delete it while no pgroup build runs)";
        } else {
            hint = "";
        }
        return new PGroupException("cannot " + what + " in the pgroup database " + file + ": " + message + hint, e);
    }

    // SQLite's primary result codes (https://sqlite.org/rescode.html); extended codes keep them in the low byte.
    private static final int SQLITE_PERM = 3;
    private static final int SQLITE_BUSY = 5;
    private static final int SQLITE_LOCKED = 6;
    private static final int SQLITE_READONLY = 8;
    private static final int SQLITE_CORRUPT = 11;
    private static final int SQLITE_FULL = 13;
    private static final int SQLITE_CANTOPEN = 14;
    private static final int SQLITE_NOTADB = 26;

    private String busyHint(long waitedNanos) {
        return " (another process held the database's write lock: waited " + waitedNanos / 1_000_000
                + " ms for it, with a lock timeout of " + busyTimeoutMillis + " ms)";
    }

    /** Closes idle connections now, and those in use when they are given back. */
    @Override
    public void close() {
        closed = true;
        Connection c;
        while ((c = idle.pollFirst()) != null) {
            closeQuietly(c);
        }
        writer.lock(); // a write in progress finishes first
        try {
            synchronized (schemaLock) {
                if (main != null) {
                    closeQuietly(main);
                    main = null;
                }
            }
        } finally {
            writer.unlock();
        }
    }

    private void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // Closing only fails on a broken connection; nothing is lost.
        }
    }
}
