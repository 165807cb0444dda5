package dev.pgroup.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A database made by an older pgroup keeps working, and gains the columns newer code needs. */
class StateDatabaseMigrationTest {
    @TempDir
    Path tmp;

    @Test
    void aRegistryWithoutRunsvdirStartGainsTheColumnAndKeepsItsGroups() throws Exception {
        Path db = Files.createDirectory(tmp.resolve("db")).resolve("pgroup.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
                Statement s = c.createStatement()) {
            // The groups table as pgroup 0.x created it.
            s.execute("CREATE TABLE groups (id TEXT PRIMARY KEY, name TEXT NOT NULL, dir TEXT NOT NULL,"
                    + " owner_pid INTEGER NOT NULL, owner_start INTEGER NOT NULL,"
                    + " runsvdir_pid INTEGER NOT NULL DEFAULT 0, state TEXT NOT NULL, created_at INTEGER NOT NULL)");
            s.execute("INSERT INTO groups VALUES ('old-host-abcdef', 'old', '" + tmp.resolve("base/old-host-abcdef")
                    + "', 0, 0, 0, 'created', 1)");
        }

        try (PGroupEngine engine =
                PGroupEngine.builder().baseDir(tmp.resolve("base")).database(db).build()) {
            assertThat(engine.list()).extracting(GroupInfo::id).containsExactly("old-host-abcdef");
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("PRAGMA table_info(groups)")) {
            List<String> columns = new ArrayList<>();
            while (rs.next()) {
                columns.add(rs.getString("name"));
            }
            assertThat(columns).contains("runsvdir_start");
        }
    }
}
