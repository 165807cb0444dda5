package dev.pgroup.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgroup.core.internal.os.Deadline;
import dev.pgroup.core.internal.seed.SeedCache;
import dev.pgroup.core.model.PGroupException;
import dev.pgroup.core.model.SeedInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed cache with real seeds and real groups: run once per key, reused, re-run when an input
 * changes, run once when two JVMs race, never cached when it fails, pruned when unused. Each test
 * has a database of its own, so that its seeds dir (next to the database) is its own too.
 */
class SeedCacheTest {
    @TempDir
    Path tmp;

    private Path database;
    private Path base;
    private Path counter;
    private PGroupEngine engine;

    @BeforeEach
    void engine() throws IOException {
        database = Files.createDirectories(tmp.resolve("state")).resolve("pgroup.db");
        base = tmp.resolve("base");
        counter = tmp.resolve("seed-runs");
        engine = PGroupEngine.builder().baseDir(base).database(database).build();
    }

    @AfterEach
    void close() {
        engine.close();
    }

    /** A definition whose seed counts its runs and writes data/greeting; the process prints it. */
    private Path definition(String greeting) throws IOException {
        Path def = Files.createDirectories(tmp.resolve("def"));
        Files.writeString(
                def.resolve("group.toml"),
                """
                [[process]]
                name = "db"
                command = ["sh", "-c", "cat data/greeting; exec sleep 60"]
                ready = { log = "^hello" }
                seed = { command = ["sh", "{{definition.dir}}/seed.sh", "{{seed.dir}}", "{{seed.port}}"], inputs = ["seed.sh", "greeting.txt"] }
                """);
        Files.writeString(
                def.resolve("seed.sh"),
                "echo run >> '" + counter + "'\n" + "mkdir \"$1/data\"\n"
                        + "cp \"$(dirname \"$0\")/greeting.txt\" \"$1/data/greeting\"\n"
                        + "echo \"port $2\" > \"$1/data/seed-port\"\n");
        Files.writeString(def.resolve("greeting.txt"), greeting + "\n");
        return def;
    }

    private int seedRuns() throws IOException {
        return Files.exists(counter) ? Files.readAllLines(counter).size() : 0;
    }

    private static String greeting(Group g) {
        String line = g.logTail("db", 1).get(0);
        return line.substring(line.indexOf(' ') + 1);
    }

    @Test
    void aSecondGroupReusesTheSeedAndGetsItsOwnCopy() throws Exception {
        Path def = definition("hello one");

        try (Group first = engine.create(def);
                Group second = engine.create(def)) {
            first.start(Duration.ofSeconds(20));
            second.start(Duration.ofSeconds(20));

            assertThat(seedRuns()).isEqualTo(1);
            assertThat(greeting(first)).isEqualTo("hello one");
            assertThat(greeting(second)).isEqualTo("hello one");
            Path mine = first.directory().resolve("db/data/greeting");
            Path theirs = second.directory().resolve("db/data/greeting");
            assertThat((Integer) Files.getAttribute(mine, "unix:nlink")).isEqualTo(1);
            Files.writeString(mine, "changed by the first group\n");
            assertThat(Files.readString(theirs)).isEqualTo("hello one\n");
            assertThat(engine.seeds()).singleElement().satisfies(s -> {
                assertThat(s.process()).isEqualTo("db");
                assertThat(s.bytes()).isPositive();
            });
            String seedPort = Files.readString(first.directory().resolve("db/data/seed-port"));
            assertThat(seedPort).matches("port \\d+\\n");
        }
    }

