package dev.pgroup.core.internal.os;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What "waits in its own command" means, on real processes: the rule that replaced a 200 ms wait. */
class ProcessActivityTest {
    private static final Duration PATIENCE = Duration.ofSeconds(10);

    @TempDir
    Path tmp;

    private final java.util.List<Process> started = new java.util.ArrayList<>();

    @BeforeEach
    void linuxOnly() {
        assumeTrue(Files.isDirectory(Path.of("/proc/self")), "reads /proc");
    }

    @AfterEach
    void stopStarted() throws InterruptedException {
        for (Process p : started) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly().waitFor();
        }
    }

    @Test
    void aSleepingProgramWaitsInItsCommand() throws IOException {
        long pid = start(List.of("sleep", "60"), tmp).pid();

        assertThat(Deadline.in(PATIENCE).await(() -> waits(pid), Duration.ofMillis(5)))
                .isTrue();
    }

    @Test
    void aBusyProgramNeverWaits() throws IOException {
        long pid = start(List.of("sh", "-c", "while :; do :; done"), tmp).pid();

        for (int i = 0; i < 50; i++) {
            assertThat(waits(pid)).as("look " + i).isFalse();
        }
    }

    @Test
    void aShellWaitingForACommandItRanDoesNotWaitInItsCommand() throws IOException {
        Process shell = start(List.of("sh", "-c", "sleep 60; exit 3"), tmp);
        // Once its child sleeps, the shell sits in wait4 for it.
        assertThat(Deadline.in(PATIENCE)
                        .await(() -> shell.children().anyMatch(c -> waits(c.pid())), Duration.ofMillis(5)))
                .isTrue();

        for (int i = 0; i < 50; i++) {
            assertThat(waits(shell.pid())).as("look " + i).isFalse();
        }
    }

    @Test
    void runitsRunScriptWaitingBeforeItsExecDoesNotCount() throws IOException {
        String script = "#!/bin/sh\nread line\nexec sleep 60\n";
        Spawning.writeExecutable(tmp.resolve("run"), script);
        Spawning.writeExecutable(tmp.resolve("other"), script);
        // Both block reading stdin; the first is started as runsv starts a service (argv "./run").
        long runPid = start(List.of("./run"), tmp).pid();
        long otherPid = start(List.of("./other"), tmp).pid();
        assertThat(Deadline.in(PATIENCE).await(() -> waits(otherPid), Duration.ofMillis(5)))
                .as("the same script under another name waits")
                .isTrue();

        assertThat(waits(runPid)).isFalse();
    }

    @Test
    void cpuTimeGrowsWhileAProgramComputesAndNotWhileItSleeps() throws IOException {
        long busy = start(List.of("sh", "-c", "while :; do :; done"), tmp).pid();
        long sleeping = start(List.of("sleep", "60"), tmp).pid();
        assertThat(Deadline.in(PATIENCE).await(() -> waits(sleeping), Duration.ofMillis(5)))
                .isTrue();

        assertThat(Deadline.in(PATIENCE)
                        .await(
                                () -> ProcessActivity.cpuNanos(busy).orElseThrow() >= 200_000_000L,
                                Duration.ofMillis(5)))
                .isTrue();
        assertThat(ProcessActivity.cpuNanos(sleeping).orElseThrow()).isLessThan(50_000_000L);
    }

    private Process start(List<String> command, Path dir) throws IOException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).start();
        started.add(p);
        return p;
    }

    private static boolean waits(long pid) {
        return ProcessActivity.waitsInItsCommand(pid).orElseThrow();
    }
}
