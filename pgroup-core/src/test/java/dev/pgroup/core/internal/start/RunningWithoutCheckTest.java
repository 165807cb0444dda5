package dev.pgroup.core.internal.start;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pgroup.core.internal.os.Deadline;
import dev.pgroup.core.internal.os.ProcessActivity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A process without a ready check: running at once when it waits in its command, or once it has
 * used enough CPU; never by wall time alone on Linux, so a loaded machine gives the same verdict.
 * Times are passed in, so nothing here depends on how fast the machine is.
 */
class RunningWithoutCheckTest {
    private static final Duration PATIENCE = Duration.ofSeconds(20);
    private Process process;

    @BeforeEach
    void linuxOnly() {
        assumeTrue(Files.isDirectory(Path.of("/proc/self")), "reads /proc");
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly().waitFor();
        }
    }

    @Test
    void aProcessThatWaitsInItsCommandIsRunningWithNoUptimeAtAll() throws Exception {
        process = new ProcessBuilder("sleep", "60").start();
        assertThat(Deadline.in(PATIENCE)
                        .await(
                                () -> ProcessActivity.waitsInItsCommand(process.pid())
                                        .orElseThrow(),
                                Duration.ofMillis(5)))
                .isTrue();
        Instant now = Instant.now();

        assertThat(RunningWithoutCheck.confirmed(process.pid(), now, now)).isTrue();
    }

    @Test
    void aProcessThatNeitherWaitsNorComputesIsNotRunningHoweverLongAgoItStarted() throws Exception {
        // A stopped process stands for one the machine never scheduled: no wait, almost no CPU.
        process = new ProcessBuilder("sleep", "60").start();
        new ProcessBuilder("kill", "-STOP", Long.toString(process.pid()))
                .start()
                .waitFor();
        assertThat(Deadline.in(PATIENCE)
                        .await(
                                () -> !ProcessActivity.waitsInItsCommand(process.pid())
                                        .orElseThrow(),
                                Duration.ofMillis(5)))
                .isTrue();
        Instant now = Instant.now();

        assertThat(RunningWithoutCheck.confirmed(process.pid(), now.minusSeconds(3600), now))
                .isFalse();
    }

    @Test
    void aBusyProcessIsRunningOnceItHasUsedTheMinimumCpuTime() throws Exception {
        process = new ProcessBuilder("sh", "-c", "while :; do :; done").start();
        Instant start = Instant.now();

        assertThat(Deadline.in(PATIENCE)
                        .await(() -> RunningWithoutCheck.confirmed(process.pid(), start, start), Duration.ofMillis(5)))
                .isTrue();
        assertThat(ProcessActivity.cpuNanos(process.pid()).orElseThrow())
                .isGreaterThanOrEqualTo(RunningWithoutCheck.MIN_CPU.toNanos());
    }

    @Test
    void aProcessThatExitedIsNotRunningWhateverItsUptime() throws Exception {
        process = new ProcessBuilder("true").start();
        process.waitFor();
        Instant now = Instant.now();

        assertThat(RunningWithoutCheck.confirmed(process.pid(), now.minusSeconds(60), now))
                .isFalse();
    }
}
