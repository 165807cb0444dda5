package dev.pgroup.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgroup.Manifest;
import dev.pgroup.core.internal.os.Deadline;
import dev.pgroup.core.internal.os.Processes;
import dev.pgroup.core.internal.runit.GroupLayout;
import dev.pgroup.core.internal.runit.SupervisedState;
import dev.pgroup.core.model.ProcessState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Groups die with the JVM that owns them, even when it is SIGKILLed; prune cleans the rest. */
@ExtendWith(GroupsExtension.class)
class OwnerLeaseTest {
    @TempDir
    Path tmp;

    /** Every process of a running group: runsvdir, each runsv, each service and each svlogd. */
    static List<ProcessHandle> processesOf(Manifest m) throws Exception {
        GroupLayout layout = new GroupLayout(m.directory());
        String[] pidFile = Files.readString(layout.runsvdirPidFile()).trim().split(" ");
        ProcessHandle runsvdir = ProcessHandle.of(Long.parseLong(pidFile[0])).orElseThrow();
        List<ProcessHandle> all = new ArrayList<>(runsvdir.descendants().toList());
        all.add(runsvdir);
        for (Manifest.ProcessInfo p : m.processes()) {
            SupervisedState service = SupervisedState.read(p.directory());
            SupervisedState logger = SupervisedState.read(p.directory().resolve("log"));
            assertThat(service.pid()).isPositive();
            assertThat(logger.pid()).isPositive();
        }
        return all;
    }

    @Test
    void sigkilledOwnerTakesItsGroupDownWithinThreeSecondsAndItsPortsAreFreeAgain() throws Exception {
        Path base = tmp.resolve("base");
        List<ProcessHandle> processes = new ArrayList<>();
        Set<Integer> ports = new HashSet<>();
        Manifest manifest;
        try (ChildJvm child =
                new ChildJvm(base, TestEngines.DATABASE, TestEngines.definition("redis-pair"), 1, "start")) {
            manifest = Manifest.read(child.manifests.get(0));
            processes.addAll(processesOf(manifest));
            manifest.processes().forEach(p -> ports.addAll(p.ports().values()));
            assertThat(processes).hasSizeGreaterThanOrEqualTo(7); // runsvdir, 2 runsv, 2 redis, 2 svlogd

            child.process.destroyForcibly(); // SIGKILL: no shutdown hook runs
            child.process.waitFor();
            long killed = System.nanoTime();

            boolean gone = Deadline.in(Duration.ofSeconds(3))
                    .await(() -> processes.stream().noneMatch(Processes::isRunning), Duration.ofMillis(20));
            assertThat(gone)
                    .as(
                            "still running %s ms after the kill: %s",
                            (System.nanoTime() - killed) / 1_000_000,
                            processes.stream()
                                    .filter(Processes::isRunning)
                                    .map(h -> h.pid() + " " + h.info().command().orElse("?"))
                                    .toList())
                    .isTrue();
        }
        try (PGroupEngine engine = TestEngines.engine(base)) {
            // The leases of a dead owner are reclaimable, and prune releases them and deletes the files.
            PruneReport report = engine.prune();
            assertThat(report.actions()).anySatisfy(a -> assertThat(a).contains("removed group " + manifest.groupId()));
            assertThat(engine.leases().allLeasedPorts()).doesNotContainAnyElementsOf(ports);
            assertThat(manifest.directory()).doesNotExist();
            ports.forEach(port -> assertThat(dev.pgroup.core.internal.state.PortLeases.isUsable(port))
                    .isTrue());
        }
    }

    @Test
    void sigkilledRunsvdirLeavesOrphansThatPruneStops(Groups groups) throws Exception {
        Group group = groups.started(TestEngines.definition("redis-single"));
        List<ProcessHandle> processes = processesOf(group.manifest());
        ProcessHandle runsvdir = processes.get(processes.size() - 1);

        runsvdir.destroyForcibly();
        assertThat(Deadline.in(Duration.ofSeconds(5))
                        .await(() -> !Processes.isRunning(runsvdir), Duration.ofMillis(10)))
                .isTrue();
        List<ProcessHandle> orphans =
                processes.stream().filter(Processes::isRunning).toList();
        assertThat(orphans).as("runsv, redis and svlogd outlive runsvdir").hasSizeGreaterThanOrEqualTo(3);
        assertThat(group.status().get(0).state()).isEqualTo(ProcessState.FAIL);

        PruneReport report = groups.engine().prune();

        assertThat(report.actions())
                .anySatisfy(a -> assertThat(a).contains("orphaned processes of group " + group.id()));
        assertThat(orphans).noneMatch(Processes::isRunning);
        // The owner is alive, so the group stays usable: it starts again.
        group.start(Duration.ofSeconds(20));
        assertThat(RedisPairTest.redis(group.port("redis", "main"), "PING")).isEqualTo("+PONG");
    }

    @Test
    void detachedGroupOutlivesItsCreatorAndIsNotPruned() throws Exception {
        Path base = tmp.resolve("base");
        try (PGroupEngine engine = TestEngines.engine(base)) {
            Group group = engine.create(
                    TestEngines.definition("redis-single"),
                    CreateOptions.defaults().withDetached(true));
            try {
                group.start(Duration.ofSeconds(20));
                assertThat(group.isDetached()).isTrue();

                engine.prune();

                assertThat(group.isRunning()).isTrue();
                assertThat(engine.list()).anySatisfy(info -> {
                    assertThat(info.id()).isEqualTo(group.id());
                    assertThat(info.detached()).isTrue();
                    assertThat(info.running()).isTrue();
                });
            } finally {
                group.terminate();
            }
        }
    }

    @Test
    void fourJvmsCreatingFiftyGroupsEachLeaseNoPortTwice() throws Exception {
        Path base = tmp.resolve("base");
        List<ChildJvm> children = new ArrayList<>();
        try {
            List<Thread> starters = new ArrayList<>();
            List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
            for (int i = 0; i < 4; i++) {
                Thread t = new Thread(() -> {
                    try {
                        ChildJvm c = new ChildJvm(
                                base, TestEngines.DATABASE, TestEngines.definition("redis-pair"), 50, "create");
                        synchronized (children) {
                            children.add(c);
                        }
                    } catch (Exception e) {
                        failures.add(e);
                    }
                });
                t.start();
                starters.add(t);
            }
            for (Thread t : starters) {
                t.join();
            }
            assertThat(failures).isEmpty();
            List<Integer> ports = new ArrayList<>();
            for (ChildJvm c : children) {
                for (Path m : c.manifests) {
                    Manifest.read(m)
                            .processes()
                            .forEach(p -> ports.addAll(p.ports().values()));
                }
            }
            assertThat(ports).hasSize(4 * 50 * 2);
            assertThat(new HashSet<>(ports)).as("duplicate ports").hasSize(ports.size());
        } finally {
            for (ChildJvm c : children) {
                c.finish();
            }
        }
    }
}
