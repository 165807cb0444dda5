package dev.pgroup.core.internal;

import dev.pgroup.Manifest;
import dev.pgroup.core.internal.definition.ReadySpec;
import dev.pgroup.core.internal.os.Deadline;
import dev.pgroup.core.internal.os.DiskSpace;
import dev.pgroup.core.internal.os.LogTail;
import dev.pgroup.core.internal.runit.GroupLayout;
import dev.pgroup.core.internal.runit.PassedSockets;
import dev.pgroup.core.internal.runit.RuntimeSettings;
import dev.pgroup.core.internal.runit.Supervisor;
import dev.pgroup.core.internal.start.StartWaiter;
import dev.pgroup.core.internal.state.GroupRegistry;
import dev.pgroup.core.model.PGroupException;
import dev.pgroup.core.model.StartException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One start of a group, run under its start lock: launch runsvdir, wait until every process is
 * ready, record the runsvdir in the registry, write the manifest with the pids, and detach last.
 * A start that fails, for whatever reason, stops everything it launched before it throws.
 *
 * @param stopProcesses stops the group's processes and forgets its runsvdir (Group's stop)
 */
public record GroupStart(
        String id,
        GroupLayout layout,
        Supervisor supervisor,
        GroupRegistry registry,
        boolean detached,
        Runnable stopProcesses) {

    /**
     * Starts the processes of {@code settings} within {@code deadline}.
     *
     * @param manifest the group's manifest as last written or read: its names, dirs, ports and log
     *     files never change after create, and every pid in it is replaced, so it is not read again
     *     from the file
     * @return the manifest as written, with each process's pid
     * @throws StartException when a process exits or is not ready in time; the group is stopped
     * @throws PGroupException when runit cannot be launched or the manifest cannot be written
     */
    public Manifest run(RuntimeSettings settings, Manifest manifest, Deadline deadline) {
        // Only a log check reads the log from where it ended before this start: a stat each.
        Map<String, Long> logOffsets = new LinkedHashMap<>();
        for (RuntimeSettings.ProcessSettings p : settings.processes()) {
            if (p.ready() == ReadySpec.Kind.LOG) {
                logOffsets.put(p.name(), sizeOf(layout.logFile(p.name())));
            }
        }
        ProcessHandle runsvdir;
        try {
            runsvdir = supervisor.launch(settings.names());
        } catch (PassedSockets.BindFailure e) {
            // A port taken since create: nothing was launched, so this is the process's start failure.
            throw failedStart(e.process(), e.getMessage(), e);
        } catch (IOException e) {
            throw new PGroupException(withDiskNote("cannot start runsvdir for group " + id + ": " + e), e);
        }
        try {
            Map<String, Long> pids =
                    new StartWaiter(layout, supervisor, runsvdir, settings, logOffsets).await(deadline);
            // After the wait, not before: the registry is for list and prune, which read the pid file
            // too, and a database write is a millisecond or more of a start that may take twenty.
            registry.runsvdir(id, runsvdir.pid());
            Manifest m = manifest;
            List<Manifest.ProcessInfo> processes = new ArrayList<>();
            m.processes().forEach(p -> processes.add(p.withPid(pids.getOrDefault(p.name(), 0L))));
            Manifest started =
                    new Manifest(m.groupId(), m.groupName(), m.directory(), m.node(), m.createdAt(), processes);
            started.write(layout.manifest());
            if (detached) {
                // Other users see the claims of its ports as long as the group runs, not the CLI.
                List<ProcessHandle> keepers = new ArrayList<>(List.of(runsvdir));
                supervisor.watchdog().ifPresent(w -> keepers.add(w.handle()));
                registry.keepPortClaims(id, keepers);
                // Last: until here, a start killed outright (kill -9 of the CLI) closes the watchdog's
                // pipe, and the watchdog takes the group down instead of leaving it half started.
                supervisor.detach();
            }
            return started;
        } catch (StartWaiter.Failure f) {
            throw failedStart(f.process(), f.getMessage(), f);
        } catch (UncheckedIOException e) {
            // The manifest or a pid file could not be written, e.g. on a full disk: an engine
            // failure with the group's id, not a raw I/O exception.
            PGroupException failure =
                    new PGroupException(withDiskNote("cannot start group " + id + ": " + e.getMessage()), e);
            stopAfterFailure(failure);
            throw failure;
        } catch (RuntimeException | Error e) {
            stopAfterFailure(e);
            throw e;
        }
    }

    private StartException failedStart(String process, String reason, Throwable cause) {
        List<Throwable> problems = new ArrayList<>();
        try {
            stopProcesses.run();
        } catch (RuntimeException e) {
            problems.add(e);
        }
        // Stopped: svlogd has written everything, so the tail is complete.
        Path log = layout.logFile(process);
        List<String> tail = LogTail.read(log, LogTail.ERROR_LINES);
        if (tail.isEmpty() && sizeOf(layout.runsvdirLog()) > 0) {
            log = layout.runsvdirLog();
            tail = LogTail.read(log, LogTail.ERROR_LINES);
        }
        StartException failure = new StartException(id, process, withDiskNote(reason), log, tail, cause);
        problems.forEach(failure::addSuppressed);
        return failure;
    }

    /** A failed start on a full disk says so: what failed often shows only as a timeout. */
    private String withDiskNote(String message) {
        return DiskSpace.lowSpaceNote(layout.directory())
                .map(note -> message + " (" + note + ")")
                .orElse(message);
    }

    private void stopAfterFailure(Throwable failure) {
        try {
            stopProcesses.run();
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }
}
