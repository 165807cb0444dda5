package dev.pgroup.core.internal.start;

import dev.pgroup.core.internal.runit.GroupLayout;
import dev.pgroup.core.internal.runit.RuntimeSettings.ProcessSettings;
import dev.pgroup.core.internal.runit.SupervisedState;
import dev.pgroup.core.internal.runit.Supervisor;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** What a {@link StartWaiter} knows of one process of the start: released, its pid, ready. */
final class TrackedProcess {
    final ProcessSettings settings;
    final ReadinessCheck check;
    boolean released;
    /** When start brought it up with sv up; null for one runsv started at once. */
    Instant releasedAt;

    boolean ready;
    long pid;
    long nextCheckNanos;

    TrackedProcess(ProcessSettings settings, ReadinessCheck check) {
        this.settings = settings;
        this.check = check;
        this.released = settings.after().isEmpty();
    }

    String name() {
        return settings.name();
    }

    /**
     * Brings an {@code after} process up with {@code sv up} once everything it waits for is ready;
     * until then, and until its runsv is up to take the command, it stays down.
     */
    void releaseWhenDue(Map<String, TrackedProcess> all, GroupLayout layout, Supervisor supervisor) {
        if (settings.after().stream().allMatch(dep -> all.get(dep).ready)) {
            // sv fails until runsv has opened supervise/ok; a status file means it has.
            SupervisedState s = SupervisedState.read(layout.serviceDir(name()));
            if (s.kind() != SupervisedState.Kind.NEVER_SUPERVISED && s.kind() != SupervisedState.Kind.NO_STATUS) {
                Instant before = Instant.now();
                if (supervisor.bringUp(name())) {
                    released = true;
                    releasedAt = before;
                }
            }
        }
    }

    /** Why it is not ready at the deadline, in the words of the timeout's message. */
    String whyNotReady(Map<String, TrackedProcess> all) {
        if (!released) {
            List<String> waiting =
                    settings.after().stream().filter(d -> !all.get(d).ready).toList();
            return "was never started: it waits for " + waiting + (waiting.isEmpty() ? " (sv up failed)" : "");
        } else if (pid == 0) {
            return "was not running";
        } else {
            return "did not pass its ready check, " + check.description() + " (last: " + check.lastProblem() + ")";
        }
    }
}
