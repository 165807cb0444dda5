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
import org.junit.jupiter.api.Test;

/**
 * A process without a ready check: running at once when it waits in its command, else after the
 * minimum uptime. Times are passed in, so nothing here depends on how fast the machine is.
 */
class RunningWithoutCheckTest {
    private Process process;

    @AfterEach
    void stop() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly().waitFor();
        }
    }

    @Test
    void aProcessThatWaitsInItsCommandIsRunningWithNoUptimeAtAll() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self")), "reads /proc");
        process = new ProcessBuilder("sleep", "60").start();
        assertThat(Deadline.in(Duration.ofSeconds(10))
                        .await(
                                () -> ProcessActivity.waitsInItsCommand(process.pid())
                                        .orElseThrow(),
                                Duration.ofMillis(5)))
                .isTrue();
        Instant now = Instant.now();

        assertThat(RunningWithoutCheck.confirmed(process.pid(), now, now)).isTrue();
    }

    @Test
    void aProcessThatNeverWaitsIsRunningOnlyOnceItHasRunTheMinimumUptime() throws Exception {
        process = new ProcessBuilder("sh", "-c", "while :; do :; done").start();
        Instant now = Instant.now();

        assertThat(RunningWithoutCheck.confirmed(process.pid(), now, now)).isFalse();
        assertThat(RunningWithoutCheck.confirmed(process.pid(), now.minus(RunningWithoutCheck.MIN_UPTIME), now))
                .isTrue();
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