    @Test
    void theCachedSeedIsReadOnlyAndCreatesTakeCopiesMadeAhead() throws Exception {
        Path def = definition("hello pool");
        try (Group first = engine.create(def)) {
            SeedInfo seed = engine.seeds().get(0);
            Path cached = SeedCache.seedsDir(database).resolve(seed.key());
            assertThat(Files.isWritable(cached.resolve("data/greeting"))
                            && !"root".equals(System.getProperty("user.name")))
                    .isFalse();
            assertThat(Files.getPosixFilePermissions(cached.resolve("data/greeting")))
                    .noneMatch(p -> p.name().endsWith("WRITE"));
            Path pool = base.resolve(".seed-pool").resolve(seed.key());
            boolean filled = Deadline.in(Duration.ofSeconds(20)).await(() -> count(pool) == 2, Duration.ofMillis(50));
            assertThat(filled).as("two copies made ahead in " + pool).isTrue();

            try (Group second = engine.create(def)) {
                second.start(Duration.ofSeconds(20));
                assertThat(greeting(second)).isEqualTo("hello pool");
                assertThat(Files.isWritable(second.directory().resolve("db/data/greeting")))
                        .isTrue();
            }
            assertThat(engine.seeds().get(0).pooledCopies()).isBetween(1, 2);
        }
    }

