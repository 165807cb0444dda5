package dev.pgroup.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.pgroup.core.internal.os.Processes;
import dev.pgroup.core.internal.runit.GroupLayout;
import dev.pgroup.core.internal.state.Owner;
import dev.pgroup.core.internal.state.PortLeases;
import dev.pgroup.core.model.PGroupException;
import dev.pgroup.core.model.ProcessState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * prune deletes only what is provably a pgroup group and stops only what pgroup provably started
 * (issue 9, items 1, 2, 3 and 8); a group whose dir was deleted while it ran is stopped, by prune or
 * terminate, before its ports are released. Each test has a database of its own, as another user's or another
 * build's would be.
 */
class PruneSafetyTest {
    @TempDir
    Path tmp;

    /** Processes a test started or watched; any still running at the end are killed, and fail it. */
    private final List<ProcessHandle> started = new ArrayList<>();

    @AfterEach
    void nothingLeftRunning() {
        List<ProcessHandle> left = started.stream().filter(Processes::isRunning).toList();
        left.forEach(ProcessHandle::destroyForcibly);
        assertThat(left).as("processes left running").isEmpty();
    }

    private PGroupEngine engine(String database) {
        return PGroupEngine.builder()
                .baseDir(tmp.resolve("base"))
                .database(tmp.resolve(database).resolve("pgroup.db"))
                .build();
    }

    private static void backdate(Path dir) throws Exception {
        Files.setLastModifiedTime(dir, FileTime.from(Instant.now().minus(Duration.ofDays(1))));
    }

    /** A dir that looks like a group left by a crash: id name, .pgroup with runtime settings, old. */
    private Path staleGroupDir(String id) throws Exception {
        Path state = Files.createDirectories(tmp.resolve("base").resolve(id).resolve(".pgroup"));
        Files.writeString(state.resolve("runtime.properties"), "processes=\n");
        backdate(state);
        return state.getParent();
    }

    @Test
    void aHomeDirWithADotPgroupSurvivesPrune() throws Exception {
        // The case: pgroup itself creates ~/.pgroup, so --base-dir /home looked like this.
        Path home = Files.createDirectories(tmp.resolve("base/home1"));
        Files.createDirectories(home.resolve(".pgroup"));
        Files.writeString(home.resolve(".pgroup/pgroup.db"), "not a group's file");
        backdate(home.resolve(".pgroup"));
        Path thesis = Files.createDirectories(home.resolve("projects")).resolve("thesis.tex");
        Files.writeString(thesis, "x");

        try (PGroupEngine engine = engine("db")) {
            PruneReport report = engine.prune();

            assertThat(thesis).hasContent("x");
            assertThat(report.actions())
                    .containsExactly("left " + home + " alone: its .pgroup holds neither manifest.properties nor"
                            + " runtime.properties of this user, so it is not a pgroup group");
        }
    }

    @Test
    void aDirWhoseNameIsNoGroupIdSurvivesPrune() throws Exception {
        Path dir = staleGroupDir("stale-vm-aaaaaa");
        Path odd = tmp.resolve("base/My Files");
        Files.move(dir, odd);

        try (PGroupEngine engine = engine("db")) {
            PruneReport report = engine.prune();

            assertThat(odd.resolve(".pgroup/runtime.properties")).exists();
            assertThat(report.actions())
                    .containsExactly("left " + odd + " alone: its name is not a pgroup group id (ids look like"
                            + " cache-host-k3f9qz)");
        }
    }

    @Test
    void aSymlinkNamedLikeAGroupSurvivesPruneAndSoDoesWhatItPointsTo() throws Exception {
        Path victim = Files.createDirectories(tmp.resolve("victim/.pgroup"));
        Files.writeString(victim.resolve("runtime.properties"), "processes=\n");
        backdate(victim);
        Path precious = Files.writeString(tmp.resolve("victim/precious.txt"), "x");
        Files.createDirectories(tmp.resolve("base"));
        Path link = Files.createSymbolicLink(tmp.resolve("base/stale-vm-aaaaaa"), victim.getParent());

        try (PGroupEngine engine = engine("db")) {
            PruneReport report = engine.prune();

            assertThat(precious).hasContent("x");
            assertThat(link).isSymbolicLink();
            assertThat(report.actions())
                    .containsExactly("left " + link + " alone: it is a symlink, and prune never deletes through one");
        }
    }

