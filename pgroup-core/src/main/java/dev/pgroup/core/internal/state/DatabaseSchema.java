package dev.pgroup.core.internal.state;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The tables of the {@link StateDatabase}, created on the first open and migrated from what older
 * versions of pgroup made: a column they lack is added, so the rows they wrote stay readable.
 */
final class DatabaseSchema {
    private DatabaseSchema() {}

    static void createOrMigrate(Statement s) throws SQLException {
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
}
