package dev.pgroup.core;

import dev.pgroup.Manifest;
import dev.pgroup.core.internal.GroupStart;
import dev.pgroup.core.internal.GroupTermination;
import dev.pgroup.core.internal.container.InFlightCreates;
import dev.pgroup.core.internal.os.Deadline;
import dev.pgroup.core.internal.os.LogTail;
import dev.pgroup.core.internal.runit.ContainerPlan;
import dev.pgroup.core.internal.runit.GroupLayout;
import dev.pgroup.core.internal.runit.GroupStatus;
import dev.pgroup.core.internal.runit.Runit;
import dev.pgroup.core.internal.runit.RuntimeSettings;
import dev.pgroup.core.internal.runit.StartLock;
import dev.pgroup.core.internal.runit.Supervisor;
import dev.pgroup.core.internal.state.GroupRegistry;
import dev.pgroup.core.model.PGroupException;
import dev.pgroup.core.model.ProcessStatus;
import dev.pgroup.core.model.StartException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One group of processes: created, then started and stopped any number of times, then terminated.
 * {@link #close()} terminates, so try-with-resources leaves nothing behind.
 *
 * <p>start, stop and terminate are synchronized: one caller drives a group at a time. status and
 * isRunning only read runit's files, so another thread can watch a start in progress.
 */
public final class Group implements AutoCloseable {
    /** Lines of a process's log shown in an error. */
    public static final int LOG_TAIL_LINES = LogTail.ERROR_LINES;

    private final GroupRegistry registry;
    private final String id;
    private final String name;
    private final GroupLayout layout;
    private final Supervisor supervisor;
    private final Map<String, String> environment;
    private RuntimeSettings settings;

    private boolean terminated;
    /**
     * Set by a stop of this object that finished without a problem, cleared by a start: terminate
     * then knows the processes are gone, unless a start elsewhere (another Group object, another
     * JVM) ran since, which it checks with the start lock and the pid files a start writes.
     */
    private boolean stoppedHere;

    private volatile Manifest known;

    private final boolean detached;

    /**
     * @param registry where start records the runsvdir and terminate forgets the group
     * @param environment the environment runsvdir and the processes inherit
     * @param settings the runtime settings as create wrote them, or null to read them when needed
     * @param manifest the manifest as just written or read, or null to read it when needed
     */
    Group(
            GroupRegistry registry,
            Map<String, String> environment,
            String id,
            String name,
            GroupLayout layout,
            Runit runit,
            boolean detached,
            RuntimeSettings settings,
            Manifest manifest) {
        this.registry = registry;
        this.settings = settings;
        this.known = manifest;
        this.detached = detached;
        this.id = id;
        this.name = name;
        this.layout = layout;
        this.environment = environment;
        this.supervisor = new Supervisor(runit, layout, environment);
    }

    /** The node-unique id, e.g. {@code cache-myhost-k3f9qz}. */
    public String id() {
        return id;
    }

    /** The group name from {@code group.toml} (or the create options). */
    public String name() {
        return name;
    }

    /** The group directory. */
    public Path directory() {
        return layout.directory();
    }

    /** The manifest tests read through {@code dev.pgroup.PGroup}. */
    public Path manifestFile() {
        return layout.manifest();
    }

    /** What the manifest says now (read again: another JVM may have restarted the group). */
    public Manifest manifest() {
        Manifest m = Manifest.read(layout.manifest());
        known = m;
        return m;
    }

    /**
     * The manifest as this object last read or wrote it: names, dirs, ports and log files never
     * change after create, so port() and status() need not parse the file each time.
     */
    private Manifest known() {
        Manifest m = known;
        return m != null ? m : manifest();
    }

    /** Process names in definition order. */
    public List<String> processes() {
        return settings().names();
    }

    /**
     * The port leased for {@code portName} of {@code process}.
     *
     * @throws IllegalArgumentException when there is no such process or port
     */
    public int port(String process, String portName) {
        Manifest.ProcessInfo p = processInfo(process);
        Integer port = p.ports().get(portName);
        if (port == null) {
            throw new IllegalArgumentException("process '" + process + "' of group " + id + " has no port '" + portName
                    + "'; it has " + p.ports().keySet());
        }
        return port;
    }

    /** Every leased port: process name to port name to port. */
    public Map<String, Map<String, Integer>> ports() {
        Map<String, Map<String, Integer>> out = new LinkedHashMap<>();
        known().processes().forEach(p -> out.put(p.name(), p.ports()));
        return out;
    }

    /** The file svlogd writes the process's output to. */
    public Path logFile(String process) {
        return processInfo(process).logFile();
    }

    /** The last {@code lines} lines of the process's log, oldest first, with svlogd's timestamps. */
    public List<String> logTail(String process, int lines) {
        return LogTail.read(logFile(process), lines);
    }

    /** Whether the group outlives the JVM that created it. */
    public boolean isDetached() {
        return detached;
    }

    /** Whether the group's runsvdir runs. */
    public boolean isRunning() {
        return supervisor.runsvdir().isPresent();
    }

    /**
     * Starts the group and waits until every process runs and passes its ready check, bringing up
     * {@code after} processes once what they wait for is ready.
     *
     * <p>One start of a group runs at a time, across threads and JVMs (a file lock in the group's
     * state dir). A caller that finds another start in progress waits for it, within its own
     * {@code timeout}, and then fails with "already started" if that start succeeded (or starts the
     * group itself if it failed). A start that fails, for whatever reason, stops everything it
     * launched before it throws; a detached group's start that is killed outright is stopped by the
     * group's watchdog, which keeps the group only once the start has succeeded.
     *
     * @throws StartException when a process exits or is not ready within {@code timeout}; the group
     *     is stopped again (files kept) and the message carries the process's log tail
     * @throws PGroupException when the group is already started, or runit cannot be launched
     */
    public synchronized void start(Duration timeout) {
        checkNotTerminated();
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("start timeout must be positive, was " + timeout);
        }
        RuntimeSettings s = settings();
        Deadline deadline = Deadline.in(timeout);
        stoppedHere = false;
        try (StartLock ignored = StartLock.acquire(layout, id, deadline)) {
            known = new GroupStart(id, layout, supervisor, registry, detached, this::stopProcesses)
                    .run(s, known(), deadline);
        }
    }

    /** The state of each process, in definition order. Reads runit's files; spawns nothing. */
    public List<ProcessStatus> status() {
        return GroupStatus.read(known().processes(), supervisor.runsvdir().isPresent(), layout, this::settings);
    }

    /**
     * Stops every process and waits until they, their loggers and their supervisors are gone. A
     * process still running after its {@code stop_timeout} is killed. Files stay; {@link
     * #start(Duration)} works again. Stopping a stopped group does nothing.
     */
    public synchronized void stop() {
        checkNotTerminated();
        stopProcesses();
        stoppedHere = true;
    }

    private void stopProcesses() {
        if (stopSupervised()) {
            registry.runsvdir(id, 0);
        }
    }

    /** Stops the processes without touching the registry; returns whether anything ran. */
    private boolean stopSupervised() {
        Map<String, Duration> timeouts = new LinkedHashMap<>();
        settings().processes().forEach(p -> timeouts.put(p.name(), p.stopTimeout()));
        // Held when free, never waited for: a prune beside this stop then does not take the group,
        // whose runsvdir is gone first, for one whose runsvdir died, and stop it as well.
        Optional<StartLock> lock = StartLock.tryAcquire(layout);
        try {
            // A container whose client is killed while its create is in flight lands after the stop.
            InFlightCreates creates = InFlightCreates.before(id, layout, environment, containerImages());
            boolean anything = supervisor.stop(timeouts);
            creates.settle();
            return anything;
        } finally {
            lock.ifPresent(StartLock::close);
        }
    }

    /**
     * Each container process's image, by its id where create recorded one; none when the manifest
     * cannot be read (a stop must still run: remove-containers removes by label).
     */
    private Map<String, String> containerImages() {
        Map<String, String> images = new LinkedHashMap<>();
        Manifest m;
        try {
            m = known();
        } catch (RuntimeException e) {
            return images;
        }
        for (Manifest.ProcessInfo p : m.processes()) {
            if (p.image() != null) {
                images.put(p.name(), ContainerPlan.imageOf(p.image(), p.imageId()));
            }
        }
        return images;
    }

    /**
     * Right after this object's own stop nothing runs, unless a start took the group since: one
     * holds the start lock while it launches, and writes the pid files before it lets go. With the
     * lock free and no pid file, the stop's re-reading of every process's status is skipped.
     */
    private void stopUnlessStillStopped() {
        Optional<StartLock> lock = StartLock.tryAcquire(layout);
        try {
            boolean still = lock.isPresent()
                    && !Files.exists(layout.runsvdirPidFile(), LinkOption.NOFOLLOW_LINKS)
                    && !Files.exists(layout.watchdogPidFile(), LinkOption.NOFOLLOW_LINKS);
            if (still) {
                return;
            }
        } finally {
            lock.ifPresent(StartLock::close);
        }
        stopSupervised();
    }

    /**
     * Stops the group if it runs, releases its ports and deletes its directory. Idempotent: a second
     * call does nothing. A group whose processes cannot be stopped keeps its files, its registry row
     * and its ports (this throws, and a later terminate or prune can finish); so does one whose dir
     * cannot be wholly deleted.
     */
    public synchronized void terminate() {
        if (terminated) {
            return;
        }
        // The registry row goes with the files: clearing its runsvdir first (stopProcesses) would be
        // a second database transaction for nothing.
        Runnable stop = stoppedHere ? this::stopUnlessStillStopped : this::stopSupervised;
        Optional<PGroupException> late =
                new GroupTermination(id, layout, supervisor, registry, stop, environment).run();
        terminated = true;
        if (late.isPresent()) {
            throw late.get();
        }
    }

    /** Terminates the group. */
    @Override
    public void close() {
        terminate();
    }

    private RuntimeSettings settings() {
        if (settings == null) {
            checkNotTerminated();
            settings = RuntimeSettings.read(layout.runtimeSettings());
        }
        return settings;
    }

    private Manifest.ProcessInfo processInfo(String process) {
        return known().process(process)
                .orElseThrow(() -> new IllegalArgumentException(
                        "group " + id + " has no process '" + process + "'; it has " + processes()));
    }

    private void checkNotTerminated() {
        if (terminated) {
            throw new IllegalStateException("group " + id + " is terminated");
        }
    }

    @Override
    public String toString() {
        return "Group[" + id + " at " + layout.directory() + "]";
    }
}
