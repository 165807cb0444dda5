package dev.pgroup.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgroup.core.internal.os.Deadline;
import dev.pgroup.core.internal.os.Processes;
import dev.pgroup.core.internal.runit.SupervisedState;
import dev.pgroup.core.internal.state.PortLeases;
import dev.pgroup.core.model.PGroupException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every process a service started is gone after stop, terminate and prune, however it detached
 * (issue 9, items 7 and 11), and stop stays fast when orphans hold svlogd's pipe.
 */
class NeverLeakTest {
    private static final String DETACHING =
            """
            [[process]]
            name = "escaper"
            command = ["/bin/sh", "-c", "(setsid sleep 1000 &) ; (sleep 1000 &); exec sleep 1000"]
            """;

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

    private PGroupEngine engine() {
        return TestEngines.engine(tmp.resolve("base"), leftovers.environment());
    }

    /** Waits until the group's services run and every child of theirs has been forked. */
    private void awaitProcesses(int count) {
        assertThat(Deadline.in(Duration.ofSeconds(10))
                        .await(() -> leftovers.running().size() >= count, Duration.ofMillis(20)))
                .as("%s processes running; have %s", count, leftovers.running())
                .isTrue();
    }

    @Test
    void setsidAndBackgroundedChildrenAreGoneAfterStopAndStopIsFast() throws Exception {
        try (PGroupEngine engine = engine();
                Group group = engine.create(TestEngines.definition(tmp, DETACHING))) {
            group.start(Duration.ofSeconds(20));
            awaitProcesses(6); // runsvdir, runsv, svlogd and 3 sleeps (and the watchdog)

            long begin = System.nanoTime();
            group.stop();
            Duration took = Duration.ofNanos(System.nanoTime() - begin);

            assertThat(leftovers.running()).as("left after stop").isEmpty();
            assertThat(took).as("orphans held svlogd's pipe; stop took 5-6 s").isLessThan(Duration.ofSeconds(2));
        }
    }

    @Test
    void childrenOfADetachedGroupAreGoneAfterAnotherEngineTerminatesIt() throws Exception {
        String id;
        try (PGroupEngine engine = engine()) {
            Group group = engine.create(
                    TestEngines.definition(tmp, DETACHING),
                    CreateOptions.defaults().withDetached(true));
            id = group.id();
            group.start(Duration.ofSeconds(20));
        }
        awaitProcesses(6);
        try (PGroupEngine other = engine()) {
            other.open(id).terminate();
        }
        assertThat(leftovers.running()).as("left after terminate").isEmpty();
    }

    @Test
    void childForkedInATermTrapIsGoneAfterStop() throws Exception {
        String toml =
                """
                [[process]]
                name = "trapper"
                command = ["/bin/sh", "-c", "trap 'sleep 1000 & exit 0' TERM; echo up; while :; do sleep 0.05; done"]
                ready = { log = "^up$" }
                """;
        try (PGroupEngine engine = engine();
                Group group = engine.create(TestEngines.definition(tmp, toml))) {
            group.start(Duration.ofSeconds(20));

            long begin = System.nanoTime();
            group.stop();
            Duration took = Duration.ofNanos(System.nanoTime() - begin);

            assertThat(leftovers.running()).as("left after stop").isEmpty();
            assertThat(took).isLessThan(Duration.ofSeconds(3));
        }
    }

    @Test
    void daemonizingRedisDoesNotKeepRunningOnTheReleasedPort() throws Exception {
        Path redis = Daemons.require("redis-server");
        String toml =
                """
                [[process]]
                name = "redis"
                command = ["%s", "--port", "{{port.main}}", "--daemonize", "yes", "--save", "",
                           "--pidfile", "{{process.dir}}/redis.pid"]
                ports = ["main"]
                ready = { tcp = "main" }
                """
                        .formatted(redis);
        int port;
        try (PGroupEngine engine = engine();
                Group group = engine.create(TestEngines.definition(tmp, toml))) {
            port = group.port("redis", "main");
            try {
                group.start(Duration.ofSeconds(5));
            } catch (PGroupException expected) {
                // runsv restarts the parent that exited, and the restart cannot bind: start may fail.
            }
        }
        assertThat(leftovers.after(Duration.ofSeconds(1)))
                .as("left after terminate")
                .isEmpty();
        assertThat(PortLeases.isUsable(port)).as("port %s free", port).isTrue();
    }

    @Test
    void serviceAndLoggerOfAKilledRunsvAreGoneAfterStop() throws Exception {
        String toml =
                """
                [[process]]
                name = "sleeper"
                command = ["sleep", "1000"]
                """;
        try (PGroupEngine engine = engine();
                Group group = engine.create(TestEngines.definition(tmp, toml))) {
            group.start(Duration.ofSeconds(20));
            Path service = group.directory().resolve("sleeper");
            long oldService = SupervisedState.read(service).pid();
            ProcessHandle runsv =
                    ProcessHandle.of(oldService).flatMap(ProcessHandle::parent).orElseThrow();
            assertThat(runsv.info().command().orElse("")).endsWith("runsv");

            runsv.destroyForcibly(); // kill -9: runsvdir starts a new runsv and a second sleep
            assertThat(Deadline.in(Duration.ofSeconds(10))
                            .await(
                                    () -> {
                                        long now = SupervisedState.read(service).pid();
                                        return now > 0 && now != oldService;
                                    },
                                    Duration.ofMillis(20)))
                    .as("runsvdir started a new runsv and service")
                    .isTrue();
            assertThat(ProcessHandle.of(oldService).filter(Processes::isRunning))
                    .as("the old service lives on")
                    .isPresent();

            group.stop();

            assertThat(leftovers.running()).as("left after stop").isEmpty();
        }
    }

    @Test
    void prunedDeadOwnersGroupLeavesNoOrphan() throws Exception {
        Path base = tmp.resolve("base");
        Path def = TestEngines.definition(tmp, DETACHING);
        Path db = tmp.resolve("db").resolve("pgroup.db"); // a prune of its own: other tests' groups are theirs
        try (ChildJvm child = new ChildJvm(base, db, def, 1, "start", leftovers.environment())) {
            awaitProcesses(6);
            child.process.destroyForcibly(); // the owner's pipe closes: its watchdog tears down
            child.process.waitFor();
        }
        assertThat(leftovers.after(Duration.ofSeconds(5)))
                .as("left after the owner died")
                .isEmpty();
        try (PGroupEngine engine = PGroupEngine.builder()
                .baseDir(base)
                .database(db)
                .environment(leftovers.environment())
                .build()) {
            assertThat(engine.prune().actions()).anySatisfy(a -> assertThat(a).contains("removed group"));
        }
        assertThat(leftovers.running()).isEmpty();
    }
}
