package dev.pgroup.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.pgroup.core.model.PGroupException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A broken or busy database gives a clear error in bounded time, and nothing is left behind. */
class DatabaseFaultsTest {
    @TempDir
    Path tmp;

    @Test
    void corruptDatabaseIsAClearErrorNamingTheFile() throws Exception {
        Path db = tmp.resolve("pgroup.db");
        Files.write(
                db,
                "this is not a SQLite database, just bytes that look nothing like one"
                        .repeat(100)
                        .getBytes());
        Path base = tmp.resolve("base");

        try (PGroupEngine engine =
                PGroupEngine.builder().baseDir(base).database(db).build()) {
            PGroupException e = catchThrowableOfType(
                    PGroupException.class, () -> engine.create(TestEngines.definition("redis-single")));

            assertThat(e.getMessage()).contains(db.toString()).contains("corrupt");
        }
        try (var dirs = Files.list(base)) {
            assertThat(dirs.toList()).as("no half-made group dir").isEmpty();
        }
    }

    @Test
    void lockedDatabaseFailsAfterTheLockTimeoutInsteadOfHanging() throws Exception {
        Path db = tmp.resolve("pgroup.db");
        Path base = tmp.resolve("base");
        try (PGroupEngine engine = PGroupEngine.builder()
                        .baseDir(base)
                        .database(db)
                        .lockTimeout(Duration.ofMillis(300))
                        .build();
                Connection other = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            engine.groupIds(); // nothing yet
            engine.list(); // creates the schema
            try (Statement s = other.createStatement()) {
                s.execute("BEGIN EXCLUSIVE");
                long begin = System.nanoTime();

                PGroupException e = catchThrowableOfType(
                        PGroupException.class, () -> engine.create(TestEngines.definition("redis-single")));

                assertThat(Duration.ofNanos(System.nanoTime() - begin)).isLessThan(Duration.ofSeconds(10));
                assertThat(e.getMessage()).contains(db.toString()).contains("locked");
                s.execute("ROLLBACK");
            }
            try (var dirs = Files.list(base)) {
                assertThat(dirs.toList()).as("no half-made group dir").isEmpty();
            }
        }
    }

    @Test
    void groupDirsAndTheDatabaseAreReadableOnlyByTheirUser() throws Exception {
        Path db = tmp.resolve("state/pgroup.db");
        try (PGroupEngine engine = PGroupEngine.builder()
                        .baseDir(tmp.resolve("base"))
                        .database(db)
                        .build();
                Group group = engine.create(TestEngines.definition("redis-single"))) {
            assertThat(Files.getPosixFilePermissions(group.directory()))
                    .containsExactlyInAnyOrder(
                            java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                            java.nio.file.attribute.PosixFilePermission.OWNER_WRITE,
                            java.nio.file.attribute.PosixFilePermission.OWNER_EXECUTE);
            assertThat(Files.getPosixFilePermissions(db.getParent()))
                    .containsExactlyInAnyOrder(
                            java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                            java.nio.file.attribute.PosixFilePermission.OWNER_WRITE,
                            java.nio.file.attribute.PosixFilePermission.OWNER_EXECUTE);
            assertThat(Files.getPosixFilePermissions(db))
                    .containsExactlyInAnyOrder(
                            java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                            java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        }
    }
}
