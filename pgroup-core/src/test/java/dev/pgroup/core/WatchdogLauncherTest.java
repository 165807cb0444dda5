package dev.pgroup.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgroup.Manifest;
import dev.pgroup.core.internal.os.Deadline;
import dev.pgroup.core.internal.os.Processes;
import dev.pgroup.core.internal.runit.GroupLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every group's owner watchdog is forked by one long-lived launcher per JVM (watchdog-launcher.pl),
 * and keeps every guarantee of a watchdog started per group: the owner's death or the launcher's
 * tears the group down, a detached group outlives both, concurrent starts each get a watchdog of
 * their own, and a pid file names a watchdog that the group's check accepts.
 */
class WatchdogLauncherTest {
    private static final String SLEEPERS =
            """
            [[process]]
            name = "a"
            command = ["sleep", "1000"]
            [[process]]
            name = "b"
            command = ["sleep", "1000"]
            """;
    /** The owner-death promise (site: never leak). */
    private static final Duration PROMISE = Duration.ofSeconds(3);

    private static final Duration POLL = Duration.ofMillis(20);

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

    /** The watchdog named by the group's pid file, which must run. */
    private static ProcessHandle watchdogOf(Path groupDir) throws Exception {
        String[] pidFile = Files.readString(new GroupLayout(groupDir).watchdogPidFile())
                .trim()
                .split("\\s+");
        return ProcessHandle.of(Long.parseLong(pidFile[0])).orElseThrow();
    }

    private static ProcessHandle launcherOf(Path groupDir) throws Exception {
        return watchdogOf(groupDir).parent().orElseThrow();
    }

    /** The watchdog, runsvdir and every process under runsvdir (runsv, services, svlogd). */
    private static List<ProcessHandle> processesOf(Path groupDir) throws Exception {
        List<ProcessHandle> all =
                new ArrayList<>(OwnerLeaseTest.processesOf(Manifest.read(new GroupLayout(groupDir).manifest())));
        all.add(watchdogOf(groupDir));
        return all;
    }

    /** The command line as the kernel shows it (Linux): a renamed watchdog's {@code $0}. */
    private static String cmdline(ProcessHandle h) throws java.io.IOException {
        return new String(
                Files.readAllBytes(Path.of("/proc", Long.toString(h.pid()), "cmdline")), StandardCharsets.UTF_8);
    }

    private static List<String> running(List<ProcessHandle> processes) {
        return processes.stream()
                .filter(Processes::isRunning)
                .map(h -> h.pid() + " " + h.info().commandLine().orElse("?"))
                .toList();
    }

    @Test
    void sigkilledOwnerWithSeveralGroupsLeavesNoProcessOfAnyGroupNorItsLauncher() throws Exception {
        Path definition = TestEngines.definition(tmp, SLEEPERS);
        List<ProcessHandle> processes = new ArrayList<>();
        ProcessHandle launcher;
        try (ChildJvm child = new ChildJvm(
                tmp.resolve("base"), TestEngines.DATABASE, definition, 3, "start", leftovers.environment())) {
            Set<Long> launchers = new HashSet<>();
            for (Path m : child.manifests) {
                Path dir = Manifest.read(m).directory();
                processes.addAll(processesOf(dir));
                launchers.add(launcherOf(dir).pid());
            }
            assertThat(launchers).as("one launcher for the JVM's groups").hasSize(1);
            launcher = ProcessHandle.of(launchers.iterator().next()).orElseThrow();
            assertThat(processes).hasSizeGreaterThanOrEqualTo(3 * 8); // watchdog, runsvdir, 2 runsv, 2 sleep, 2 svlogd

            child.process.destroyForcibly(); // SIGKILL: no shutdown hook runs
            child.process.waitFor();
        }

        boolean gone = Deadline.in(PROMISE).await(() -> running(processes).isEmpty(), POLL);
        assertThat(gone).as("still running: %s", running(processes)).isTrue();
        assertThat(Deadline.in(PROMISE).await(() -> !Processes.isRunning(launcher), POLL))
                .as("the launcher exits with its JVM")
                .isTrue();
        assertThat(leftovers.running()).isEmpty();
    }