    @Test
    void aStaleGroupDirIsDeletedWithoutFollowingASymlinkInsideIt() throws Exception {
        Path dir = staleGroupDir("stale-vm-aaaaaa");
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Path precious = Files.writeString(outside.resolve("precious.txt"), "x");
        Files.createSymbolicLink(dir.resolve("data"), outside);
        Files.createSymbolicLink(dir.resolve(".pgroup/file"), precious);
        backdate(dir.resolve(".pgroup"));

        try (PGroupEngine engine = engine("db")) {
            PruneReport report = engine.prune();

            assertThat(report.actions()).containsExactly("deleted " + dir + ": no group of that id is registered");
            assertThat(dir).doesNotExist();
            assertThat(precious).hasContent("x");
        }
    }

    @Test
    void aRegisteredGroupOfADeadOwnerWhoseDirIsNowASymlinkIsForgottenButNothingIsDeletedThroughTheLink()
            throws Exception {
        Path victim = Files.createDirectories(tmp.resolve("victim/.pgroup"));
        Path precious = Files.writeString(tmp.resolve("victim/precious.txt"), "x");
        Files.createDirectories(tmp.resolve("base"));
        Path link = Files.createSymbolicLink(tmp.resolve("base/dead-vm-aaaaaa"), victim.getParent());
        Process finished = new ProcessBuilder("true").start();
        finished.waitFor();
        Owner dead = new Owner(finished.pid(), Processes.startMillis(finished.toHandle()));

        try (PGroupEngine engine = engine("db")) {
            engine.registry().register("dead-vm-aaaaaa", "dead", link, dead);

            PruneReport report = engine.prune();

            assertThat(report.actions())
                    .containsExactly(
                            "left " + link + " alone: it is a symlink, and prune never deletes through one",
                            "removed group dead-vm-aaaaaa: its owner (pid " + finished.pid() + ") is gone");
            assertThat(precious).hasContent("x");
            assertThat(link).isSymbolicLink();
            assertThat(engine.list()).isEmpty();
        }
    }

    @Test
    void aGroupDirOfAnotherUserSurvivesPrune() throws Exception {
        Path dir = staleGroupDir("stale-vm-aaaaaa");
        OtherUser.chown(dir);

        try (PGroupEngine engine = engine("db")) {
            PruneReport report = engine.prune();

            assertThat(dir.resolve(".pgroup/runtime.properties")).exists();
            assertThat(report.actions())
                    .singleElement()
                    .asString()
                    .startsWith("left " + dir + " alone: it belongs to uid");
        }
    }

    @Test
    void aPlantedPidFileNamingAProcessOfOursIsNeverSignalled() throws Exception {
        Process sleep = new ProcessBuilder("sleep", "600").start();
        try {
            Path dir = staleGroupDir("stale-vm-aaaaaa");
            // The real pid and start time: only the command line and working dir give it away.
            Files.writeString(
                    new GroupLayout(dir).runsvdirPidFile(),
                    sleep.pid() + " " + Processes.startMillis(sleep.toHandle()) + "\n");
            backdate(dir.resolve(".pgroup"));

            try (PGroupEngine engine = engine("db")) {
                engine.prune();
            }

            // HUP or TERM would have ended it at once; a moment's grace shows nothing was on its way.
            assertThat(sleep.waitFor(200, java.util.concurrent.TimeUnit.MILLISECONDS))
                    .isFalse();
            assertThat(Processes.isRunning(sleep.toHandle())).isTrue();
        } finally {
            sleep.destroyForcibly().waitFor();
        }
    }

