package dev.pgroup.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgroup.core.internal.state.Owner;
import dev.pgroup.core.internal.state.PortLeases;
import dev.pgroup.core.model.GroupInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A database made by an older pgroup is upgraded in place, keeps its rows, and gains the columns newer code needs. */
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

    @Test
    void anOlderDatabaseGainsTheOwnerLockColumnAndItsRowsKeepPidLiveness() throws Exception {
        Path db = Files.createDirectories(tmp.resolve("state")).resolve("pgroup.db");
        ProcessHandle self = ProcessHandle.current();
        long selfStart = self.info().startInstant().orElseThrow().toEpochMilli();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
                Statement s = c.createStatement()) {
            // The schema as the previous version wrote it.
            s.execute("CREATE TABLE leases (port INTEGER PRIMARY KEY, group_id TEXT NOT NULL, process TEXT NOT NULL,"
                    + " name TEXT NOT NULL, owner_pid INTEGER NOT NULL, owner_start INTEGER NOT NULL,"
                    + " created_at INTEGER NOT NULL)");
            s.execute("CREATE TABLE groups (id TEXT PRIMARY KEY, name TEXT NOT NULL, dir TEXT NOT NULL,"
                    + " owner_pid INTEGER NOT NULL, owner_start INTEGER NOT NULL,"
                    + " runsvdir_pid INTEGER NOT NULL DEFAULT 0, state TEXT NOT NULL, created_at INTEGER NOT NULL)");
            // A lease of a live owner (this JVM) and one of an owner that is gone (a start time that never was).
            s.execute("INSERT INTO leases VALUES (19901, 'alive-aaaaaa', 'web', 'main', " + self.pid() + ", "
                    + selfStart + ", 0)");
            s.execute("INSERT INTO leases VALUES (19902, 'dead-bbbbbb', 'web', 'main', " + self.pid() + ", 1, 0)");
        }
        try (PGroupEngine engine = PGroupEngine.builder()
                .baseDir(tmp.resolve("base"))
                .database(db)
                .portRange(19901, 19903)
                .build()) {
            // Both free ports are needed, so the dead owner's lease must be reclaimed and the live one's kept.
            List<PortLeases.Lease> leases = engine.leases()
                    .lease(
                            "new-cccccc",
                            Owner.currentProcess(tmp.resolve("state/owners")),
                            Map.of("web", List.of("a", "b")));

            assertThat(leases).extracting(PortLeases.Lease::port).containsExactlyInAnyOrder(19902, 19903);
            assertThat(engine.leases().leasesOf("alive-aaaaaa")).containsKey("web");
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
                    Statement s = c.createStatement();
                    var rs = s.executeQuery("SELECT owner_lock FROM leases WHERE group_id = 'new-cccccc'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).endsWith(".lock");
            }
        }
    }
}
