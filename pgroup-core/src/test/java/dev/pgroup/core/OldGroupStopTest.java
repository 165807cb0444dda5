package dev.pgroup.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgroup.Manifest;
import dev.pgroup.core.internal.os.Deadline;
import dev.pgroup.core.internal.os.Processes;
import dev.pgroup.core.internal.runit.GroupLayout;
import dev.pgroup.core.internal.runit.OwnedGroupStop;
import dev.pgroup.core.internal.runit.SupervisedState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stop of a group this JVM owns whose processes all ran longer than runsv's 1 s back-off: HUP
 * through the lease and one wait for the watchdog's exit ({@link OwnedGroupStop}), and the polling
 * stop for whatever that does not settle (a young group, a detached one, a dead launcher, a service
 * that ignores TERM, a stray that keeps the watchdog alive). Nothing is left running in any case.
 */
class OldGroupStopTest {
    private static final String SLEEPERS =
            """
            [[process]]
            name = "a"
            command = ["sleep", "1000"]
            [[process]]
            name = "b"
            command = ["sleep", "1000"]
            """;
    /** Older than this, runsv does not sleep after its service exits (DESIGN.md). */
    private static final Duration OLD = Duration.ofMillis(1_300);

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

    private static GroupLayout layout(Group group) {
        return new GroupLayout(group.manifest().directory());
    }

    private static Map<String, Duration> timeouts(Group group, Duration each) {
        Map<String, Duration> out = new LinkedHashMap<>();
        group.manifest().processes().forEach(p -> out.put(p.name(), each));
        return out;
    }

    /** Waits until every service and svlogd of the group has run longer than runsv's back-off. */
    private static void awaitOld(Group group) {
        assertThat(Deadline.in(Duration.ofSeconds(10)).await(() -> isOld(group), Duration.ofMillis(50)))
                .as("every process of %s ran %s", group, OLD)
                .isTrue();
    }