    @Test
    void pruneWithAnotherDatabaseLeavesARunningGroupAlone() throws Exception {
        try (PGroupEngine a = engine("db-a");
                PGroupEngine b = engine("db-b");
                Group group = a.create(TestEngines.definition("redis-single"))) {
            group.start(Duration.ofSeconds(30));
            List<ProcessHandle> processes = groupProcesses(group);
            started.addAll(processes);
            backdate(group.directory().resolve(".pgroup")); // old enough that no create is in progress

            PruneReport report = b.prune();

            assertThat(report.actions())
                    .containsExactly("left " + group.directory() + " alone: its runsvdir (pid "
                            + processes.get(0).pid() + ") runs, so it is a live group of another database");
            assertThat(processes).allMatch(Processes::isRunning);
            assertThat(group.manifestFile()).exists();
            assertThat(group.status()).allMatch(s -> s.state() == ProcessState.RUN);
        }
    }

    @Test
    void pruneWithAnotherDatabaseLeavesAStoppedGroupOfALiveDatabaseAlone() throws Exception {
        Path databaseA = tmp.resolve("db-a").resolve("pgroup.db");
        Path groupDir;
        try (PGroupEngine a = engine("db-a");
                PGroupEngine b = engine("db-b")) {
            Group group = a.create(TestEngines.definition("redis-single"));
            group.start(Duration.ofSeconds(30));
            group.stop(); // kept, e.g. for the logs of a failed test
            groupDir = group.directory();
            backdate(groupDir.resolve(".pgroup")); // old enough that no create is in progress

            PruneReport report = b.prune();

            assertThat(report.actions())
                    .containsExactly("left " + groupDir + " alone: it is a group of the database "
                            + databaseA.toAbsolutePath().normalize() + ", whose prune decides about it");
            assertThat(groupDir.resolve(".logs/redis/current")).exists();
        }
        // Once that database is gone, nothing else would ever clean the dir: prune deletes it.
        Files.delete(databaseA);
        try (PGroupEngine b = engine("db-b")) {
            PruneReport report = b.prune();

            assertThat(report.actions()).containsExactly("deleted " + groupDir + ": no group of that id is registered");
            assertThat(groupDir).doesNotExist();
        }
    }

    @Test
    void aRunningDetachedGroupWhoseDirWasDeletedIsStoppedBeforeItsPortsAreReleased() throws Exception {
        runningGroupWhoseDirWasDeleted(true);
    }

    @Test
    void aRunningOwnedGroupWhoseDirWasDeletedIsStoppedBeforeItsPortsAreReleased() throws Exception {
        runningGroupWhoseDirWasDeleted(false);
    }

    private void runningGroupWhoseDirWasDeleted(boolean detached) throws Exception {
        try (PGroupEngine engine = engine("db")) {
            Group group = engine.create(
                    TestEngines.definition("redis-single"),
                    CreateOptions.defaults().withDetached(detached));
            group.start(Duration.ofSeconds(30));
            int port = group.port("redis", "main");
            List<ProcessHandle> processes = groupProcesses(group);
            started.addAll(processes);
            RunningGroupDirs.delete(group); // rm -rf, or mvn clean, during a run
            assertThat(processes).allMatch(Processes::isRunning);

            PruneReport report = engine.prune();

            assertThat(report.actions())
                    .containsExactly("stopped and forgot group " + group.id() + ": its directory " + group.directory()
                            + " is gone, but its runsvdir (pid "
                            + processes.get(0).pid() + ") still ran");
            assertThat(processes).noneMatch(Processes::isRunning);
            assertThat(engine.list()).isEmpty();
            assertThat(engine.leases().allLeasedPorts()).doesNotContain(port);
            assertThat(PortLeases.isUsable(port)).as("redis let go of the port").isTrue();
        }
    }

