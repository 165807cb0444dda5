package dev.pgroup.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.pgroup.core.internal.os.Deadline;
import dev.pgroup.core.internal.os.Processes;
import dev.pgroup.core.internal.runit.GroupLayout;
import dev.pgroup.core.model.DefinitionException;
import dev.pgroup.core.model.PGroupException;
import dev.pgroup.core.model.ProcessState;
import dev.pgroup.core.model.StartException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Start, stop, status and terminate with real runit and real processes. */
@ExtendWith(GroupsExtension.class)
class LifecycleTest {
    @TempDir
    Path tmp;

    private static List<ProcessHandle> handles(Group group) {
        return group.manifest().processes().stream()
                .map(p -> ProcessHandle.of(p.pid()).orElseThrow())
                .toList();
    }

    @Test
    void crashLoopingProcessFailsFastWithItsLogTailAndLeavesNothingRunning(Groups groups) throws IOException {
        Path def = groups.definition(
                """
                name = "crashy"
                [[process]]
                name = "boom"
                command = ["sh", "-c", "echo 'fatal: config is broken' >&2; exit 3"]
                """);
        Group group = groups.create(def);
        long started = System.nanoTime();

        StartException e = catchThrowableOfType(StartException.class, () -> group.start(Duration.ofSeconds(30)));

        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(took).as("fails fast, not at the deadline").isLessThan(Duration.ofSeconds(5));
        assertThat(e.process()).isEqualTo("boom");
        assertThat(e.logTail()).anySatisfy(line -> assertThat(line).contains("fatal: config is broken"));
        assertThat(e.getMessage()).contains("\"boom\"").contains("fatal: config is broken");
        assertThat(group.isRunning()).isFalse();
        assertThat(group.status()).allSatisfy(s -> assertThat(s.state()).isEqualTo(ProcessState.DOWN));
        assertThat(e.logFile()).isEqualTo(group.logFile("boom"));
    }

    @Test
    void programThatIsNotExecutableIsADefinitionErrorAtCreate(Groups groups) throws IOException {
        Path def = groups.definition(
                """
                [[process]]
                name = "script"
                command = ["./server.sh"]
                templates = ["server.sh"]
                """);
        // Written without the executable bit: create checks the program before it makes the group,
        // so the error names command[0] at create time, before runit could ever try to exec it.
        Files.writeString(def.resolve("server.sh"), "#!/bin/sh\nexec sleep 60\n");
        DefinitionException e = catchThrowableOfType(DefinitionException.class, () -> groups.create(def));
        assertThat(e.key()).contains("command[0]");
        assertThat(e.getMessage()).contains("server.sh does not exist or is not executable");
    }

    @Test
    void processIgnoringTermIsKilledAfterItsStopTimeout(Groups groups) throws IOException {
        Path def = groups.definition(
                """
                [[process]]
                name = "stubborn"
                command = ["perl", "-e", "$SIG{TERM} = 'IGNORE'; $| = 1; print qq(up\\n); sleep 1 while 1"]
                ready = { log = "^up$" }
                stop_timeout = "300ms"
                """);
        Group group = groups.started(def);
        ProcessHandle stubborn = handles(group).get(0);
        assertThat(stubborn.isAlive()).isTrue();

        group.stop();

        assertThat(Processes.isRunning(stubborn))
                .as("gone (a zombie counts as gone)")
                .isFalse();
        assertThat(group.isRunning()).isFalse();
        assertThat(group.status().get(0).state()).isEqualTo(ProcessState.DOWN);
    }

    @Test
    void customStopSignalIsSentInsteadOfTerm(Groups groups) throws IOException {
        Path def = groups.definition(
                """
                [[process]]
                name = "graceful"
                command = ["perl", "-e", "$SIG{TERM} = 'IGNORE'; $SIG{INT} = sub { print qq(got INT\\n); exit 0 }; $| = 1; print qq(up\\n); sleep 1 while 1"]
                ready = { log = "^up$" }
                stop_signal = "SIGINT"
                stop_timeout = "20s"
                """);
        Group group = groups.started(def);
        long begin = System.nanoTime();

        group.stop();

        assertThat(Duration.ofNanos(System.nanoTime() - begin)).isLessThan(Duration.ofSeconds(10));
        assertThat(group.logTail("graceful", 5)).anySatisfy(l -> assertThat(l).endsWith("got INT"));
    }

