package dev.pgroup.core.internal;

import dev.pgroup.core.PGroupException;
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

    /** Runs {@code work} in a {@code BEGIN IMMEDIATE} transaction, rolled back if it throws. */
    public synchronized <T> T write(String what, Work<T> work) {
        Connection c = connection();
        try (Statement s = c.createStatement()) {
            s.execute("BEGIN IMMEDIATE");
            boolean done = false;
            try {
                T result = work.run(c);
                s.execute("COMMIT");
                done = true;
                return result;
            } finally {
                if (!done) {
                    try {
                        s.execute("ROLLBACK");
                    } catch (SQLException ignored) {
                        // The transaction may never have started; the original failure matters.
                    }
                }
            }
        } catch (SQLException e) {
            throw failure(what, e);
        }
    }

    /** Runs a read outside an explicit transaction. */
    public synchronized <T> T read(String what, Work<T> work) {
        try {
            return work.run(connection());
        } catch (SQLException e) {
            throw failure(what, e);
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
                    "cannot open the pgroup database " + file + ": " + e.getMessage()
                            + " (if the file is corrupt, delete it while no pgroup build runs; it only holds"
                            + " port leases and the list of groups)",
                    e);
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
            if (!String.valueOf(e.getMessage()).contains("duplicate column")) {
                throw e;
            }
        }
    }

    private PGroupException failure(String what, SQLException e) {
        String message = String.valueOf(e.getMessage());
        String hint = message.contains("SQLITE_BUSY") || message.contains("locked")
                ? " (the database stayed locked by another process for " + busyTimeoutMillis + " ms)"
                : message.contains("SQLITE_CORRUPT") || message.contains("SQLITE_NOTADB")
                        ? " (the file is corrupt: delete it while no pgroup build runs)"
                        : "";
        return new PGroupException("cannot " + what + " in the pgroup database " + file + ": " + message + hint, e);
    }

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
