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
import java.util.ArrayList;
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

    /** The runsvdir of the group in {@code layout}, if it runs: the pid file, checked against the process's start time. */
    public static Optional<ProcessHandle> runsvdir(GroupLayout layout) {
        try {
            String[] parts = Files.readString(layout.runsvdirPidFile()).trim().split("\\s+");
            return Processes.find(Long.parseLong(parts[0]), parts.length > 1 ? Long.parseLong(parts[1]) : 0);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Launches {@code runsvdir -P <group dir>}: every service dir starts at once. */
    public Process launch(List<String> processes) throws IOException {
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
        ProcessBuilder pb = new ProcessBuilder(
                        runit.runsvdir().toString(), "-P", layout.directory().toString())
                .directory(layout.directory().toFile())
                .redirectErrorStream(true)
                .redirectOutput(
                        ProcessBuilder.Redirect.appendTo(layout.runsvdirLog().toFile()));
        pb.environment().clear();
        pb.environment().putAll(environment);
        Process process = Spawns.start(pb);
        Files.writeString(
                layout.runsvdirPidFile(),
                process.pid() + " " + Processes.startMillis(process.toHandle()) + "\n",
                StandardCharsets.UTF_8);
        return process;
    }

    /** {@code sv up} for a service that waited (with a {@code down} file) for its {@code after}. */
    public boolean bringUp(String process) {
        try {
            Process sv = Spawns.start(new ProcessBuilder(
                            runit.sv().toString(),
                            "up",
                            layout.serviceDir(process).toString())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD));
            return sv.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Stops the group and waits until every service, log and runsv process of it is gone. A service
     * still running after its stop timeout is killed. Returns the processes that had to be killed.
     *
     * @param stopTimeouts per process
     */
    public List<String> stop(Map<String, Duration> stopTimeouts) {
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
        Map<String, List<ProcessHandle>> descendants = new LinkedHashMap<>();
        services.forEach((p, h) -> descendants.put(p, h.descendants().toList()));

        if (runsvdir.isPresent()) {
            if (!Signals.send("HUP", List.of(runsvdir.get().pid()))) {
                supervisors.forEach(ProcessHandle::destroy);
            }
        } else {
            supervisors.forEach(ProcessHandle::destroy); // runsv exits on TERM after stopping its service
        }

        List<String> killed = new ArrayList<>();
        for (Map.Entry<String, ProcessHandle> e : services.entrySet()) {
            Deadline deadline = Deadline.in(stopTimeouts.get(e.getKey()));
            ProcessHandle service = e.getValue();
            if (!deadline.await(() -> !Processes.isRunning(service), POLL)) {
                killed.add(e.getKey());
                service.destroyForcibly();
                Deadline.in(Duration.ofSeconds(5)).await(() -> !Processes.isRunning(service), POLL);
            }
            // Children a service forked and left behind would outlive the group.
            descendants.get(e.getKey()).stream().filter(Processes::isRunning).forEach(ProcessHandle::destroyForcibly);
        }
        // Nothing is left for runsv to supervise; it may sit in its 1 s back-off. Killing it closes
        // the log pipe, and svlogd writes what it has and exits on EOF.
        supervisors.stream().filter(Processes::isRunning).forEach(ProcessHandle::destroyForcibly);
        Deadline supervisorsGone = Deadline.in(Duration.ofSeconds(5));
        supervisorsGone.await(() -> supervisors.stream().noneMatch(Processes::isRunning), POLL);
        // runsv may have restarted a crashed service between our snapshot and its TERM.
        for (String p : stopTimeouts.keySet()) {
            servicePid(layout.serviceDir(p))
                    .filter(h -> !services.containsValue(h))
                    .ifPresent(ProcessHandle::destroyForcibly);
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
        try {
            Files.deleteIfExists(layout.runsvdirPidFile());
        } catch (IOException e) {
            throw new PGroupException("cannot delete " + layout.runsvdirPidFile() + ": " + e, e);
        }
        return killed;
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
