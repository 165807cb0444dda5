package dev.pgroup.core.internal.runit;

import dev.pgroup.core.PGroupException;
import dev.pgroup.core.internal.os.Deadline;
import dev.pgroup.core.internal.os.Processes;
import dev.pgroup.core.internal.os.Signals;
import dev.pgroup.core.internal.os.Spawning;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Runs one group's {@code runsvdir} (under its {@link OwnerWatchdog}) and stops it fast, leaving
 * no process behind. See DESIGN.md, "Measured facts about runit":
 *
 * <ul>
 *   <li>runsvdir sleeps about 1 s when the group dir's mtime is the current second, so the mtime is
 *       set 2 s back before launch;
 *   <li>on HUP runsvdir TERMs each runsv and exits at once, so pgroup does the waiting;
 *   <li>runsv sleeps 1 s after a service that ran under 1 s exits, even when told to exit. pgroup
 *       therefore waits for the service processes themselves, then kills the runsv processes, which
 *       have nothing left to do. svlogd then reads its pipe to EOF, writes everything and exits.
 * </ul>
 *
 * <p>The group's pids come from files, never from a walk of the process table, which costs as
 * much as the machine has processes and made a 1,000-process stop take minutes: runsvdir and the
 * watchdog from pgroup's pid files, each service and svlogd from runit's {@code supervise/status},
 * each runsv as their parent. Each is verified before it is signalled (DESIGN.md, "Trust
 * boundaries"): runsvdir and the watchdog with {@link Processes#findInGroup}, a service with
 * {@link Processes#findSupervised} (the start time runit recorded, the uid, and its group dir or
 * its being a child of the group's verified runsv).
 *
 * <p>Orphans a service left (double-forked, {@code setsid}, forked in a TERM trap, a daemonizing
 * {@code redis-server}, the service of a runsv that was killed -9) are found without a table walk
 * in the common case: on Linux the watchdog is their subreaper and exits once it has no child
 * left, so a watchdog that is still there after every known process is gone says there are strays,
 * and only then are its descendants read (one walk). Elsewhere they are reached through each runsv's
 * process group, which catches every orphan that did not leave it ({@code setsid}).
 */
public final class Supervisor {
    private static final Duration LOGGER_EXIT_TIMEOUT = Duration.ofSeconds(5);
    /** svlogd exits within milliseconds of EOF; one that does not has a stray holding its pipe. */
    private static final Duration LOGGER_EOF_GRACE = Duration.ofMillis(300);
    /** The watchdog looks every 10 ms once runsvdir is gone, and exits when it has no child. */
    private static final Duration WATCHDOG_EXIT_GRACE = Duration.ofMillis(200);
    /** How long strays get to exit on TERM before KILL. */
    private static final Duration STRAY_TERM_GRACE = Duration.ofSeconds(1);

    private static final Duration POLL = Duration.ofMillis(10);

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

    /** The group's watchdog, if it runs (verified as runsvdir is). */
    public Optional<Watchdog> watchdog() {
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
        OwnerWatchdog.Launched launched =
                OwnerWatchdog.launch(runit.runsvdir(), layout, environment, layout.runsvdirLog());
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
        // the waits below would return at once, and the kills after them would be skipped.
        boolean interrupted = Thread.interrupted();
        try {
            return stopUninterrupted(stopTimeouts);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private boolean stopUninterrupted(Map<String, Duration> stopTimeouts) {
        Optional<Watchdog> watchdog = watchdog();
        Optional<ProcessHandle> runsvdir = runsvdir();
        Set<Long> roots = new HashSet<>();
        watchdog.ifPresent(w -> roots.add(w.handle().pid()));
        runsvdir.ifPresent(r -> roots.add(r.pid()));
        Map<String, ProcessHandle> services = new LinkedHashMap<>();
        Map<String, ProcessHandle> loggers = new LinkedHashMap<>();
        for (String p : stopTimeouts.keySet()) {
            supervised(layout.serviceDir(p), roots).ifPresent(h -> services.put(p, h));
            supervised(layout.serviceDir(p).resolve("log"), roots).ifPresent(h -> loggers.put(p, h));
        }
        // Each runsv is the parent of its service and its svlogd (a group whose runsvdir was
        // SIGKILLed still has them). One that has neither running exits on runsvdir's TERM.
        Set<ProcessHandle> supervisors = new LinkedHashSet<>();
        for (ProcessHandle h : concat(services.values(), loggers.values())) {
            h.parent()
                    .filter(p -> Processes.isGroupRunsv(p, layout.directory(), roots))
                    .ifPresent(supervisors::add);
        }
        if (watchdog.isEmpty()
                && runsvdir.isEmpty()
                && supervisors.isEmpty()
                && services.isEmpty()
                && loggers.isEmpty()) {
            OwnerWatchdog.release(layout.directory());
            deletePidFiles();
            return false;
        }

        if (runsvdir.isPresent()) {
            boolean sent = OwnerWatchdog.hup(layout.directory())
                    || Signals.send("HUP", List.of(runsvdir.get().pid()));
            if (!sent) {
                supervisors.forEach(ProcessHandle::destroy);
            }
        } else {
            supervisors.forEach(ProcessHandle::destroy); // runsv exits on TERM after stopping its service
        }

        // Every stop_timeout counts from the signal, not from when the previous service was gone.
        Map<String, Deadline> deadlines = new LinkedHashMap<>();
        services.keySet().forEach(p -> deadlines.put(p, Deadline.in(stopTimeouts.get(p))));
        for (Map.Entry<String, ProcessHandle> e : services.entrySet()) {
            Deadline deadline = deadlines.get(e.getKey());
            ProcessHandle service = e.getValue();
            if (!deadline.await(() -> !Processes.isRunning(service), POLL)) {
                service.destroyForcibly();
                Deadline.in(Duration.ofSeconds(5)).await(() -> !Processes.isRunning(service), POLL);
            }
        }
        // Nothing is left for runsv to supervise; it may sit in its 1 s back-off. Killing it closes
        // the log pipe, and svlogd writes what it has and exits on EOF.
        supervisors.stream().filter(Processes::isRunning).forEach(ProcessHandle::destroyForcibly);
        Deadline.in(Duration.ofSeconds(5)).await(() -> supervisors.stream().noneMatch(Processes::isRunning), POLL);

        boolean subreaped = watchdog.map(Watchdog::subreaper).orElse(false);
        boolean loggersDone = Deadline.in(LOGGER_EOF_GRACE)
                .await(() -> loggers.values().stream().noneMatch(Processes::isRunning), POLL);
        boolean clean = loggersDone
                && subreaped
                && Deadline.in(WATCHDOG_EXIT_GRACE)
                        .await(() -> !Processes.isRunning(watchdog.get().handle()), POLL);
        if (!clean) {
            stopStrays(watchdog, supervisors);
        }
        if (!Deadline.in(LOGGER_EXIT_TIMEOUT)
                .await(() -> loggers.values().stream().noneMatch(Processes::isRunning), POLL)) {
            loggers.values().forEach(ProcessHandle::destroyForcibly);
        }
        runsvdir.ifPresent(r -> {
            if (!Deadline.in(Duration.ofSeconds(2)).await(() -> !Processes.isRunning(r), POLL)) {
                r.destroyForcibly();
            }
        });
        watchdog.ifPresent(w -> {
            // It exits once it has reaped its last child; a subreaper still here has a stray left.
            if (!Deadline.in(Duration.ofSeconds(2)).await(() -> !Processes.isRunning(w.handle()), POLL)) {
                w.handle().descendants().forEach(ProcessHandle::destroyForcibly);
                Deadline.in(Duration.ofSeconds(2)).await(() -> !Processes.isRunning(w.handle()), POLL);
            }
        });
        OwnerWatchdog.release(layout.directory());
        deletePidFiles();
        return true;
    }

    /**
     * Stops what services left behind. Under a subreaper watchdog every stray is its descendant:
     * one walk of the process table finds them, and only here, when the watchdog did not exit on
     * its own. Without one (macOS, or a group whose watchdog died) each runsv's process group is
     * signalled instead; that misses a stray that called {@code setsid} (documented in the site's
     * never-leak section).
     */
    private static void stopStrays(Optional<Watchdog> watchdog, Set<ProcessHandle> supervisors) {
        List<Long> leaders = supervisors.stream().map(ProcessHandle::pid).toList();
        boolean subreaped = watchdog.map(Watchdog::subreaper).orElse(false);
        List<ProcessHandle> strays = new ArrayList<>();
        if (subreaped) {
            watchdog.get().handle().descendants().forEach(strays::add);
        } else {
            Signals.sendToGroups("TERM", leaders);
        }
        strays.forEach(ProcessHandle::destroy);
        if (!Deadline.in(STRAY_TERM_GRACE).await(() -> strays.stream().noneMatch(Processes::isRunning), POLL)) {
            strays.stream().filter(Processes::isRunning).forEach(ProcessHandle::destroyForcibly);
        }
        if (!subreaped) {
            Signals.sendToGroups("KILL", leaders);
        }
    }

    private static List<ProcessHandle> concat(
            java.util.Collection<ProcessHandle> a, java.util.Collection<ProcessHandle> b) {
        List<ProcessHandle> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
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

    /**
     * The process runsv last started in {@code serviceDir}, if it still runs and is the group's: its
     * start time must match the time runsv recorded, so a pid reused by an unrelated process is
     * never signalled.
     */
    private Optional<ProcessHandle> supervised(Path serviceDir, Set<Long> roots) {
        SupervisedState state = SupervisedState.read(serviceDir);
        if (state.pid() <= 0) {
            return Optional.empty();
        }
        return Processes.findSupervised(state.pid(), state.since().toEpochMilli(), layout.directory(), roots);
    }
}