    @Test
    void stopThenStartAgainServesAgain(Groups groups) throws Exception {
        Group group = groups.create(TestEngines.definition("redis-single"));
        int port = group.port("redis", "main");
        group.start(Duration.ofSeconds(20));
        ProcessHandle first = handles(group).get(0);
        assertThat(RedisPairTest.redis(port, "PING")).isEqualTo("+PONG");

        group.stop();

        assertThat(Processes.isRunning(first))
                .as("gone (a zombie counts as gone)")
                .isFalse();
        assertThat(group.status().get(0).state()).isEqualTo(ProcessState.DOWN);
        assertThat(Files.exists(group.directory().resolve("redis/run")))
                .as("files stay")
                .isTrue();

        group.start(Duration.ofSeconds(20));

        assertThat(RedisPairTest.redis(port, "PING")).isEqualTo("+PONG");
        assertThat(group.status().get(0).state()).isEqualTo(ProcessState.RUN);
        assertThat(group.status().get(0).pid()).isNotEqualTo(first.pid());
    }

    @Test
    void statusBeforeStartIsHasNeverRun(Groups groups) {
        Group group = groups.create(TestEngines.definition("redis-single"));
        assertThat(group.status()).singleElement().satisfies(s -> {
            assertThat(s.state()).isEqualTo(ProcessState.HAS_NEVER_RUN);
            assertThat(s.ports()).containsKey("main");
        });
    }

