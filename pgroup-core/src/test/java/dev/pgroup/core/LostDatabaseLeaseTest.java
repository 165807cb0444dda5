package dev.pgroup.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgroup.Manifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A running group keeps its ports when the database that leased them is deleted or replaced under
 * it (a user's {@code rm -rf ~/.pgroup} to start afresh, a CI cache restored over it): the next
 * create, with a new database at the same path, must not lease them again. Its ports are leased but
 * not bound here ({@code sleep}), the case the probe-bind cannot see. Before, the user's port claims
 * went with the database and the machine's claim of our own user was not consulted, so the second
 * group got the first group's port.
 */
class LostDatabaseLeaseTest {
    private static final String UNBOUND_PORT =
            """
            name = "holder"
            [[process]]
            name = "a"
            command = ["sleep", "100000"]
            ports = ["main"]
            """;

    @TempDir
    Path tmp;

    /** The CLI's way: a detached group, whose watchdog and runsvdir keep its claims. */
    @Test
    void aDetachedGroupKeepsItsPortWhenItsDatabaseIsReplaced() throws Exception {
        int first = TestEngines.freeRange(2, 11_800);
        Path definition = TestEngines.definition(tmp, UNBOUND_PORT);
        Path database = tmp.resolve("state/pgroup.db");
        try (PGroupEngine a = engine(database, first);
                Group holder = a.create(definition, CreateOptions.defaults().withDetached(true))) {
            holder.start(Duration.ofSeconds(30));
            int held = holder.port("a", "main");
            deleteDatabase(database); // engine a keeps its open file; the path is a new database's now
            try (PGroupEngine b = engine(database, first);
                    Group second = b.create(definition)) {
                assertThat(second.port("a", "main"))
                        .as("the port of group %s, which still runs", holder.id())
                        .isNotEqualTo(held);
            }
        }
    }

    /** A test JVM's group, leased in another JVM whose database is deleted while it runs. */
    @Test
    void aGroupOfAnotherJvmKeepsItsPortWhenItsDatabaseIsDeleted() throws Exception {
        int first = TestEngines.freeRange(2, 11_800);
        Path definition = TestEngines.definition(tmp, UNBOUND_PORT);
        Path database = tmp.resolve("state/pgroup.db");
        Map<String, String> environment = new HashMap<>(System.getenv());
        environment.put("PGROUP_PORT_RANGE", first + "-" + (first + 1));
        try (ChildJvm child = new ChildJvm(tmp.resolve("base"), database, definition, 1, "start", environment)) {
            int held = Manifest.read(child.manifests.get(0))
                    .process("a")
                    .orElseThrow()
                    .ports()
                    .get("main");
            deleteDatabase(database);
            try (PGroupEngine b = engine(database, first);
                    Group second = b.create(definition)) {
                assertThat(second.port("a", "main"))
                        .as("the port of the child JVM's group, which still runs")
                        .isNotEqualTo(held);
            }
            child.finish();
        }
    }

    private PGroupEngine engine(Path database, int first) {
        return PGroupEngine.builder()
                .baseDir(tmp.resolve("base"))
                .database(database)
                .portRange(first, first + 1)
                .build();
    }

    /** The database and its WAL files, as {@code rm -rf} of its dir would. */
    private static void deleteDatabase(Path database) throws Exception {
        try (var files = Files.list(database.getParent())) {
            for (Path f : files.toList()) {
                if (f.getFileName().toString().startsWith(database.getFileName().toString())) {
                    Files.delete(f);
                }
            }
        }
    }
}
