package dev.pgroup.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgroup.core.internal.os.Deadline;
import dev.pgroup.core.model.StartException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A start whose runsvdir dies fails at once, naming runsvdir, not at its timeout: the shared
 * poller looks at runsvdir less often than at the processes, but it still looks.
 */
@ExtendWith(GroupsExtension.class)
class RunsvdirKilledDuringStartTest {
    @Test
    @Timeout(60)
    void aStartWhoseRunsvdirIsKilledFailsLongBeforeItsTimeoutAndSaysSo(Groups groups) throws Exception {
        Group group = groups.create(
                """
                [[process]]
                name = "never-ready"
                command = ["sleep", "999931"]
                ports = ["main"]
                ready = { tcp = "main" }
                """);
        Path pidFile = group.directory().resolve(".pgroup").resolve("runsvdir.pid");
        Duration timeout = Duration.ofSeconds(45);
        CompletableFuture<Void> start = CompletableFuture.runAsync(() -> group.start(timeout));

        assertThat(Deadline.in(Duration.ofSeconds(20)).await(() -> pid(pidFile) > 0, Duration.ofMillis(10)))
                .as("runsvdir launched")
                .isTrue();
        ProcessHandle runsvdir = ProcessHandle.of(pid(pidFile)).orElseThrow();
        long killed = System.nanoTime();
        new ProcessBuilder("kill", "-9", Long.toString(runsvdir.pid())).start().waitFor();

        Throwable failure;
        try {
            start.get(timeout.toSeconds(), TimeUnit.SECONDS);
            failure = null;
        } catch (ExecutionException e) {
            failure = e.getCause();
        }
        Duration took = Duration.ofNanos(System.nanoTime() - killed);

        assertThat(failure).isInstanceOf(StartException.class);
        assertThat(failure.getMessage()).contains("runsvdir (pid " + runsvdir.pid() + ") exited");
        // Not the timeout: a few seconds on a loaded 2-core machine, against 45.
        assertThat(took).isLessThan(Duration.ofSeconds(15));
        // The failed start stopped what runsvdir left behind (its runsv and the sleep).
        assertThat(Deadline.in(Duration.ofSeconds(10)).await(() -> sleepsLeft() == 0, Duration.ofMillis(20)))
                .as("processes of the group left running")
                .isTrue();
    }

    private static long sleepsLeft() {
        return ProcessHandle.allProcesses()
                .filter(h -> h.info()
                        .arguments()
                        .map(a -> String.join(" ", a).contains("999931"))
                        .orElse(false))
                .filter(ProcessHandle::isAlive)
                .count();
    }

    private static long pid(Path pidFile) {
        try {
            String text = Files.readString(pidFile).trim();
            return text.isEmpty() ? 0 : Long.parseLong(text.split(" ")[0]);
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }
}
