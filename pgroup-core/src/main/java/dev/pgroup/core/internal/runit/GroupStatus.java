package dev.pgroup.core.internal.runit;

import dev.pgroup.Manifest;
import dev.pgroup.core.internal.definition.ReadySpec;
import dev.pgroup.core.internal.os.Processes;
import dev.pgroup.core.model.ProcessState;
import dev.pgroup.core.model.ProcessStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/** What {@code Group.status()} reports, read from runit's files: nothing is spawned. */
public final class GroupStatus {
    private GroupStatus() {}

    /**
     * The state of each process, in definition order.
     *
     * @param running whether the group's runsvdir runs (verified)
     * @param settings the group's settings, read only when a process is down (a one-shot step may
     *     be done)
     */
    public static List<ProcessStatus> read(
            List<Manifest.ProcessInfo> processes,
            boolean running,
            GroupLayout layout,
            Supplier<RuntimeSettings> settings) {
        Instant now = Instant.now();
        List<ProcessStatus> out = new ArrayList<>();
        for (Manifest.ProcessInfo p : processes) {
            SupervisedState s = SupervisedState.read(p.directory());
            ProcessState state;
            long pid = 0;
            Optional<ProcessHandle> alive =
                    s.pid() > 0 ? Processes.find(s.pid(), s.since().toEpochMilli()) : Optional.empty();
            switch (s.kind()) {
                case NEVER_SUPERVISED -> state = ProcessState.HAS_NEVER_RUN;
                case UNREADABLE -> state = ProcessState.UNKNOWN;
                case NO_STATUS -> state = ProcessState.DOWN;
                case RUN -> {
                    if (alive.isPresent()) {
                        // Alive without its runsvdir: an orphan, not a healthy group.
                        state = running ? ProcessState.RUN : ProcessState.FAIL;
                        pid = s.pid();
                    } else {
                        state = running ? ProcessState.FAIL : ProcessState.DOWN;
                    }
                }
                default -> state = isDone(p.name(), layout, settings.get())
                        ? ProcessState.DONE
                        : running && s.wantUp() ? ProcessState.FAIL : ProcessState.DOWN;
            }
            Duration since = s.since().equals(Instant.EPOCH) ? Duration.ZERO : Duration.between(s.since(), now);
            out.add(new ProcessStatus(p.name(), state, pid, since.isNegative() ? Duration.ZERO : since, p.ports()));
        }
        return out;
    }

    /**
     * A one-shot step that exited with the status its {@code ready = { exit = N }} expects. Its
     * finish script records the status and then tells runsv "want down", so right after the exit
     * runsv may still say "want up": the record decides.
     */
    private static boolean isDone(String process, GroupLayout layout, RuntimeSettings settings) {
        return settings.processes().stream()
                .filter(p -> p.name().equals(process) && p.ready() == ReadySpec.Kind.EXIT)
                .anyMatch(p -> SupervisedState.lastExitStatus(layout.serviceDir(process)).stream()
                        .anyMatch(status -> Integer.toString(status).equals(p.readyTarget())));
    }
}
