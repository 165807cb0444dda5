package dev.pgroup.core.internal.state;

import dev.pgroup.core.model.PGroupException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;

/**
 * Turns SQLite's failures on one database into messages that say what to do: only a corrupt file
 * is worth deleting, and a directory, a full disk or a busy lock must not be taken for one.
 */
final class SqliteFailures {
    // SQLite's primary result codes (https://sqlite.org/rescode.html); extended codes keep them in the low byte.
    private static final int SQLITE_PERM = 3;
    private static final int SQLITE_BUSY = 5;
    private static final int SQLITE_LOCKED = 6;
    private static final int SQLITE_READONLY = 8;
    private static final int SQLITE_CORRUPT = 11;
    private static final int SQLITE_FULL = 13;
    private static final int SQLITE_CANTOPEN = 14;
    private static final int SQLITE_NOTADB = 26;

    private final Path file;
    private final long busyTimeoutMillis;

    SqliteFailures(Path file, long busyTimeoutMillis) {
        this.file = file;
        this.busyTimeoutMillis = busyTimeoutMillis;
    }

    /** Whether SQLite gave up on a lock another connection holds. */
    static boolean isBusy(SQLException e) {
        int code = e.getErrorCode() & 0xff;
        return code == SQLITE_BUSY || String.valueOf(e.getMessage()).contains("SQLITE_BUSY");
    }

    /** Why the database could not be opened, from SQLite's result code and the file itself. */
    String openHint(Exception e) {
        if (Files.isDirectory(file)) {
            return " (" + file + " is a directory: point the database setting at a file, or move the directory away)";
        }
        int code = e instanceof SQLException sql ? sql.getErrorCode() & 0xff : -1;
        String message = String.valueOf(e.getMessage());
        if (code == SQLITE_FULL || message.contains("SQLITE_FULL") || message.contains("No space left")) {
            return " (the disk holding " + file.getParent() + " is full: free some space)";
        }
        if (isCorrupt(code, message)) {
            return " (the file is corrupt: delete it while no pgroup build runs; it only holds"
                    + " port leases and the list of groups)";
        }
        if (code == SQLITE_READONLY || code == SQLITE_CANTOPEN || code == SQLITE_PERM) {
            return " (check that " + file + " and its directory are writable by this user)";
        }
        return "";
    }

    /** A failed read or write, with how long it waited when the lock was the problem. */
    PGroupException failure(String what, SQLException e, long waitedNanos) {
        String message = String.valueOf(e.getMessage());
        int code = e.getErrorCode() & 0xff;
        String hint;
        if (code == SQLITE_BUSY || code == SQLITE_LOCKED || message.contains("SQLITE_BUSY")) {
            hint = busyHint(waitedNanos);
        } else if (code == SQLITE_FULL || message.contains("SQLITE_FULL")) {
            hint = " (the disk holding " + file.getParent() + " is full: free some space)";
        } else if (isCorrupt(code, message)) {
            hint = " (the file is corrupt: delete it while no pgroup build runs)";
        } else {
            hint = "";
        }
        return new PGroupException("cannot " + what + " in the pgroup database " + file + ": " + message + hint, e);
    }

    String busyHint(long waitedNanos) {
        return " (another process held the database's write lock: waited " + waitedNanos / 1_000_000
                + " ms for it, with a lock timeout of " + busyTimeoutMillis + " ms)";
    }

    private static boolean isCorrupt(int code, String message) {
        return code == SQLITE_CORRUPT
                || code == SQLITE_NOTADB
                || message.contains("SQLITE_CORRUPT")
                || message.contains("SQLITE_NOTADB");
    }
}
