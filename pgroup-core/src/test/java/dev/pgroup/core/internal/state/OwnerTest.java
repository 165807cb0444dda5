package dev.pgroup.core.internal.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgroup.core.internal.os.Processes;
import org.junit.jupiter.api.Test;

/**
 * An owner known by pid and start time (a row of an older version) is judged by the same "is this
 * the same process" test as every pid pgroup reads from a file: {@link Processes#find}.
 */
class OwnerTest {
    private static final long SELF_START = Processes.startMillis(ProcessHandle.current());

    @Test
    void aLiveOwnerWhoseRecordedStartDiffersByLessThanTheToleranceIsAlive() {
        // A start time is derived from the boot time and may read a little differently each time;
        // Processes allows for that, and so must the owner check, or a live owner's leases are reclaimed.
        Owner recorded = new Owner(ProcessHandle.current().pid(), SELF_START + 1000);

        assertThat(Processes.find(recorded.pid(), recorded.startMillis())).isPresent();
        assertThat(recorded.isDead()).isFalse();
    }

    @Test
    void anOwnerWhosePidWasReusedIsDead() {
        Owner recorded = new Owner(ProcessHandle.current().pid(), SELF_START - 60_000);

        assertThat(Processes.find(recorded.pid(), recorded.startMillis())).isEmpty();
        assertThat(recorded.isDead()).isTrue();
    }
}