    /**
     * The launcher holds each group's lease alone: a watchdog it forked later, here a detached
     * group's, which outlives everything, holds no copy of an earlier group's lease.
     */
    @Test
    void sigkilledLauncherTearsDownItsOwnedGroupsNotADetachedOneAndTheNextStartRunsANewOne() throws Exception {
        Path definition = TestEngines.definition(tmp, SLEEPERS);
        try (PGroupEngine engine = TestEngines.engine(tmp.resolve("base"), leftovers.environment());
                Group owned = engine.create(definition);
                Group detached =
                        engine.create(definition, CreateOptions.defaults().withDetached(true));
                Group third = engine.create(definition)) {
            owned.start(Duration.ofSeconds(20));
            detached.start(Duration.ofSeconds(20));
            List<ProcessHandle> ownedProcesses = processesOf(owned.directory());
            List<ProcessHandle> detachedProcesses = processesOf(detached.directory());
            ProcessHandle launcher = launcherOf(owned.directory());
            assertThat(launcherOf(detached.directory())).isEqualTo(launcher);

            launcher.destroyForcibly();
            assertThat(Deadline.in(PROMISE).await(() -> !Processes.isRunning(launcher), Duration.ofMillis(1)))
                    .isTrue();

            // Started at once: this JVM may not have read the launcher's EOF yet, and must not fail.
            third.start(Duration.ofSeconds(20));

            boolean gone =
                    Deadline.in(PROMISE).await(() -> running(ownedProcesses).isEmpty(), POLL);
            assertThat(gone).as("still running: %s", running(ownedProcesses)).isTrue();
            assertThat(running(detachedProcesses)).as("the detached group").hasSize(detachedProcesses.size());
            assertThat(third.isRunning()).isTrue();
            ProcessHandle next = launcherOf(third.directory());
            assertThat(next.pid()).isNotEqualTo(launcher.pid());
            assertThat(Processes.isRunning(next)).isTrue();
            // The torn-down group starts again too, under the new launcher.
            owned.start(Duration.ofSeconds(20));
            assertThat(launcherOf(owned.directory())).isEqualTo(next);
        }
        assertThat(leftovers.after(PROMISE)).isEmpty();
    }

