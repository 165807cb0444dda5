package dev.pgroup.core.internal;

import dev.pgroup.core.PGroupException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Runs one group's {@code runsvdir} and stops it fast. See DESIGN.md, "Measured facts about runit":
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
    private static final Duration LOGGER_EXIT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration POLL = Duration.ofMillis(10);

    private final Runit runit;
    private final GroupLayout layout;
    private final Map<String, String> environment;

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
     * process's start time, uid and command line, so a planted or stale pid file names no process.
     */
    public static Optional<ProcessHandle> runsvdir(GroupLayout layout) {
        try {
            String[] parts = Files.readString(layout.runsvdirPidFile()).trim().split("\\s+");
            return Processes.findInGroup(
                    Long.parseLong(parts[0]), parts.length > 1 ? Long.parseLong(parts[1]) : 0, layout.directory());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Launches {@code runsvdir -P <group dir>}: every service dir starts at once. An owned group runs
     * under an {@link OwnerWatchdog}, so it dies with this JVM; a detached one runs on its own.
     *
     * @return runsvdir
     */
    public ProcessHandle launch(List<String> processes, boolean owned) throws IOException {
        if (runsvdir().isPresent()) {
            throw new PGroupException("group " + layout.directory() + " is already started (runsvdir pid "
                    + runsvdir().get().pid() + ")");
        }
        for (String p : processes) {
            SupervisedState.clearStale(layout.serviceDir(p));
        }
        // runsvdir skips a dir whose mtime is the current second and looks again a second later.
        Files.setLastModifiedTime(
                layout.directory(), FileTime.from(Instant.now().minusSeconds(2)));
        ProcessHandle runsvdir;
        if (owned) {
            long pid = OwnerWatchdog.launch(runit.runsvdir(), layout, environment, layout.runsvdirLog());
            runsvdir = ProcessHandle.of(pid)
                    .orElseThrow(() -> new IOException("runsvdir exited at once; see " + layout.runsvdirLog()));
        } else {
            // A process group of its own: a Ctrl-C or hang-up aimed at the shell that created the
            // group must not reach runsvdir (INT would kill it and orphan its runsv processes).
            // And a clean signal mask: the JVM blocks SIGQUIT, and services would inherit that.
            ProcessBuilder pb = new ProcessBuilder(
                            "perl",
                            "-e",
                            "setpgrp(0, 0); require POSIX; POSIX::sigprocmask(POSIX::SIG_SETMASK(), POSIX::SigSet->new());"
                                    + " $SIG{$_} = 'DEFAULT' for qw(PIPE XFSZ QUIT INT HUP TERM);"
                                    + " exec { $ARGV[0] } @ARGV or die qq(pgroup: cannot exec $ARGV[0]: $!\\n)",
                            runit.runsvdir().toString(),
                            "-P",
                            layout.directory().toString())
                    .directory(layout.directory().toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(
                            layout.runsvdirLog().toFile()));
            pb.environment().clear();
            pb.environment().putAll(environment);
            runsvdir = Spawning.start(pb).toHandle();
        }
        Files.writeString(
                layout.runsvdirPidFile(),
                runsvdir.pid() + " " + Processes.startMillis(runsvdir) + "\n",
                StandardCharsets.UTF_8);
        return runsvdir;
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
     * Stops the group and waits until every service, log and runsv process of it is gone. A service
     * still running after its stop timeout is killed. Returns whether anything was running.
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
        Optional<ProcessHandle> runsvdir = runsvdir();
        Map<String, ProcessHandle> services = new LinkedHashMap<>();
        Map<String, ProcessHandle> loggers = new LinkedHashMap<>();
        Set<ProcessHandle> supervisors = new HashSet<>();
        runsvdir.ifPresent(r -> r.children().forEach(supervisors::add));
        for (String p : stopTimeouts.keySet()) {
            servicePid(layout.serviceDir(p)).ifPresent(h -> services.put(p, h));
            servicePid(layout.serviceDir(p).resolve("log")).ifPresent(h -> loggers.put(p, h));
        }
        // A service whose runsvdir is gone (SIGKILLed) still has its runsv: find it as the parent.
        Stream.concat(services.values().stream(), loggers.values().stream())
                .flatMap(h -> h.parent().stream())
                .filter(h -> h.info().command().map(c -> c.endsWith("runsv")).orElse(false))
                .forEach(supervisors::add);
        if (runsvdir.isEmpty() && supervisors.isEmpty() && services.isEmpty() && loggers.isEmpty()) {
            deletePidFile();
            return false;
        }
        Map<String, List<ProcessHandle>> descendants = new LinkedHashMap<>();
        services.forEach((p, h) -> descendants.put(p, h.descendants().toList()));

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
            // Children a service forked and left behind would outlive the group.
            descendants.get(e.getKey()).stream().filter(Processes::isRunning).forEach(ProcessHandle::destroyForcibly);
        }
        // Nothing is left for runsv to supervise; it may sit in its 1 s back-off. Killing it closes
        // the log pipe, and svlogd writes what it has and exits on EOF. Whatever else is still under
        // a runsv (a service restarted after the snapshot, a child a service left) is stopped too.
        Set<ProcessHandle> strays = new HashSet<>();
        supervisors.forEach(r -> r.descendants().forEach(strays::add));
        strays.removeAll(loggers.values());
        supervisors.stream().filter(Processes::isRunning).forEach(ProcessHandle::destroyForcibly);
        Deadline supervisorsGone = Deadline.in(Duration.ofSeconds(5));
        supervisorsGone.await(() -> supervisors.stream().noneMatch(Processes::isRunning), POLL);
        strays.removeIf(h -> !Processes.isRunning(h));
        if (!strays.isEmpty()) {
            strays.forEach(ProcessHandle::destroy);
            if (!Deadline.in(Duration.ofSeconds(3))
                    .await(() -> strays.stream().noneMatch(Processes::isRunning), POLL)) {
                strays.forEach(ProcessHandle::destroyForcibly);
            }
        }
        Deadline loggersGone = Deadline.in(LOGGER_EXIT_TIMEOUT);
        if (!loggersGone.await(() -> loggers.values().stream().noneMatch(Processes::isRunning), POLL)) {
            loggers.values().forEach(ProcessHandle::destroyForcibly);
        }
        runsvdir.ifPresent(r -> {
            if (!Deadline.in(Duration.ofSeconds(2)).await(() -> !Processes.isRunning(r), POLL)) {
                r.destroyForcibly();
            }
        });
        OwnerWatchdog.release(layout.directory());
        deletePidFile();
        return true;
    }

    private void deletePidFile() {
        try {
            Files.deleteIfExists(layout.runsvdirPidFile());
        } catch (IOException e) {
            throw new PGroupException("cannot delete " + layout.runsvdirPidFile() + ": " + e, e);
        }
    }

    /**
     * The process runsv last started in {@code serviceDir}, if it still runs. Its start time must
     * match the time runsv recorded, so a pid reused by an unrelated process is never signalled.
     */
    static Optional<ProcessHandle> servicePid(Path serviceDir) {
        SupervisedState state = SupervisedState.read(serviceDir);
        if (state.pid() <= 0) {
            return Optional.empty();
        }
        return Processes.find(state.pid(), state.since().toEpochMilli());
    }
}
