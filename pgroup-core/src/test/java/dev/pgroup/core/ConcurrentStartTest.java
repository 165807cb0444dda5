package dev.pgroup.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Concurrent starts of one group launch it once (issue 9, item 6). */
class ConcurrentStartTest {
    @TempDir
    Path tmp;

    private Leftovers leftovers;

    @BeforeEach
    void leftovers() {
        leftovers = new Leftovers(tmp);
    }

    @AfterEach
    void killLeaks() {
        leftovers.killAll();
    }

    /** runsvdir processes running on {@code groupDir}, found by their command line. */
    static long runsvdirsOf(Path groupDir) {
        String wanted = groupDir.toAbsolutePath().normalize().toString();
        try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
            return all.filter(h -> h.info().command().orElse("").endsWith("runsvdir"))
                    .filter(h ->
                            h.info().arguments().map(List::of).orElse(List.of()).contains(wanted))
                    .count();
        }
    }

    @Test
    void fourJvmsStartingOneDetachedGroupAtOnceLaunchItOnceAndTerminateLeavesNothing() throws Exception {
        Path base = tmp.resolve("base");
        Path def = TestEngines.definition(
                tmp,
                """
                [[process]]
                name = "a"
                command = ["sleep", "1000"]
                [[process]]
                name = "b"
                command = ["sleep", "1000"]
                """);
        try (PGroupEngine engine = TestEngines.engine(base, leftovers.environment())) {
            Group group = engine.create(def, CreateOptions.defaults().withDetached(true));
            List<StarterChild.Child> children = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    children.add(StarterChild.launch(
                            base, TestEngines.DATABASE, group.id(), Duration.ofSeconds(30), leftovers.environment()));
                }
                for (StarterChild.Child c : children) {
                    c.go();
                }
                List<String> results = new ArrayList<>();
                for (StarterChild.Child c : children) {
                    results.add(c.result());
                    c.process().waitFor();
                }

                assertThat(results).filteredOn(r -> r.equals("started")).hasSize(1);
                assertThat(results).filteredOn(r -> !r.equals("started")).allSatisfy(r -> assertThat(r)
                        .contains("is already started"));
                assertThat(runsvdirsOf(group.directory())).isEqualTo(1);
                assertThat(engine.open(group.id()).isRunning()).isTrue();
            } finally {
                children.forEach(StarterChild.Child::close);
                engine.open(group.id()).terminate();
            }
            assertThat(leftovers.running()).as("left after terminate").isEmpty();
            assertThat(Files.exists(group.directory())).isFalse();
        }
    }

    @Test
    void pruneLeavesAGroupAloneWhileItsStartIsInProgress() throws Exception {
        Path db = tmp.resolve("db").resolve("pgroup.db"); // a prune of its own
        try (PGroupEngine engine = PGroupEngine.builder()
                        .baseDir(tmp.resolve("base"))
                        .database(db)
                        .environment(leftovers.environment())
                        .build();
                Group group = engine.create(
                        TestEngines.definition(
                                tmp,
                                """
                        [[process]]
                        name = "a"
                        command = ["sleep", "1000"]
                        """))) {
            group.start(Duration.ofSeconds(20));
            dev.pgroup.core.internal.runit.GroupLayout layout =
                    new dev.pgroup.core.internal.runit.GroupLayout(group.directory());
            // What a start looks like between launching runsvdir and writing its pid file.
            Files.delete(layout.runsvdirPidFile());
            try (dev.pgroup.core.internal.runit.StartLock ignored = dev.pgroup.core.internal.runit.StartLock.acquire(
                    layout, group.id(), dev.pgroup.core.internal.os.Deadline.in(Duration.ofSeconds(5)))) {
                PruneReport report = engine.prune();

                assertThat(report.actions()).noneSatisfy(a -> assertThat(a).contains(group.id()));
                assertThat(runsvdirsOf(group.directory())).isEqualTo(1);
            }
            // Without a start in progress, the same state is an orphaned group: prune stops it.
            assertThat(engine.prune().actions()).anySatisfy(a -> assertThat(a).contains("stopped the orphaned"));
        }
        assertThat(leftovers.running()).isEmpty();
    }

    @Test
    void fourThreadsWithEnginesOfTheirOwnStartOneGroupOnce() throws Exception {
        Path base = tmp.resolve("base");
        Path def = TestEngines.definition(
                tmp,
                """
                [[process]]
                name = "a"
                command = ["sleep", "1000"]
                """);
        List<PGroupEngine> engines = new ArrayList<>();
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(4);
        try (PGroupEngine creator = TestEngines.engine(base, leftovers.environment());
                Group group = creator.create(def)) {
            for (int i = 0; i < 4; i++) {
                engines.add(TestEngines.engine(base, leftovers.environment()));
            }
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.CompletableFuture<String>> results = new ArrayList<>();
            for (PGroupEngine e : engines) {
                Group mine = e.open(group.id());
                results.add(java.util.concurrent.CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                go.await();
                                mine.start(Duration.ofSeconds(30));
                                return "started";
                            } catch (RuntimeException ex) {
                                return "failed: " + ex.getMessage();
                            } catch (InterruptedException ex) {
                                Thread.currentThread().interrupt();
                                return "interrupted";
                            }
                        },
                        threads));
            }
            go.countDown();
            List<String> outcomes = results.stream()
                    .map(java.util.concurrent.CompletableFuture::join)
                    .toList();

            assertThat(outcomes).filteredOn(r -> r.equals("started")).hasSize(1);
            assertThat(outcomes).filteredOn(r -> !r.equals("started")).allSatisfy(r -> assertThat(r)
                    .contains("is already started"));
            assertThat(runsvdirsOf(group.directory())).isEqualTo(1);
        } finally {
            threads.shutdownNow();
            engines.forEach(PGroupEngine::close);
        }
        assertThat(leftovers.after(Duration.ofSeconds(3)))
                .as("left after terminate")
                .isEmpty();
    }
}