    @Test
    void thirtyTwoConcurrentStartsInOneJvmEachGetAWatchdogOfTheirOwnThatTheirPidFileCheckAccepts() throws Exception {
        Path definition = TestEngines.definition(
                tmp,
                """
                [[process]]
                name = "a"
                command = ["sleep", "1000"]
                """);
        int n = 32;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try (PGroupEngine engine = TestEngines.engine(tmp.resolve("base"), leftovers.environment())) {
            List<Group> groups = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                groups.add(engine.create(definition));
            }
            try {
                java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
                List<Future<Group>> started = new ArrayList<>();
                for (Group g : groups) {
                    Callable<Group> start = () -> {
                        go.await();
                        g.start(Duration.ofSeconds(60));
                        return g;
                    };
                    started.add(pool.submit(start));
                }
                go.countDown();
                for (Future<Group> f : started) {
                    assertThat(f.get(120, TimeUnit.SECONDS).isRunning()).isTrue();
                }

                Set<Long> watchdogs = new HashSet<>();
                Set<Long> launchers = new HashSet<>();
                for (Group g : groups) {
                    ProcessHandle watchdog = watchdogOf(g.directory());
                    watchdogs.add(watchdog.pid());
                    launchers.add(watchdog.parent().orElseThrow().pid());
                    long start = Processes.startMillis(watchdog);
                    assertThat(Processes.findInGroup(watchdog.pid(), start, g.directory()))
                            .as("the pid file check accepts the watchdog of %s", g.directory())
                            .isPresent();
                    Path other = groups.get((groups.indexOf(g) + 1) % n).directory();
                    assertThat(Processes.findInGroup(watchdog.pid(), start, other))
                            .as("and refuses it for another group")
                            .isEmpty();
                    assertThat(cmdline(watchdog)).startsWith(g.directory() + "/.pgroup/");
                }
                assertThat(watchdogs).hasSize(n);
                assertThat(launchers).as("forked by one launcher").hasSize(1);
            } finally {
                pool.shutdownNow();
                for (Group g : groups) {
                    g.terminate();
                }
            }
        }
        assertThat(leftovers.after(PROMISE)).isEmpty();
    }

    @Test
    void detachedGroupOutlivesItsSigkilledJvmAndThatJvmsLauncher() throws Exception {
        Path base = tmp.resolve("base");
        Path definition = TestEngines.definition(tmp, SLEEPERS);
        Path dir;
        List<ProcessHandle> processes;
        ProcessHandle launcher;
        // Found by its working dir under tmp: ChildJvm passes its own environment when "detached" is asked.
        try (ChildJvm child =
                new ChildJvm(List.of(), List.of(), base, TestEngines.DATABASE, definition, 1, "start", "detached")) {
            dir = Manifest.read(child.manifests.get(0)).directory();
            processes = processesOf(dir);
            launcher = launcherOf(dir);

            child.process.destroyForcibly();
            child.process.waitFor();
        }
        assertThat(Deadline.in(PROMISE).await(() -> !Processes.isRunning(launcher), POLL))
                .as("the launcher exits with its JVM")
                .isTrue();
        // An owned group would be torn down within milliseconds of the launcher's exit.
        boolean anyGone = Deadline.in(Duration.ofSeconds(1))
                .await(() -> running(processes).size() < processes.size(), POLL);
        assertThat(anyGone)
                .as("only %s of %s still run", running(processes), processes)
                .isFalse();

        try (PGroupEngine engine = TestEngines.engine(base, leftovers.environment())) {
            Group group =
                    engine.open(Manifest.read(new GroupLayout(dir).manifest()).groupId());
            assertThat(group.isRunning()).isTrue();
            group.terminate();
        }
        assertThat(running(processes)).isEmpty();
        assertThat(leftovers.after(PROMISE)).isEmpty();
    }

    /**
     * A stop ends the lease without a "release" line when its watchdog has exited (OwnerWatchdog):
     * the launcher closes a lease's pipe when it reaps the watchdog, so stopped groups leave it no
     * open pipe, however many there were.
     */
    @Test
    void stoppedGroupsLeaveTheLauncherNoLeasePipe() throws Exception {
        Path definition = TestEngines.definition(tmp, SLEEPERS);
        try (PGroupEngine engine = TestEngines.engine(tmp.resolve("base"), leftovers.environment());
                Group first = engine.create(definition)) {
            first.start(Duration.ofSeconds(20));
            ProcessHandle launcher = launcherOf(first.directory());
            Path fds = Path.of("/proc", Long.toString(launcher.pid()), "fd");
            org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(fds), "no /proc here (macOS)");
            long before;
            try (var list = Files.list(fds)) {
                before = list.count();
            }
            for (int i = 0; i < 5; i++) {
                try (Group g = engine.create(definition)) {
                    g.start(Duration.ofSeconds(20));
                    g.stop();
                }
            }
            boolean back = Deadline.in(Duration.ofSeconds(5))
                    .await(
                            () -> {
                                try (var list = Files.list(fds)) {
                                    return list.count() <= before;
                                } catch (java.io.IOException e) {
                                    return false;
                                }
                            },
                            POLL);
            assertThat(back)
                    .as("the launcher's open fds are back to %d", before)
                    .isTrue();
            first.stop();
        }
        assertThat(leftovers.running()).isEmpty();
    }

    /** Requests to the launcher are lines of space-separated fields: a path's own spaces are escaped. */
    @Test
    void aGroupUnderADirWithSpacesAndPercentSignsStartsWithItsEnvironmentAndStops() throws Exception {
        Path base = Files.createDirectories(tmp.resolve("my %20 builds").resolve("base dir"));
        Path definition = TestEngines.definition(
                tmp,
                """
                [[process]]
                name = "a"
                command = ["/bin/sh", "-c", "echo \\"mark=$PGROUP_TEST_MARK\\"; exec sleep 1000"]
                ready = { log = "^mark=" }
                """);
        try (PGroupEngine engine = TestEngines.engine(base, leftovers.environment());
                Group group = engine.create(definition)) {
            group.start(Duration.ofSeconds(20));

            assertThat(group.directory().toString()).contains("my %20 builds/base dir/");
            assertThat(cmdline(watchdogOf(group.directory()))).startsWith(group.directory() + "/.pgroup/");
            assertThat(Files.readString(group.manifest().processes().get(0).logFile()))
                    .contains("mark=" + leftovers.mark);
            group.stop();
            assertThat(leftovers.running()).isEmpty();
        }
    }

    @Test
    void theLauncherLoadsNoModuleButStrict(@TempDir Path scripts) throws Exception {
        Path resources =
                Path.of("src/main/resources/dev/pgroup/core/internal/runit").toAbsolutePath();
        Path launcher = resources.resolve("watchdog-launcher.pl");
        Path library = resources.resolve("owner-watchdog.pl");
        // Started as the engine starts it; it exits on EOF, and an END block prints what perl loaded.
        Process p = new ProcessBuilder(
                        "perl",
                        "-e",
                        "END { print STDERR 'INC:', join(',', sort keys %INC), qq(\\n) } my $s = shift; do $s;"
                                + " die $@ if $@",
                        launcher.toString(),
                        library.toString(),
                        System.getProperty("os.arch"))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();

        assertThat(out).startsWith("ready ");
        String loaded = err.lines()
                .filter(l -> l.startsWith("INC:"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no INC line in: " + err));
        assertThat(loaded.substring(4).split(","))
                .containsExactlyInAnyOrder(launcher.toString(), library.toString(), "strict.pm");
    }
}
