package dev.pgroup.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A young group's stop never waits out runsv's 1 s back-off (runsv sleeps 1 s after a service that
 * ran under 1 s exits, even when told to exit). Any stop that paid it takes at least 1 s, so the
 * bound below is the back-off itself, not a guess at the machine's speed; the fastest of three
 * tries is taken so that a loaded machine's stall in one try does not decide.
 */
@ExtendWith(GroupsExtension.class)
class YoungGroupStopTest {
    private static final String TOML =
            """
            [[process]]
            name = "a"
            command = ["sleep", "60"]
            [[process]]
            name = "b"
            command = ["sleep", "60"]
            """;
    private static final Duration RUNSV_BACK_OFF = Duration.ofSeconds(1);

    @Test
    void aYoungGroupStopsWithoutRunsvsBackOff(Groups groups) throws Exception {
        Duration fastest = null;
        for (int i = 0; i < 3; i++) {
            Group group = groups.started(TOML);
            long begin = System.nanoTime();
            group.stop();
            fastest = min(fastest, Duration.ofNanos(System.nanoTime() - begin));
            assertThat(group.isRunning()).isFalse();
        }

        assertThat(fastest).isLessThan(RUNSV_BACK_OFF);
    }

    @Test
    void aYoungGroupWhoseDirectoryIsGoneTerminatesWithoutRunsvsBackOff(Groups groups) throws Exception {
        Duration fastest = null;
        for (int i = 0; i < 3; i++) {
            Group group = groups.started(TOML);
            long service = group.manifest().processes().get(0).pid();
            RunningGroupDirs.delete(group);
            long begin = System.nanoTime();
            group.terminate();
            fastest = min(fastest, Duration.ofNanos(System.nanoTime() - begin));
            assertThat(ProcessHandle.of(service).filter(ProcessHandle::isAlive))
                    .as("its processes are gone")
                    .isEmpty();
        }

        assertThat(fastest).isLessThan(RUNSV_BACK_OFF);
    }

    private static Duration min(Duration a, Duration b) {
        return a == null || b.compareTo(a) < 0 ? b : a;
    }
}