    private static long count(Path dir) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> !p.getFileName().toString().startsWith(".")).count();
        } catch (IOException e) {
            return 0;
        }
    }

    @Test
    void changingAnInputSeedsAgain() throws Exception {
        Path def = definition("hello before");
        try (Group before = engine.create(def)) {
            before.start(Duration.ofSeconds(20));
            assertThat(greeting(before)).isEqualTo("hello before");
        }

        Files.writeString(def.resolve("greeting.txt"), "hello after\n");
        try (Group after = engine.create(def)) {
            after.start(Duration.ofSeconds(20));
            assertThat(greeting(after)).isEqualTo("hello after");
        }
        assertThat(seedRuns()).isEqualTo(2);
        assertThat(engine.seeds()).hasSize(2);
    }

    @Test
    void twoJvmsRacingForANewSeedRunItOnce() throws Exception {
        Path def = definition("hello race");
        // Long enough that both JVMs want the seed while it runs.
        Files.writeString(def.resolve("seed.sh"), "sleep 1\n" + Files.readString(def.resolve("seed.sh")));

        try (ChildJvm a = new ChildJvm(tmp.resolve("base-a"), database, def, 1, "create");
                ChildJvm b = new ChildJvm(tmp.resolve("base-b"), database, def, 1, "create")) {
            assertThat(a.manifests).hasSize(1);
            assertThat(b.manifests).hasSize(1);
            a.finish();
            b.finish();
        }
        assertThat(seedRuns()).isEqualTo(1);
        assertThat(engine.seeds()).hasSize(1);
    }

    @Test
    void aFailingSeedFailsCreateWithItsLogAndIsNotCached() throws Exception {
        Path def = definition("hello never");
        Files.writeString(
                def.resolve("seed.sh"),
                "echo run >> '" + counter + "'\necho 'schema.sql: syntax error at line 3'\nexit 3\n");

        for (int attempt = 1; attempt <= 2; attempt++) {
            assertThatThrownBy(() -> engine.create(def))
                    .isInstanceOf(PGroupException.class)
                    .hasMessageContaining("seed of process \"db\" (key ")
                    .hasMessageContaining("exit status 3")
                    .hasMessageContaining("schema.sql: syntax error at line 3");
            // Not cached: the next create runs it again.
            assertThat(seedRuns()).isEqualTo(attempt);
        }
        assertThat(engine.seeds()).isEmpty();
        assertThat(engine.groupIds()).isEmpty();
        assertThat(listing(base.resolve(".seeding"))).isEmpty();
        assertThat(engine.leases().allLeasedPorts()).isEmpty();
    }

    @Test
    void aHangingSeedIsKilledAtItsTimeoutWithWhatItStarted() throws Exception {
        Path def = definition("hello hang");
        Files.writeString(
                def.resolve("group.toml"),
                Files.readString(def.resolve("group.toml")).replace("inputs = [", "timeout = \"1s\", inputs = ["));
        Files.writeString(def.resolve("seed.sh"), "echo starting\nsleep 3171\n");

        assertThatThrownBy(() -> engine.create(def))
                .isInstanceOf(PGroupException.class)
                .hasMessageContaining("did not finish within its timeout of 1000 ms")
                .hasMessageContaining("starting");
        assertThat(ProcessHandle.allProcesses()
                        .filter(p -> p.info().commandLine().orElse("").contains("sleep 3171")))
                .isEmpty();
        assertThat(engine.seeds()).isEmpty();
        assertThat(engine.leases().allLeasedPorts()).isEmpty();
    }

    @Test
    void pruneRemovesASeedNoGroupUsedForAWhileAndKeepsARecentOne() throws Exception {
        Path def = definition("hello old");
        try (Group g = engine.create(def)) {
            // The copies made ahead are removed with the seed.
            Deadline.in(Duration.ofSeconds(20))
                    .await(
                            () -> count(base.resolve(".seed-pool")
                                            .resolve(engine.seeds().get(0).key()))
                                    == 2,
                            Duration.ofMillis(50));
        }
        String oldKey = engine.seeds().get(0).key();
        Files.setLastModifiedTime(
                SeedCache.seedsDir(database).resolve(oldKey + ".info"),
                FileTime.from(Instant.now().minus(Duration.ofDays(3))));
        Files.writeString(def.resolve("greeting.txt"), "hello new\n");
        engine.create(def).close();

        PruneReport report = engine.pruneSeeds(Duration.ofDays(2));

        assertThat(report.actions()).anyMatch(a -> a.startsWith("removed seed " + oldKey));
        assertThat(engine.seeds()).singleElement().satisfies(s -> assertThat(s.key())
                .isNotEqualTo(oldKey));
        assertThat(SeedCache.seedsDir(database).resolve(oldKey)).doesNotExist();
        assertThat(base.resolve(".seed-pool").resolve(oldKey)).doesNotExist();
    }

    @Test
    void pruneRemovesWhatAKilledJvmLeftWhileSeedingButNotASeedThatRuns() throws Exception {
        Path def = definition("hello leftovers");
        engine.create(def).close();
        String key = engine.seeds().get(0).key();
        // A JVM killed during a seed leaves its work dir; one killed while copying ahead, a .tmp- copy.
        Path work = Files.createDirectories(base.resolve(".seeding").resolve(key + "-killed"));
        Files.writeString(work.resolve("half-written"), "x");
        Path half =
                Files.createDirectories(base.resolve(".seed-pool").resolve(key).resolve(".tmp-killed"));
        Files.setLastModifiedTime(half, FileTime.from(Instant.now().minus(Duration.ofHours(1))));

        PruneReport report = engine.pruneSeeds(Duration.ofDays(1));

        assertThat(work).doesNotExist();
        assertThat(half).doesNotExist();
        assertThat(report.actions())
                .anyMatch(a -> a.startsWith("removed the work dir of a seed that never finished"))
                .anyMatch(a -> a.startsWith("removed an unfinished copy of seed " + key));
        assertThat(engine.seeds()).hasSize(1);
    }

    @Test
    void aPruneWhileASeedRunsLeavesItsPortLeased() throws Exception {
        Path def = definition("hello prune");
        Path go = tmp.resolve("go");
        // The seed waits (with a deadline) until the test has pruned.
        Files.writeString(
                def.resolve("seed.sh"),
                "i=0; while [ ! -f '" + go + "' ] && [ $i -lt 1000 ]; do sleep 0.02; i=$((i+1)); done\n"
                        + Files.readString(def.resolve("seed.sh")));
        java.util.concurrent.CompletableFuture<Group> create =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> engine.create(def));
        try {
            boolean leased = Deadline.in(Duration.ofSeconds(20))
                    .await(() -> !engine.leases().allLeasedPorts().isEmpty(), Duration.ofMillis(20));
            assertThat(leased).as("the seed's port leased").isTrue();
            java.util.Set<Integer> seedPort = engine.leases().allLeasedPorts();

            PruneReport report = engine.prune();

            assertThat(engine.leases().allLeasedPorts())
                    .as(report.actions().toString())
                    .isEqualTo(seedPort);
        } finally {
            Files.writeString(go, "");
            create.get().close();
        }
        assertThat(Files.readString(counter)).isEqualTo("run\n");
        assertThat(engine.leases().allLeasedPorts()).isEmpty();
    }

    private static List<Path> listing(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }
}
