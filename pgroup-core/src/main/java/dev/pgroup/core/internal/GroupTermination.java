package dev.pgroup.core.internal;

import dev.pgroup.core.internal.runit.GroupLayout;
import dev.pgroup.core.internal.runit.ProcessTreeStop;
import dev.pgroup.core.internal.runit.Supervisor;
import dev.pgroup.core.internal.state.GroupRegistry;
import dev.pgroup.core.model.PGroupException;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * One terminate of a group (Group's): stop whatever still runs, delete the directory, forget the
 * row and with it the ports. It never deletes the files of a group that still runs: a group whose
 * processes cannot be stopped keeps its files, its row and its ports (this throws, and a later
 * terminate or prune can finish), and so does one whose directory cannot be wholly deleted.
 *
 * @param stopWithSettings stops the processes by the group's settings (their stop timeouts); it
 *     throws when the settings cannot be read
 * @param environment pgroup's environment, for the engine that gives back what containers wrote
 */
public record GroupTermination(
        String id,
        GroupLayout layout,
        Supervisor supervisor,
        GroupRegistry registry,
        Runnable stopWithSettings,
        Map<String, String> environment) {

    /** The stop_timeout of each process is in the files; a group without them gets this. */
    private static final Duration FILELESS_STOP_TIMEOUT = Duration.ofSeconds(5);

    /**
     * @return a problem met once the directory was deleted (the group is terminated all the same),
     *     e.g. a stop that needed its fallback or a row that could not be removed
     * @throws PGroupException when something still runs or the directory cannot be wholly deleted:
     *     the group stays, for a later terminate or prune
     */
    public Optional<PGroupException> run() {
        PGroupException failure = null;
        if (Files.isDirectory(layout.directory())) {
            try {
                stopWithSettings.run();
            } catch (RuntimeException e) {
                failure = new PGroupException("cannot stop group " + id + " cleanly: " + e.getMessage(), e);
                // Unreadable settings, say: runit's pid files and the registry's runsvdir still
                // name what runs, and deleting the files of a running group would orphan it.
                stopWithoutSettings(failure);
            }
        } else {
            stopWithoutFiles(); // its ports stay leased while it runs
        }
        // After a clean stop its pid files are gone; after a failed one the registry's pid may be all.
        boolean stopFailed = failure != null;
        Optional<ProcessHandle> running = supervisor
                .runsvdir()
                .or(() -> stopFailed ? registry.find(id).flatMap(GroupRegistry.Entry::runsvdir) : Optional.empty());
        if (running.isPresent()) {
            throw addTo(
                    new PGroupException("cannot terminate group " + id + ": its runsvdir (pid "
                            + running.get().pid() + ") still runs; its files in " + layout.directory()
                            + " and its ports stay"),
                    failure);
        }
        try {
            ContainerWrittenFiles.delete(layout, environment);
        } catch (ContainerWrittenFiles.NotDeleted e) {
            throw addTo(new PGroupException(e.getMessage() + "; group " + id + " stays registered", e), failure);
        } catch (IOException e) {
            // Registered still, with what proves the dir pgroup's: terminate or prune again finishes.
            throw addTo(
                    new PGroupException(
                            "cannot delete " + layout.directory() + ": " + e + "; group " + id
                                    + " stays registered, and terminate or prune deletes the rest",
                            e),
                    failure);
        }
        try {
            registry.remove(id);
        } catch (RuntimeException e) {
            failure = addTo(failure, e);
        }
        return Optional.ofNullable(failure);
    }

    private void stopWithoutSettings(PGroupException failure) {
        try {
            if (supervisor.stop(Map.of())) {
                registry.runsvdir(id, 0);
            }
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
        try {
            stopWithoutFiles();
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    /**
     * A group whose directory was deleted while it ran (rm -rf, mvn clean) is stopped through the
     * runsvdir pid the registry holds, verified by start time, uid and command line.
     */
    private void stopWithoutFiles() {
        registry.find(id).flatMap(GroupRegistry.Entry::runsvdir).ifPresent(runsvdir -> {
            if (!ProcessTreeStop.stop(layout.directory(), runsvdir, FILELESS_STOP_TIMEOUT)) {
                throw new PGroupException("cannot stop group " + id + ": its directory " + layout.directory()
                        + " is gone, and processes under its runsvdir (pid " + runsvdir.pid()
                        + ") outlived TERM and KILL; its ports stay leased");
            }
        });
    }

    private static PGroupException addTo(PGroupException failure, RuntimeException e) {
        if (e == null) {
            return failure;
        }
        if (failure == null) {
            return e instanceof PGroupException p ? p : new PGroupException(e.getMessage(), e);
        }
        failure.addSuppressed(e);
        return failure;
    }
}
