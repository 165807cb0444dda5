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

/**
 * The per-user SQLite database that holds port leases and the group registry, shared by every JVM
 * of the user.
 *
 * <p>Writes run under {@code BEGIN IMMEDIATE}: deferred transactions upgrade their lock late and
 * fail with SQLITE_BUSY storms under contention, while IMMEDIATE queues writers behind {@code
 * busy_timeout}. WAL keeps readers from blocking the writer. The connection opens on first use, so
 * that commands which never touch the database (status) do not pay for loading SQLite.
 */
public final class StateDatabase implements AutoCloseable {
    /** How long a writer waits for another JVM's transaction before giving up, by default. */
    public static final java.time.Duration DEFAULT_LOCK_TIMEOUT = java.time.Duration.ofSeconds(15);

    private final Path file;
    private final long busyTimeoutMillis;
    private Connection connection;
    private boolean inTransaction;
    private boolean closed;

    public StateDatabase(Path file, java.time.Duration lockTimeout) {
        this.file = file.toAbsolutePath();
        this.busyTimeoutMillis = lockTimeout.toMillis();
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
     * inside another write's work joins that transaction, so that several steps wait for the lock
     * once and commit or roll back together.
     */
    public synchronized <T> T write(String what, Work<T> work) {
        Connection c = connection();
        if (inTransaction) {
            try {
                return work.run(c);
            } catch (SQLException e) {
                throw failure(what, e, 0);
            }
        }
        long begin = System.nanoTime(); // after the open, which loads SQLite on first use
        try (Statement s = c.createStatement()) {
            s.execute("BEGIN IMMEDIATE");
            boolean done = false;
            inTransaction = true;
            try {
                T result = work.run(c);
                s.execute("COMMIT");
                done = true;
                return result;
            } finally {
                inTransaction = false;
                if (!done) {
                    try {
                        s.execute("ROLLBACK");
                    } catch (SQLException ignored) {
                        // The transaction may never have started; the original failure matters.
                    }
                }
            }
        } catch (SQLException e) {
            throw failure(what, e, System.nanoTime() - begin);
        }
    }

    /** Runs a read outside an explicit transaction. */
    public synchronized <T> T read(String what, Work<T> work) {
        long begin = System.nanoTime();
        try {
            return work.run(connection());
        } catch (SQLException e) {
            throw failure(what, e, System.nanoTime() - begin);
        }
    }

    /**
     * Opens the connection now, e.g. on another thread while the caller parses a definition: the
     * first open of a JVM loads SQLite's native code. Failures surface on the next real use.
     */
    public void warmUp() {
        try {
            read("open", c -> null);
        } catch (RuntimeException ignored) {
            // Reported, with context, by the operation that needs the database.
        }
    }

    private Connection connection() {
        if (closed) {
            throw new IllegalStateException("the pgroup database " + file + " is closed");
        }
        if (connection == null) {
            connection = open();
        }
        return connection;
    }

    private Connection open() {
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
        try {
            Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA busy_timeout = " + busyTimeoutMillis);
                s.execute("PRAGMA journal_mode = WAL");
                s.execute("PRAGMA synchronous = NORMAL");
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
            } catch (SQLException e) {
                c.close();
                throw e;
            }
            // Databases made before pgroup created the file itself may have 644 files.
            FilePermissions.makePrivate(file);
            FilePermissions.makePrivate(Path.of(file + "-wal"));
            FilePermissions.makePrivate(Path.of(file + "-shm"));
            return c;
        } catch (SQLException | IOException e) {
            throw new PGroupException(
                    "cannot open the pgroup database " + file + ": " + e.getMessage() + openHint(e), e);
        }
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
            hint = " (another process held the database's write lock: waited " + waitedNanos / 1_000_000
                    + " ms for it, with a lock timeout of " + busyTimeoutMillis + " ms)";
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

    @Override
    public synchronized void close() {
        closed = true;
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // Closing only fails on a broken connection; nothing is lost.
            }
            connection = null;
        }
    }
}
