package dev.pgroup.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.pgroup.core.internal.os.Deadline;
import dev.pgroup.core.model.PGroupException;
import dev.pgroup.core.model.ProcessState;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A start that fails stops whatever it launched, and list and status agree afterwards (issue 9,
 * items 10 and 12).
 */
class StartFailureTest {
    private static final String SLEEPERS =
            """
            [[process]]
            name = "a"
            command = ["sleep", "1000"]
            [[process]]
            name = "b"
            command = ["sleep", "1000"]
            """;

    @TempDir
    Path tmp;

    private Leftovers leftovers;
    private Path mounted;

    @BeforeEach
    void leftovers() {
        leftovers = new Leftovers(tmp);
    }

    @AfterEach
    void cleanUp() throws Exception {
        leftovers.killAll();
        if (mounted != null) {
            new ProcessBuilder("umount", "-l", mounted.toString())
                    .inheritIO()
                    .start()
                    .waitFor();
        }
    }

    /** A real tmpfs of {@code size} at {@code dir}; skips the test when this user may not mount. */
    private Path smallTmpfs(String size) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("small"));
        Process mount = new ProcessBuilder(
                        "mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=700", "tmpfs", dir.toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(mount.getInputStream().readAllBytes());
        Assumptions.assumeTrue(mount.waitFor() == 0, "cannot mount a tmpfs here (needs root): " + out.trim());
        mounted = dir;
        return dir;
    }

    /** Writes to {@code dir} until the file system is full. */
    private static void fill(Path dir) throws IOException {
        byte[] block = new byte[1024];
        try (OutputStream out = Files.newOutputStream(dir.resolve("filler"))) {
            while (true) {
                out.write(block);
                out.flush();
            }
        } catch (IOException full) {
            assertThat(full.getMessage()).contains("No space left");
        }
    }

    private void assertStoppedAndAgreed(PGroupEngine engine, Group group) {
        assertThat(leftovers.after(Duration.ofSeconds(3)))
                .as("left after the failed start")
                .isEmpty();
        assertThat(group.isRunning()).isFalse();
        assertThat(group.status())
                .allSatisfy(s -> assertThat(s.state()).isIn(ProcessState.DOWN, ProcessState.HAS_NEVER_RUN));
        assertThat(engine.list())
                .filteredOn(g -> g.id().equals(group.id()))
                .singleElement()
                .satisfies(g ->
                        assertThat(g.running()).as("list agrees with status").isFalse());
    }

    @Test
    void diskFullDuringStartStopsWhatTheStartLaunched() throws Exception {
        Path base = smallTmpfs("64k");

        List<Throwable> failures = startsOnAFullDisk(base, this::assertStoppedAndAgreed);

        assertThat(failures).as("starts that ran out of space").isNotEmpty();
        assertThat(leftovers.running()).as("left after terminate").isEmpty();
    }

    @Test
    void aStartThatRanOutOfSpaceSaysTheDiskIsFull() throws Exception {
        Path base = smallTmpfs("64k");

        // A start on a full disk fails in different places (a timeout, a silent exit, a write
        // error); every such failure must name the disk, whatever the place.
        List<Throwable> failures = startsOnAFullDisk(base, (engine, group) -> {});

        assertThat(failures).as("starts that ran out of space").isNotEmpty();
        assertThat(failures).allSatisfy(f -> assertThat(f.getMessage())
                .contains("the file system of " + base)
                .contains("KiB free"));
    }

    /**
     * Starts a detached group of sleepers (as the CLI creates it) once for every amount of free
     * space from none to 12 pages: where a start runs out of space depends on how much is left (the
     * watchdog script, a pid file, runsv's supervise files, the manifest). Returns the failures;
     * {@code afterFailure} checks each failed start's aftermath.
     */
    private List<Throwable> startsOnAFullDisk(
            Path base, java.util.function.BiConsumer<PGroupEngine, Group> afterFailure) throws Exception {
        List<Throwable> failures = new ArrayList<>();
        try (PGroupEngine engine = TestEngines.engine(base, leftovers.environment());
                Group group = engine.create(
                        TestEngines.definition(tmp, SLEEPERS),
                        CreateOptions.defaults().withDetached(true))) {
            for (int pages = 0; pages <= 12; pages++) {
                fill(base);
                try (FileChannel filler = FileChannel.open(base.resolve("filler"), StandardOpenOption.WRITE)) {
                    filler.truncate(Math.max(0, filler.size() - pages * 4096L));
                }

                Throwable failure = catchThrowable(() -> group.start(Duration.ofSeconds(2)));

                if (failure != null) {
                    failures.add(failure);
                    afterFailure.accept(engine, group);
                } else {
                    group.stop();
                }
                Files.delete(base.resolve("filler"));
            }
        }
        return failures;
    }

    @Test
    void databaseUnwritableMidStartStopsWhatTheStartLaunched() throws Exception {
        Path db = tmp.resolve("db").resolve("pgroup.db");
        try (PGroupEngine engine = PGroupEngine.builder()
                        .baseDir(tmp.resolve("base"))
                        .database(db)
                        .environment(leftovers.environment())
                        .lockTimeout(Duration.ofMillis(300))
                        .build();
                Group group = engine.create(TestEngines.definition(tmp, SLEEPERS))) {
            try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + db);
                    Statement s = other.createStatement()) {
                s.execute("BEGIN EXCLUSIVE"); // another JVM holds the database: start cannot record runsvdir

                Throwable failure = catchThrowable(() -> group.start(Duration.ofSeconds(20)));

                assertThat(failure).isInstanceOf(PGroupException.class).hasMessageContaining("locked");
                assertThat(leftovers.after(Duration.ofSeconds(3)))
                        .as("left after the failed start")
                        .isEmpty();
                s.execute("ROLLBACK");
            }
            assertStoppedAndAgreed(engine, group);
        }
    }

    @Test
    void cliKilledDuringStartWaitLeavesNothingAndListAgreesWithStatus() throws Exception {
        Path base = tmp.resolve("base");
        String neverReady =
                """
                [[process]]
                name = "waits"
                command = ["sleep", "1000"]
                ports = ["main"]
                ready = { tcp = "main" }
                """;
        try (PGroupEngine engine = TestEngines.engine(base, leftovers.environment())) {
            Group group = engine.create(
                    TestEngines.definition(tmp, neverReady),
                    CreateOptions.defaults().withDetached(true));
            try (StarterChild.Child cli = StarterChild.launch(
                    base, TestEngines.DATABASE, group.id(), Duration.ofSeconds(60), leftovers.environment())) {
                cli.go();
                assertThat(Deadline.in(Duration.ofSeconds(10))
                                .await(
                                        () -> leftovers.running().stream().anyMatch(l -> l.endsWith("sleep 1000")),
                                        Duration.ofMillis(20)))
                        .as("the service runs while start waits for it to be ready")
                        .isTrue();

                cli.process().destroyForcibly(); // kill -9 of `pgroup start --wait`
                cli.process().waitFor();
            }

            List<String> left = leftovers.after(Duration.ofSeconds(5));
            assertThat(left).as("left after the killed start").isEmpty();
            Group reopened = engine.open(group.id());
            assertStoppedAndAgreed(engine, reopened);
            reopened.terminate();
        }
    }
}
