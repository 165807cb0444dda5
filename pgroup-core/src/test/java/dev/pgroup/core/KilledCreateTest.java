package dev.pgroup.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgroup.core.internal.os.Deadline;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An owner JVM killed -9 inside a create, at the one point no registry row names its dir yet: prune
 * at once leaves no dir, no row, no lease and no port claim.
 */
class KilledCreateTest {
    @TempDir
    Path tmp;

    @Test
    void aCreateKilledBeforeItsRowExistsLeavesADirThatPruneDeletesAtOnce() throws Exception {
        Path base = tmp.resolve("base");
        Path db = tmp.resolve("db").resolve("pgroup.db");
        try (PGroupEngine engine =
                PGroupEngine.builder().baseDir(base).database(db).build()) {
            assertThat(engine.list()).isEmpty(); // the database and its tables exist
            Process child;
            Path dir;
            try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + db);
                    Statement s = other.createStatement()) {
                // Another JVM holds the database: the create has made its dir and waits for its row.
                s.execute("BEGIN EXCLUSIVE");
                child = ChildJvm.launch(
                        List.of(),
                        List.of(),
                        List.of(
                                base.toString(),
                                db.toString(),
                                TestEngines.definition("redis-single").toString(),
                                "1",
                                "create"));
                try {
                    Path[] made = new Path[1];
                    assertThat(Deadline.in(Duration.ofSeconds(30))
                                    .await(
                                            () -> {
                                                made[0] = onlyDir(base);
                                                return made[0] != null
                                                        && Files.exists(made[0].resolve(".pgroup")
                                                                .resolve("database"));
                                            },
                                            Duration.ofMillis(5)))
                            .as("the create made its dir")
                            .isTrue();
                    dir = made[0];
                    child.destroyForcibly(); // SIGKILL: no shutdown hook rolls it back
                    assertThat(child.waitFor(20, TimeUnit.SECONDS)).isTrue();
                } finally {
                    child.destroyForcibly();
                }
                s.execute("ROLLBACK");
            }
            assertThat(engine.registry().all()).as("no row was written").isEmpty();

            PruneReport report = engine.prune();

            assertThat(report.actions())
                    .contains("deleted " + dir + ": no group of that id is registered (its create was killed"
                            + " before it registered the group)");
            assertThat(dir).doesNotExist();
            assertThat(engine.list()).isEmpty();
            assertThat(engine.leases().allLeasedPorts()).isEmpty();
            Path claims = db.getParent().resolve("port-claims");
            if (Files.isDirectory(claims)) {
                try (var files = Files.list(claims)) {
                    assertThat(files.filter(f -> !f.getFileName().toString().startsWith("."))
                                    .toList())
                            .as("port claims")
                            .isEmpty();
                }
            }
        }
    }

    private static Path onlyDir(Path base) {
        if (!Files.isDirectory(base)) {
            return null;
        }
        try (var dirs = Files.list(base)) {
            List<Path> all = dirs.toList();
            return all.size() == 1 ? all.get(0) : null;
        } catch (java.io.IOException e) {
            return null;
        }
    }
}
