package dev.pgroup.core.internal.runit;

import dev.pgroup.core.internal.os.Processes;
import dev.pgroup.core.internal.os.Spawning;
import dev.pgroup.core.model.PGroupException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs one group's {@code runsvdir} (under its {@link OwnerWatchdog}), finds it and its watchdog
 * from pgroup's pid files, and stops the group with a {@link GroupStop}. See DESIGN.md, "Measured
 * facts about runit":
 *
 * <ul>
 *   <li>runsvdir sleeps about 1 s when the group dir's mtime is the current second, so the mtime is
 *       set 2 s back before launch;
 *   <li>on HUP runsvdir TERMs each runsv and exits at once, so pgroup does the waiting;
 *   <li>runsv sleeps 1 s after a service that ran under 1 s exits, even when told to exit. pgroup
 *       therefore waits for the service processes themselves, then kills the runsv processes, which
 *       have nothing left to do. svlogd then reads its pipe to EOF, writes everything and exits.
 * </ul>
 */
public final class Supervisor {

    private final Runit runit;
    private final GroupLayout layout;
    private final Map<String, String> environment;

    /**
     * The group's watchdog.
     *
     * @param handle the watchdog process, verified
     * @param subreaper whether it is the group's child subreaper (Linux)
     */
    public record Watchdog(ProcessHandle handle, boolean subreaper) {}

    public Supervisor(Runit runit, GroupLayout layout, Map<String, String> environment) {
        this.runit = runit;
        this.layout = layout;
        this.environment = environment;
    }

    /** The group's runsvdir, if it runs. */
    public Optional<ProcessHandle> runsvdir() {
        return runsvdir(layout);
    }

    /**
     * The runsvdir of the group in {@code layout}, if it runs: the pid file, checked against the
     * process's start time, uid and command line ({@link Processes#findInGroup}), so a planted or
     * stale pid file never names a process to signal.
     */
    public static Optional<ProcessHandle> runsvdir(GroupLayout layout) {
        return readPidFile(layout.runsvdirPidFile())
                .flatMap(f -> Processes.findInGroup(f[0], f[1], layout.directory()));
    }

    /**
     * The group's watchdog, if it runs: this JVM's own from its lease ({@link
     * OwnerWatchdog#ownedWatchdog}), else from the pid file, verified as runsvdir is.
     */
    public Optional<Watchdog> watchdog() {
        Optional<Watchdog> owned = OwnerWatchdog.ownedWatchdog(layout.directory());
        if (owned.isPresent()) {
            return owned;
        }
        return readPidFile(layout.watchdogPidFile()).flatMap(f -> Processes.findInGroup(f[0], f[1], layout.directory())
                .map(h -> new Watchdog(h, f[2] == 1)));
    }

