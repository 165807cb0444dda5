package dev.pgroup.core.internal.start;

import dev.pgroup.core.internal.os.Deadline;
import dev.pgroup.core.internal.runit.GroupLayout;
import dev.pgroup.core.internal.runit.SupervisedState;
import dev.pgroup.core.internal.start.StartWaiter.Failure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalInt;

/**
 * Judges a "down" or "finish" status seen during a start: whether the process really exited, how
 * (from its finish script's record), and whether a one-shot step exited with the status it must.
 */
final class ExitJudgement {
    /** How long to wait for a finish script's exit record once an exit is seen. */
    private static final Duration EXIT_RECORD_WAIT = Duration.ofSeconds(1);

    private final GroupLayout layout;

    ExitJudgement(GroupLayout layout) {
        this.layout = layout;
    }

    /**
     * Whether a "down" or "finish" status means the process ran and exited. With "want up" runit
     * will restart it; with "want down" its finish script (restart = never or on-failure) took it
     * down, which can all happen between two looks, so that "run" is never seen. A process brought
     * up by start was "down, want down" before, because of its down file: only a status dated after
     * the release counts.
     *
     * @param pid the pid the start saw running, 0 for none yet
     * @param releasedAt when start brought the process up; null for one runsv started at once
     */
    boolean exited(String name, SupervisedState s, long pid, Instant releasedAt) {
        if (s.wantUp()) {
            return pid != 0 || exitedAfterStarting(name, s);
        }
        return releasedAt == null || s.since().isAfter(releasedAt);
    }

    /**
     * A one-shot step ({@code ready = { exit = N }}) has exited: returns if with status N, else the
     * start fails saying how it exited.
     *
     * @param expected N, as the ready target carries it
     */
    void requireExpectedStatus(String name, String expected) throws Failure {
        String how = exitStatus(name); // waits for the finish script's record
        OptionalInt status = SupervisedState.lastExitStatus(layout.serviceDir(name));
        if (status.isPresent() && Integer.toString(status.getAsInt()).equals(expected)) {
            return;
        }
        throw new Failure(
                name,
                "exited during start" + (how.isEmpty() ? "" : how) + ", but ready = { exit = " + expected
                        + " } expects status " + expected);
    }

    /**
     * How the process exited, e.g. " with status 0", from the record of its finish script. The
     * script runs right after the exit; a short wait for it makes the message the same every time.
     * Without a finish script (restart = always) there is no record.
     */
    String exitStatus(String name) {
        Path serviceDir = layout.serviceDir(name);
        if (!Files.exists(serviceDir.resolve("finish"))) {
            return "";
        }
        Deadline wait = Deadline.in(EXIT_RECORD_WAIT);
        String[] found = {null};
        wait.await(
                () -> {
                    found[0] = SupervisedState.lastExit(serviceDir).orElse(null);
                    return found[0] != null;
                },
                Duration.ofMillis(5));
        return found[0] == null ? "" : " " + found[0];
    }

    /**
     * Whether a "down, want up" status is runsv's record of an exit rather than the one it writes
     * when it starts, before it has forked the service: that one is dated when runsv started, and a
     * loaded machine can take far longer than any fixed settle time to get from there to the fork.
     * runsv starts the log service first, so an exit is dated at or after the logger's start, and
     * the status written at runsv's start is dated before it.
     */
    private boolean exitedAfterStarting(String name, SupervisedState s) {
        SupervisedState logger = SupervisedState.read(layout.serviceDir(name).resolve("log"));
        return logger.kind() == SupervisedState.Kind.RUN && !logger.since().isAfter(s.since());
    }
}