    private static boolean isOld(Group group) {
        Instant old = Instant.now().minus(OLD);
        for (Manifest.ProcessInfo p : group.manifest().processes()) {
            for (Path dir : List.of(p.directory(), p.directory().resolve("log"))) {
                SupervisedState s = SupervisedState.read(dir);
                if (s.kind() != SupervisedState.Kind.RUN || !s.since().isBefore(old)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The watchdog, runsvdir and every process under runsvdir. */
    private static List<ProcessHandle> processesOf(Group group) throws Exception {
        List<ProcessHandle> all = new ArrayList<>(OwnerLeaseTest.processesOf(group.manifest()));
        String[] watchdog =
                Files.readString(layout(group).watchdogPidFile()).trim().split("\\s+");
        all.add(ProcessHandle.of(Long.parseLong(watchdog[0])).orElseThrow());
        return all;
    }

    private static List<Long> running(List<ProcessHandle> processes) {
        return processes.stream()
                .filter(Processes::isRunning)
                .map(ProcessHandle::pid)
                .toList();
    }

    @Test
    void anOldGroupThisJvmOwnsIsStoppedByItsWatchdogsExitAndNothingOfItRuns() throws Exception {
        try (PGroupEngine engine = engine();
                Group group = engine.create(TestEngines.definition(tmp, SLEEPERS))) {
            group.start(Duration.ofSeconds(20));
            awaitOld(group);
            List<ProcessHandle> processes = processesOf(group);
            assertThat(processes).hasSizeGreaterThanOrEqualTo(8); // watchdog, runsvdir, 2 x (runsv, svlogd, sleep)

            OwnedGroupStop.Outcome outcome =
                    OwnedGroupStop.tryStop(layout(group), timeouts(group, Duration.ofSeconds(10)));

            assertThat(outcome.signalled()).isTrue();
            assertThat(outcome.gone()).as("the watchdog's exit was reported").isTrue();
            assertThat(running(processes)).as("still running").isEmpty();
            group.stop();
            assertThat(group.isRunning()).isFalse();
            assertThat(leftovers.running()).isEmpty();
        }
    }

    @Test
    void aYoungGroupIsNotStoppedByTheWatchdogsExitSoNoRunsvSleepsItsBackOff() throws Exception {
        try (PGroupEngine engine = engine();
                Group group = engine.create(TestEngines.definition(tmp, SLEEPERS))) {
            group.start(Duration.ofSeconds(20));
            assertThat(isOld(group)).as("young right after its start").isFalse();

            OwnedGroupStop.Outcome outcome =
                    OwnedGroupStop.tryStop(layout(group), timeouts(group, Duration.ofSeconds(10)));

            assertThat(outcome).isEqualTo(OwnedGroupStop.Outcome.NOT_TRIED);
            assertThat(group.isRunning()).as("untouched").isTrue();
            group.stop();
            assertThat(leftovers.running()).isEmpty();
        }
    }

    @Test
    void aYoungGroupsStopEndsOnItsWatchdogsExitOnceEachRunsvIsKilledAndNothingOfItRuns() throws Exception {
        try (PGroupEngine engine = engine();
                Group group = engine.create(TestEngines.definition(tmp, SLEEPERS))) {
            group.start(Duration.ofSeconds(20));
            List<ProcessHandle> processes = processesOf(group);
            assertThat(isOld(group)).isFalse();

            group.stop();

            assertThat(running(processes)).as("still running").isEmpty();
            assertThat(group.isRunning()).isFalse();
        }
    }

    @Test
    void anOldDetachedGroupIsStoppedByPollingAndNothingOfItRuns() throws Exception {
        try (PGroupEngine engine = engine();
                Group group = engine.create(
                        TestEngines.definition(tmp, SLEEPERS),
                        CreateOptions.defaults().withDetached(true))) {
            group.start(Duration.ofSeconds(20));
            awaitOld(group);
            List<ProcessHandle> processes = processesOf(group);

            assertThat(OwnedGroupStop.tryStop(layout(group), timeouts(group, Duration.ofSeconds(10))))
                    .as("no lease in this JVM: nothing to wait on")
                    .isEqualTo(OwnedGroupStop.Outcome.NOT_TRIED);
            group.stop();

            assertThat(running(processes)).as("still running").isEmpty();
            assertThat(group.isRunning()).isFalse();
        }
    }

    @Test
    void anOldGroupWhoseLauncherWasKilledStopsByPollingAndNothingOfItRuns() throws Exception {
        try (PGroupEngine engine = engine();
                Group group = engine.create(TestEngines.definition(tmp, SLEEPERS))) {
            group.start(Duration.ofSeconds(20));
            awaitOld(group);
            List<ProcessHandle> processes = processesOf(group);
            ProcessHandle watchdog = processes.get(processes.size() - 1);
            ProcessHandle launcher = watchdog.parent().orElseThrow();

            launcher.destroyForcibly();
            group.stop();

            assertThat(running(processes)).as("still running").isEmpty();
            assertThat(group.isRunning()).isFalse();
            assertThat(leftovers.running()).isEmpty();
        }
    }

    @Test
    void aServiceOfAnOldGroupThatIgnoresTermIsKilledAtItsStopTimeoutNotBefore() throws Exception {
        String toml =
                """
                [[process]]
                name = "stubborn"
                command = ["perl", "-e", "$SIG{TERM} = 'IGNORE'; $| = 1; print qq(up\\n); sleep 1 while 1"]
                ready = { log = "^up$" }
                stop_timeout = "1s"
                [[process]]
                name = "plain"
                command = ["sleep", "1000"]
                """;
        try (PGroupEngine engine = engine();
                Group group = engine.create(TestEngines.definition(tmp, toml))) {
            group.start(Duration.ofSeconds(20));
            awaitOld(group);
            List<ProcessHandle> processes = processesOf(group);

            long begin = System.nanoTime();
            group.stop();
            Duration took = Duration.ofNanos(System.nanoTime() - begin);

            assertThat(took).as("killed at its stop_timeout, not before").isGreaterThanOrEqualTo(Duration.ofSeconds(1));
            assertThat(running(processes)).as("still running").isEmpty();
            assertThat(group.isRunning()).isFalse();
        }
    }

    @Test
    void strayChildrenOfAnOldGroupAreGoneAfterStop() throws Exception {
        String toml =
                """
                [[process]]
                name = "escaper"
                command = ["/bin/sh", "-c", "(setsid sleep 1000 &) ; (sleep 1000 &); exec sleep 1000"]
                """;
        try (PGroupEngine engine = engine();
                Group group = engine.create(TestEngines.definition(tmp, toml))) {
            group.start(Duration.ofSeconds(20));
            awaitOld(group);
            assertThat(leftovers.running()).as("the strays run").hasSizeGreaterThanOrEqualTo(3);

            group.stop();

            assertThat(leftovers.running()).as("left after stop").isEmpty();
            assertThat(group.isRunning()).isFalse();
        }
    }

    @Test
    void terminateRightAfterAStopStillStopsWhatAnotherStartRanSince() throws Exception {
        try (PGroupEngine engine = engine();
                Group group = engine.create(TestEngines.definition(tmp, SLEEPERS))) {
            group.start(Duration.ofSeconds(20));
            group.stop();
            // Another object for the same group starts it between this one's stop and terminate.
            Group other = engine.open(group.id());
            other.start(Duration.ofSeconds(20));
            List<ProcessHandle> processes = processesOf(other);
            Path dir = group.manifest().directory();

            group.terminate();

            assertThat(running(processes)).as("still running").isEmpty();
            assertThat(Files.exists(dir)).as("its dir deleted").isFalse();
        }
    }
}