    @Test
    void terminateTwiceIsHarmlessAndLeavesNothing(Groups groups) throws IOException {
        Group group = groups.create(TestEngines.definition("redis-single"));
        int port = group.port("redis", "main");
        group.start(Duration.ofSeconds(20));
        ProcessHandle redis = handles(group).get(0);

        group.terminate();
        group.terminate();

        assertThat(Processes.isRunning(redis))
                .as("gone (a zombie counts as gone)")
                .isFalse();
        assertThat(group.directory()).doesNotExist();
        assertThat(groups.engine().leases().allLeasedPorts()).doesNotContain(port);
        assertThatThrownBy(() -> group.start(Duration.ofSeconds(1))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void openFindsAGroupCreatedByAnotherEngineAndStopsIt() throws Exception {
        try (PGroupEngine creator = TestEngines.engine(tmp.resolve("base"));
                PGroupEngine other = TestEngines.engine(tmp.resolve("base"))) {
            Group group = creator.create(TestEngines.definition("redis-single"));
            try {
                group.start(Duration.ofSeconds(20));
                ProcessHandle redis = handles(group).get(0);

                Group reopened = other.open(group.id());
                assertThat(reopened.status().get(0).state()).isEqualTo(ProcessState.RUN);
                reopened.stop();

                assertThat(Processes.isRunning(redis))
                        .as("gone (a zombie counts as gone)")
                        .isFalse();
            } finally {
                group.terminate();
            }
            assertThatThrownBy(() -> other.open(group.id()))
                    .isInstanceOf(PGroupException.class)
                    .hasMessageContaining("no group '" + group.id() + "'");
        }
    }

    @Test
    void afterStartsAProcessOnlyOnceItsDependencyIsReady(Groups groups) throws IOException {
        Path def = groups.definition(
                """
                [[process]]
                name = "first"
                command = ["sh", "-c", "echo first-up; exec sleep 60"]
                ready = { log = "first-up" }
                [[process]]
                name = "second"
                command = ["sh", "-c", "echo second-up; exec sleep 60"]
                after = ["first"]
                ready = { log = "second-up" }
                """);
        Group group = groups.started(def);

        List<ProcessHandle> h = handles(group);
        Instant firstStart = h.get(0).info().startInstant().orElseThrow();
        Instant secondStart = h.get(1).info().startInstant().orElseThrow();
        assertThat(secondStart).isAfterOrEqualTo(firstStart);
        assertThat(group.status()).allSatisfy(s -> assertThat(s.state()).isEqualTo(ProcessState.RUN));
    }

    @Test
    void readyTimeoutNamesTheCheckAndStopsTheGroup(Groups groups) throws IOException {
        Path def = groups.definition(
                """
                [[process]]
                name = "silent"
                command = ["sleep", "60"]
                ports = ["main"]
                ready = { tcp = "main" }
                """);
        Group group = groups.create(def);
        // 2 s, not less: on a loaded 2-core machine runsv may take most of a second to run sleep,
        // and a process that never ran fails with "was not running", not with its check.
        StartException e = catchThrowableOfType(StartException.class, () -> group.start(Duration.ofSeconds(2)));

        assertThat(e.process()).isEqualTo("silent");
        assertThat(e.getMessage())
                .contains("was not ready within 2 s")
                .contains("tcp 127.0.0.1:" + group.port("silent", "main"));
        assertThat(group.isRunning()).isFalse();
    }

    @Test
    void shellMetacharactersInArgumentsStayLiteral(Groups groups) throws IOException {
        Path marker = tmp.resolve("pwned");
        Path def = groups.definition("[[process]]\nname = \"echo\"\n"
                + "command = [\"sh\", \"-c\", \"echo \\\"$1\\\"; exec sleep 60\", \"sh\", \"$(touch " + marker
                + ")'`;\"]\n"
                + "ready = { log = \"touch\" }\n");
        Group group = groups.started(def);

        assertThat(marker).doesNotExist();
        assertThat(group.logTail("echo", 1).get(0)).endsWith("$(touch " + marker + ")'`;");
    }

    @Test
    void runsvdirLeadsAProcessGroupOfItsOwnSoTheOwnersCtrlCCannotKillIt() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self")), "reads /proc");
        try (PGroupEngine engine = TestEngines.engine(tmp.resolve("base"))) {
            for (boolean detached : new boolean[] {false, true}) {
                try (Group group = engine.create(
                        TestEngines.definition("redis-single"),
                        CreateOptions.defaults().withDetached(detached))) {
                    group.start(Duration.ofSeconds(20));
                    long runsvdir =
                            Long.parseLong(Files.readString(new GroupLayout(group.directory()).runsvdirPidFile())
                                    .trim()
                                    .split(" ")[0]);

                    String stat = Files.readString(Path.of("/proc", Long.toString(runsvdir), "stat"));
                    String[] afterName =
                            stat.substring(stat.lastIndexOf(')') + 2).split(" ");

                    assertThat(Long.parseLong(afterName[2]))
                            .as("pgrp of runsvdir, detached=" + detached)
                            .isEqualTo(runsvdir);
                }
            }
        }
    }

    @Test
    void servicesStartWithNoSignalBlockedThoughTheJvmBlocksSigquit() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self")), "reads /proc");
        Path def = TestEngines.definition(
                tmp,
                """
                [[process]]
                name = "mask"
                command = ["sh", "-c", "grep -E '^Sig(Blk|Ign)' /proc/self/status; echo done; exec sleep 60"]
                ready = { log = "^done$" }
                """);
        try (PGroupEngine engine = TestEngines.engine(tmp.resolve("base"))) {
            for (boolean detached : new boolean[] {false, true}) {
                try (Group group = engine.create(def, CreateOptions.defaults().withDetached(detached))) {
                    group.start(Duration.ofSeconds(20));

                    List<String> log = group.logTail("mask", 3);

                    assertThat(log).anySatisfy(l -> assertThat(l).endsWith("SigBlk:\t0000000000000000"));
                }
            }
        }
    }

    @Test
    void anInterruptedStartStillStopsEverything(Groups groups) throws Exception {
        Path def = groups.definition(
                """
                [[process]]
                name = "slow"
                command = ["sleep", "60"]
                ports = ["main"]
                ready = { tcp = "main" }
                """);
        Group group = groups.create(def);
        Thread starter = Thread.currentThread();
        Thread interrupter = new Thread(() -> {
            Deadline.in(Duration.ofSeconds(10))
                    .await(() -> group.status().get(0).state() == ProcessState.RUN, Duration.ofMillis(5));
            starter.interrupt();
        });
        interrupter.start();

        StartException e = catchThrowableOfType(StartException.class, () -> group.start(Duration.ofSeconds(30)));
        boolean wasInterrupted = Thread.interrupted();
        interrupter.join();

        assertThat(e.getMessage()).contains("interrupted");
        assertThat(wasInterrupted).as("the interrupt flag is restored").isTrue();
        assertThat(group.isRunning()).isFalse();
        assertThat(ProcessHandle.allProcesses().filter(Processes::isRunning).filter(h -> h.info()
                        .commandLine()
                        .orElse("")
                        .contains(group.directory().toString())))
                .isEmpty();
    }
}
