package dev.pgroup.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgroup.core.model.ProcessState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every start of a JVM is watched by one poller thread, and each still returns on its own. */
@ExtendWith(GroupsExtension.class)
class SharedStartPollerTest {

    @Test
    @Timeout(120)
    void aStartReturnsAsSoonAsItsOwnProcessesAreReadyWhileOtherStartsStillWait(Groups groups) throws Exception {
        Path go = groups.dir().resolve("go");
        // Neither can be ready before the file exists: one waits on a log line (checked by the
        // poller), one on a command (run on its start's own thread).
        Group logWaiter = groups.create(
                """
                [[process]]
                name = "waits"
                command = ["sh", "-c", "while [ ! -e '%s' ]; do sleep 0.05; done; echo up; exec sleep 60"]
                ready = { log = "^up$" }
                """
                        .formatted(go));
        Group commandWaiter = groups.create(
                """
                [[process]]
                name = "waits"
                command = ["sleep", "60"]
                ready = { command = ["test", "-e", "%s"] }
                """
                        .formatted(go));
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            CompletableFuture<Void> first =
                    CompletableFuture.runAsync(() -> logWaiter.start(Duration.ofSeconds(90)), threads);
            CompletableFuture<Void> second =
                    CompletableFuture.runAsync(() -> commandWaiter.start(Duration.ofSeconds(90)), threads);

            for (int i = 0; i < 5; i++) {
                Group quick = groups.started(
                        """
                        [[process]]
                        name = "a"
                        command = ["sleep", "60"]
                        [[process]]
                        name = "b"
                        command = ["sleep", "60"]
                        """);
                assertThat(quick.status()).allSatisfy(s -> assertThat(s.state()).isEqualTo(ProcessState.RUN));
            }
            assertThat(pollerThreads())
                    .as("starts in progress share one poller")
                    .hasSize(1);
            assertThat(first).as("the log waiter cannot be ready yet").isNotDone();
            assertThat(second).as("the command waiter cannot be ready yet").isNotDone();

            Files.writeString(go, "");

            first.get(90, TimeUnit.SECONDS);
            second.get(90, TimeUnit.SECONDS);
            assertThat(logWaiter.isRunning()).isTrue();
            assertThat(commandWaiter.isRunning()).isTrue();
        } finally {
            threads.shutdownNow();
        }
    }

    private static List<Thread> pollerThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("pgroup-start-poller"))
                .toList();
    }
}