    /** pid, start millis and a flag from "pid start [flag]"; empty when missing or unreadable. */
    private static Optional<long[]> readPidFile(Path file) {
        try {
            String[] parts = Files.readString(file).trim().split("\\s+");
            long[] out = new long[3];
            for (int i = 0; i < Math.min(3, parts.length); i++) {
                out[i] = Long.parseLong(parts[i]);
            }
            return Optional.of(out);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Launches {@code runsvdir -P <group dir>} under a watchdog this JVM owns: every service dir
     * starts at once. If anything fails after the launch (a full disk refusing the pid files), what
     * was launched is stopped before this throws: the watchdog tears the group down on EOF.
     *
     * @return runsvdir
     * @throws PGroupException when the group's runsvdir already runs
     * @throws PassedSockets.BindFailure when a passed socket cannot be bound: nothing was launched
     */
    public ProcessHandle launch(List<String> processes) throws IOException {
        Optional<ProcessHandle> running = runsvdir();
        if (running.isPresent()) {
            throw new PGroupException("group " + layout.directory().getFileName() + " is already started (runsvdir pid "
                    + running.get().pid() + " on " + layout.directory() + ")");
        }
        for (String p : processes) {
            SupervisedState.clearStale(layout.serviceDir(p));
        }
        // runsvdir skips a dir whose mtime is the current second and looks again a second later.
        Files.setLastModifiedTime(
                layout.directory(), FileTime.from(Instant.now().minusSeconds(2)));
        OwnerWatchdog.Launched launched = OwnerWatchdog.launch(
                runit.runsvdir(),
                layout,
                environment,
                PassedSockets.read(layout.passedSockets()),
                layout.runsvdirLog());
        try {
            ProcessHandle runsvdir = ProcessHandle.of(launched.runsvdirPid())
                    .orElseThrow(() -> new IOException("runsvdir exited at once; see " + layout.runsvdirLog()));
            ProcessHandle watchdog = launched.watchdog();
            Files.writeString(
                    layout.watchdogPidFile(),
                    watchdog.pid() + " " + Processes.startMillis(watchdog) + " " + (launched.subreaper() ? 1 : 0)
                            + "\n",
                    StandardCharsets.UTF_8);
            Files.writeString(
                    layout.runsvdirPidFile(),
                    runsvdir.pid() + " " + Processes.startMillis(runsvdir) + "\n",
                    StandardCharsets.UTF_8);
            return runsvdir;
        } catch (IOException | RuntimeException | Error e) {
            OwnerWatchdog.release(layout.directory());
            try {
                deletePidFiles();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /**
     * Lets a started group outlive this JVM (a detached group): the watchdog stays, supervising and
     * reaping, but no longer tears the group down when this JVM exits.
     */
    public void detach() {
        if (!OwnerWatchdog.detach(layout.directory())) {
            throw new PGroupException("cannot detach group " + layout.directory() + ": its watchdog is gone (see "
                    + layout.runsvdirLog() + ")");
        }
    }

    /**
     * Brings up a service that waited (with a {@code down} file) for its {@code after}: writes 'u' to
     * its {@code supervise/control} FIFO, which is what {@code sv up} does, without spawning sv.
     * The FIFO is opened read-write, which never blocks, so a runsv that died cannot hang the start;
     * {@code sv up} remains the fallback.
     */
    public boolean bringUp(String process) {
        Path control = layout.serviceDir(process).resolve("supervise").resolve("control");
        try (java.io.RandomAccessFile fifo = new java.io.RandomAccessFile(control.toFile(), "rw")) {
            fifo.write('u');
            return true;
        } catch (IOException e) {
            return svUp(process);
        }
    }

    private boolean svUp(String process) {
        return Spawning.runQuietly(
                List.of(runit.sv().toString(), "up", layout.serviceDir(process).toString()));
    }

    /**
     * Stops the group and waits until every service, log and runsv process of it, and every process
     * they left behind, is gone. A service still running after its stop timeout is killed. Returns
     * whether anything was running.
     *
     * @param stopTimeouts per process
     */
    public boolean stop(Map<String, Duration> stopTimeouts) {
        // Cleanup must finish even for an interrupted caller (a cancelled start, a shutdown hook):
        // GroupStop's waits would return at once, and the kills after them would be skipped.
        boolean interrupted = Thread.interrupted();
        try {
            // By the watchdog's exit where it can be (this JVM's group, Linux, nothing young),
            // else, or for whatever is left after it, by polling with every process verified.
            OwnedGroupStop.Outcome owned = OwnedGroupStop.tryStop(layout, stopTimeouts);
            boolean anything = owned.gone()
                    || new GroupStop(
                                    layout,
                                    watchdog(),
                                    runsvdir(),
                                    owned.signalled()
                                            ? java.util.OptionalLong.of(owned.signalledNanos())
                                            : java.util.OptionalLong.empty())
                            .stop(stopTimeouts);
            anything |= owned.signalled();
            OwnerWatchdog.release(layout.directory());
            // Containers run outside runit's reach: a killed client leaves its container running.
            java.util.Optional<String> containersLeft = ContainerRemoval.removeAll(layout, environment);
            deletePidFiles();
            containersLeft.ifPresent(problem -> {
                throw new PGroupException(problem);
            });
            return anything;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void deletePidFiles() {
        for (Path file : List.of(layout.runsvdirPidFile(), layout.watchdogPidFile())) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                throw new PGroupException("cannot delete " + file + ": " + e, e);
            }
        }
    }
}
