package dev.pgroup.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.pgroup.core.model.ProcessState;
import dev.pgroup.core.model.ProcessStatus;
import dev.pgroup.core.model.StartException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code ready = { exit = 0 }}: a seed or a migration that runs once, before what depends on it. */
@ExtendWith(GroupsExtension.class)
class OneShotStepTest {
    private static final String PRIMARY =
            """
            [[process]]
            name = "primary"
            command = ["redis-server", "--port", "{{port.main}}", "--bind", "127.0.0.1", "--save", ""]
            ports = ["main"]
            ready = { tcp = "main" }
            """;

    @Test
    void aSeedRunsOnceAfterItsServerAndWhatWaitsForItSeesItsData(Groups groups) throws Exception {
        // The reader exits (and fails the start) unless the seed's key is there when it starts.
        Path def = groups.definition(
                PRIMARY
                        + """
                [[process]]
                name = "seed"
                command = ["redis-cli", "-p", "{{ports.primary.main}}", "SET", "greeting", "hello"]
                after = ["primary"]
                ready = { exit = 0 }

                [[process]]
                name = "reader"
                command = ["sh", "-c", "[ \\"$(redis-cli -p {{ports.primary.main}} GET greeting)\\" = hello ] && exec sleep 600"]
                after = ["seed"]
                """);
        Group group = groups.started(def);

        Map<String, ProcessState> states =
                group.status().stream().collect(Collectors.toMap(ProcessStatus::name, ProcessStatus::state));
        assertThat(states)
                .containsEntry("primary", ProcessState.RUN)
                .containsEntry("seed", ProcessState.DONE)
                .containsEntry("reader", ProcessState.RUN);
        assertThat(RedisPairTest.redis(group.port("primary", "main"), "GET", "greeting"))
                .isEqualTo("hello");
        // Done means done: runit does not run it again.
        assertThat(group.logTail("seed", 20)).filteredOn(l -> l.endsWith("OK")).hasSize(1);
    }

    @Test
    void aStepThatExitsWithAnotherStatusFailsTheStartSayingWhich(Groups groups) throws Exception {
        Path def = groups.definition(
                """
                [[process]]
                name = "migrate"
                command = ["sh", "-c", "echo schema 7 is newer than this migration; exit 3"]
                ready = { exit = 0 }
                """);
        Group group = groups.create(def);
        long t0 = System.nanoTime();
        StartException e = catchThrowableOfType(StartException.class, () -> group.start(Duration.ofSeconds(20)));

        assertThat(e).isNotNull();
        assertThat(e.getMessage())
                .contains("migrate", "exited during start with status 3", "ready = { exit = 0 } expects status 0")
                .contains("schema 7 is newer");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
    }
}
