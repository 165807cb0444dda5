package dev.pgroup.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgroup.Manifest;
import dev.pgroup.core.internal.UnfinishedCreates;
import dev.pgroup.core.internal.os.Deadline;
import dev.pgroup.core.internal.state.GroupRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A create interrupted halfway, as the CLI's detached create is by Ctrl-C, TERM or kill -9: TERM and
 * INT roll it back at once, and prune reclaims one whose JVM was SIGKILLed. The child JVM pauses
 * after its leases through {@link UnfinishedCreates#TEST_PAUSE_AFTER_LEASES}, so the interrupt lands
 * at a known point of a big create.
 */
class InterruptedCreateTest {
    private static final int PROCESSES = 200;

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"TERM", "INT"})
    void aCreateInterruptedByTermOrIntLeavesNoDirNoRowAndNoLease(String signal) throws Exception {
        try (PGroupEngine engine = engine();
                PausedCreate create = new PausedCreate()) {
            assertThat(engine.leases().leasesOf(create.id)).hasSize(PROCESSES);

            signal(create.process, signal);

            assertThat(create.process.waitFor(20, TimeUnit.SECONDS))
                    .as("the child exits")
                    .isTrue();
            assertThat(tmp.resolve("base").resolve(create.id)).doesNotExist();
            assertThat(engine.registry().find(create.id)).isEmpty();
            assertThat(engine.leases().leasesOf(create.id)).isEmpty();
        }
    }

    /**
     * No test hook here: TERM lands wherever the create happens to be, from before its dir exists
     * to after it finished. Each time, the create is either wholly undone or wholly done.
     */
    @Test
    void aBigCreateTermedAtAnyPointLeavesNothingOrACompleteGroup() throws Exception {
        Path definition = bigDefinition(500);
        int undone = 0;
        try (PGroupEngine engine = engine()) {
            for (int delayMillis = 100; delayMillis <= 2500; delayMillis += 300) {
                Process child = ChildJvm.launch(
                        List.of(),
                        List.of(),
                        List.of(
                                tmp.resolve("base").toString(),
                                database().toString(),
                                definition.toString(),
                                "1",
                                "create",
                                "detached"));
                try {
                    // A chosen moment to interrupt at, not a wait for something to happen.
                    Deadline.in(Duration.ofMillis(delayMillis)).pauseUpTo(Long.MAX_VALUE);
                    signal(child, "TERM");
                    assertThat(child.waitFor(20, TimeUnit.SECONDS)).isTrue();
                } finally {
                    child.destroyForcibly();
                }
                List<GroupRegistry.Entry> rows = engine.registry().all();
                List<Path> dirs = Files.exists(tmp.resolve("base"))
                        ? Files.list(tmp.resolve("base")).toList()
                        : List.of();
                if (rows.isEmpty()) {
                    assertThat(dirs).as("TERM after %s ms", delayMillis).isEmpty();
                    assertThat(engine.leases().allLeasedPorts()).isEmpty();
                    undone++;
                } else {
                    GroupRegistry.Entry row = rows.get(0);
                    assertThat(row.creating())
                            .as("TERM after %s ms", delayMillis)
                            .isFalse();
                    assertThat(dirs).containsExactly(row.directory());
                    assertThat(engine.leases().leasesOf(row.id())).hasSize(500);
                    engine.open(row.id()).terminate();
                }
            }
        }
        assertThat(undone).as("some TERMs landed inside the create").isPositive();
    }

    @Test
    void pruneLeavesACreateInProgressAloneAndReclaimsItOnceItsCreatorIsKilled() throws Exception {
        try (PGroupEngine engine = engine();
                PausedCreate create = new PausedCreate()) {
            Path dir = tmp.resolve("base").resolve(create.id);
            GroupRegistry.Entry row = engine.registry().find(create.id).orElseThrow();
            assertThat(row.creating()).isTrue();
            assertThat(row.owner().isDetached())
                    .as("a detached group's unfinished create is owned by its JVM")
                    .isFalse();

            PruneReport whileCreating = engine.prune();

            assertThat(whileCreating.actions()).noneSatisfy(a -> assertThat(a).contains(create.id));
            assertThat(dir).isDirectory();
            assertThat(engine.leases().leasesOf(create.id)).hasSize(PROCESSES);

            create.process.destroyForcibly(); // SIGKILL: no shutdown hook runs
            assertThat(create.process.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(engine.registry().find(create.id))
                    .as("kill -9 leaves the row")
                    .isPresent();

            PruneReport afterKill = engine.prune();

            assertThat(afterKill.actions())
                    .anySatisfy(a -> assertThat(a).startsWith("removed the unfinished create of group " + create.id));
            assertThat(dir).doesNotExist();
            assertThat(engine.registry().find(create.id)).isEmpty();
            assertThat(engine.leases().leasesOf(create.id)).isEmpty();
        }
    }

    @Test
    void aFinishedDetachedCreateOutlivesItsKilledCreator() throws Exception {
        try (PGroupEngine engine = engine();
                ChildJvm child = new ChildJvm(
                        List.of(),
                        List.of(),
                        tmp.resolve("base"),
                        database(),
                        TestEngines.definition("redis-single"),
                        1,
                        "create",
                        "detached")) {
            Manifest manifest = Manifest.read(child.manifests.get(0));
            child.process.destroyForcibly();
            assertThat(child.process.waitFor(20, TimeUnit.SECONDS)).isTrue();

            PruneReport report = engine.prune();

            assertThat(report.actions()).noneSatisfy(a -> assertThat(a).contains(manifest.groupId()));
            GroupRegistry.Entry row = engine.registry().find(manifest.groupId()).orElseThrow();
            assertThat(row.creating()).isFalse();
            assertThat(row.owner().isDetached()).isTrue();
            assertThat(engine.leases().leasesOf(manifest.groupId())).hasSize(1);
            engine.open(manifest.groupId()).terminate();
        }
    }

    private Path database() {
        return tmp.resolve("state/pgroup.db");
    }

    private PGroupEngine engine() {
        return PGroupEngine.builder()
                .baseDir(tmp.resolve("base"))
                .database(database())
                .build();
    }

    private static void signal(Process process, String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
                .inheritIO()
                .start();
        assertThat(kill.waitFor()).isZero();
    }

    private Path bigDefinition(int processes) throws IOException {
        StringBuilder toml = new StringBuilder("name = \"big\"\n");
        for (int i = 0; i < processes; i++) {
            toml.append("[[process]]\nname = \"p")
                    .append(i)
                    .append("\"\ncommand = [\"sleep\", \"1000\"]\nports = [\"main\"]\n");
        }
        return TestEngines.definition(tmp, toml.toString());
    }

    /** A child JVM doing a detached create of {@value #PROCESSES} processes, paused after its leases. */
    private final class PausedCreate implements AutoCloseable {
        final Process process;
        final String id;

        PausedCreate() throws Exception {
            Path marker = tmp.resolve("paused-" + System.nanoTime());
            process = ChildJvm.launch(
                    List.of(),
                    List.of("-D" + UnfinishedCreates.TEST_PAUSE_AFTER_LEASES + "=" + marker),
                    List.of(
                            tmp.resolve("base").toString(),
                            database().toString(),
                            bigDefinition(PROCESSES).toString(),
                            "1",
                            "create",
                            "detached"));
            boolean paused = Deadline.in(Duration.ofSeconds(60))
                    .await(() -> readId(marker) != null || !process.isAlive(), Duration.ofMillis(20));
            assertThat(paused && process.isAlive())
                    .as("the child paused its create")
                    .isTrue();
            id = readId(marker);
        }

        private String readId(Path marker) {
            try {
                String s = Files.readString(marker).trim();
                return s.isEmpty() ? null : s;
            } catch (IOException e) {
                return null;
            }
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }
}