    @Test
    void thePortsOfAGroupWhoseDirWasDeletedAreReleasedOnlyOnceItsProcessesAreGone() throws Exception {
        // A service that takes a second to exit on TERM: a release before the stop would show.
        Path def = TestEngines.definition(
                tmp,
                """
                [[process]]
                name = "slow"
                command = ["sh", "-c", "trap 'sleep 1; exit 0' TERM; echo up; while :; do sleep 0.1; done"]
                ports = ["main"]
                ready = { log = "up" }
                """);
        try (PGroupEngine engine = engine("db");
                PGroupEngine watcher = engine("db")) {
            Group group = engine.create(def, CreateOptions.defaults().withDetached(true));
            group.start(Duration.ofSeconds(30));
            int port = group.port("slow", "main");
            List<ProcessHandle> processes = groupProcesses(group);
            started.addAll(processes);
            RunningGroupDirs.delete(group);
            java.util.concurrent.atomic.AtomicReference<List<ProcessHandle>> runningAtRelease =
                    new java.util.concurrent.atomic.AtomicReference<>();
            Thread watch = new Thread(() -> {
                dev.pgroup.core.internal.os.Deadline.in(Duration.ofSeconds(20))
                        .await(() -> !watcher.leases().allLeasedPorts().contains(port), Duration.ofMillis(2));
                runningAtRelease.set(
                        processes.stream().filter(Processes::isRunning).toList());
            });
            watch.start();

            engine.prune();
            watch.join();

            assertThat(engine.leases().allLeasedPorts()).doesNotContain(port);
            assertThat(runningAtRelease.get())
                    .as("running when the port was released")
                    .isEmpty();
        }
    }

    @Test
    void terminatingARunningGroupWhoseDirWasDeletedStopsItAndThenReleasesItsPorts() throws Exception {
        try (PGroupEngine engine = engine("db")) {
            Group group = engine.create(TestEngines.definition("redis-single"));
            group.start(Duration.ofSeconds(30));
            int port = group.port("redis", "main");
            List<ProcessHandle> processes = groupProcesses(group);
            started.addAll(processes);
            RunningGroupDirs.delete(group);

            group.close(); // try-with-resources in a test, or the plugin's terminate

            assertThat(processes).noneMatch(Processes::isRunning);
            assertThat(engine.leases().allLeasedPorts()).doesNotContain(port);
            assertThat(engine.list()).isEmpty();
        }
    }

    @Test
    void openingARunningGroupWhoseDirIsGoneSaysThatPruneStopsIt() throws Exception {
        try (PGroupEngine engine = engine("db")) {
            Group group = engine.create(
                    TestEngines.definition("redis-single"),
                    CreateOptions.defaults().withDetached(true));
            group.start(Duration.ofSeconds(30));
            List<ProcessHandle> processes = groupProcesses(group);
            started.addAll(processes);
            RunningGroupDirs.delete(group);

            PGroupException e = catchThrowableOfType(PGroupException.class, () -> engine.open(group.id()));

            assertThat(e.getMessage())
                    .isEqualTo("group '" + group.id() + "' is registered, but its directory " + group.directory()
                            + " is gone while its processes still run (runsvdir pid "
                            + processes.get(0).pid()
                            + "); prune stops them and releases its ports");
            engine.prune();
        }
    }

    /** runsvdir first, then every process under it: runsv, redis-server, svlogd. */
    private static List<ProcessHandle> groupProcesses(Group group) throws Exception {
        String[] pidFile = Files.readString(new GroupLayout(group.directory()).runsvdirPidFile())
                .trim()
                .split(" ");
        ProcessHandle runsvdir = ProcessHandle.of(Long.parseLong(pidFile[0])).orElseThrow();
        List<ProcessHandle> all = new ArrayList<>(List.of(runsvdir));
        all.addAll(runsvdir.descendants().toList());
        assertThat(all).hasSizeGreaterThanOrEqualTo(4);
        return all;
    }
}
