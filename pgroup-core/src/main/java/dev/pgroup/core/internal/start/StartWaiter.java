package dev.pgroup.core.internal.start;

import dev.pgroup.core.internal.definition.ReadySpec;
import dev.pgroup.core.internal.os.Deadline;
import dev.pgroup.core.internal.os.Processes;
import dev.pgroup.core.internal.os.WatchedProcess;
import dev.pgroup.core.internal.runit.GroupLayout;
import dev.pgroup.core.internal.runit.RuntimeSettings;
import dev.pgroup.core.internal.runit.RuntimeSettings.ProcessSettings;
import dev.pgroup.core.internal.runit.SupervisedState;
import dev.pgroup.core.internal.runit.Supervisor;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Waits until every process of a freshly launched group runs and passes its ready check, bringing
 * up {@code after} processes once what they wait for is ready. It fails fast, long before the
 * deadline, when a process exits: runsv restarts a crashed service only after 1 s, and a missing
 * program exits at once, so a single look at the status tells ({@link ExitJudgement} says whether
 * a status is an exit).
 */
public final class StartWaiter {

    /** Why a start failed, before the group is stopped and the log tail read. */
    public static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;
        private final String process;

        Failure(String process, String reason) {
            super(reason);
            this.process = process;
        }

        public String process() {
            return process;
        }
    }

    /**
     * How long the caller parks at most before it looks whether the poller called it: a bound for
     * the case that a wake-up got lost, not the poller's pace.
     */
    private static final long MAX_CALLER_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    /**
     * How often the poller looks whether runsvdir still runs: a look is a /proc read, and the poller
     * passed over every start each millisecond. The caller's own looks always look.
     */
    private static final long RUNSVDIR_LOOK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final GroupLayout layout;
    private final Supervisor supervisor;
    /** Looked at in every round: one stat read a look on Linux. */
    private final WatchedProcess runsvdir;

    /** When the poller looks at runsvdir next; under {@link #lock}. */
    private long nextRunsvdirLookNanos = System.nanoTime();

    private final ExitJudgement exits;
    private final Map<String, TrackedProcess> tracked = new LinkedHashMap<>();
    /** Held by whoever looks, the caller or the poller; they never look at once. */
    private final ReentrantLock lock = new ReentrantLock();
    /** Set by the poller when the caller must look; cleared by the caller when it does. */
    private volatile boolean callerDue;

    private volatile Thread caller;
    private volatile Deadline deadline;

    /**
     * @param logOffsets size of each process's log before launch; log checks read only what follows
     */
    public StartWaiter(
            GroupLayout layout,
            Supervisor supervisor,
            ProcessHandle runsvdir,
            RuntimeSettings settings,
            Map<String, Long> logOffsets) {
        this.layout = layout;
        this.supervisor = supervisor;
        this.runsvdir = WatchedProcess.of(runsvdir);
        this.exits = new ExitJudgement(layout);
        for (ProcessSettings p : settings.processes()) {
            ReadinessCheck check = ReadinessChecks.of(p, layout, logOffsets.getOrDefault(p.name(), 0L));
            tracked.put(p.name(), new TrackedProcess(p, ContainerGate.around(check, p.ready(), layout, p.name())));
        }
    }

    /**
     * Waits; returns the pid of each process once all are ready. The looking is done by the JVM's
     * one {@link StartPoller}, which wakes this thread when there is something only it may do: a
     * ready check that blocks (http, command), judging an exit (which waits for the exit record),
     * the end of the start (ready, failed, timed out). This thread then looks at everything once
     * itself, so every outcome is decided here, as before, and the poller only saves the looks in
     * between.
     */
    public Map<String, Long> await(Deadline deadline) throws Failure {
        this.deadline = deadline;
        this.caller = Thread.currentThread();
        StartPoller poller = StartPoller.shared();
        poller.add(this);
        try {
            while (true) {
                Map<String, Long> pids;
                lock.lock();
                try {
                    callerDue = false;
                    pids = round(false);
                } catch (CallerWork impossible) {
                    throw new AssertionError("only the poller hands work over", impossible);
                } finally {
                    lock.unlock();
                }
                if (pids != null) {
                    return pids;
                }
                while (!callerDue
                        && !deadline.passed()
                        && !Thread.currentThread().isInterrupted()) {
                    deadline.pauseUpTo(MAX_CALLER_PARK_NANOS);
                }
            }
        } finally {
            poller.remove(this);
        }
    }

    /**
     * One look at the start on the poller's thread; returns whether the caller must look now. A look
     * that finds nothing for the caller changes only what cheap looks find (a status, a tcp connect,
     * a log line, a release with {@code sv up}).
     */
    boolean poll() {
        if (callerDue || !lock.tryLock()) {
            return false; // the caller is looking, or is about to
        }
        try {
            round(true);
            return false;
        } catch (CallerWork | Failure | RuntimeException e) {
            callerDue = true; // the caller's own look finds it again, and reports it
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** The thread waiting in {@link #await}. */
    Thread caller() {
        return caller;
    }

    /** Something only the caller's thread may do, found by the poller. */
    private static final class CallerWork extends Exception {
        private static final long serialVersionUID = 1L;
        static final CallerWork INSTANCE = new CallerWork();

        private CallerWork() {
            super(null, null, false, false);
        }
    }

    /**
     * One look at every process: the pids once all are ready, else null. On the poller ({@code
     * onPoller}) it throws {@link CallerWork} instead of doing what may block, and wherever the
     * caller must take over.
     */
    private Map<String, Long> round(boolean onPoller) throws Failure, CallerWork {
        boolean allReady = true;
        for (TrackedProcess t : tracked.values()) {
            if (!t.ready) {
                step(t, onPoller);
                allReady &= t.ready;
            }
        }
        if (allReady) {
            if (onPoller) {
                throw CallerWork.INSTANCE; // the caller makes the last look and returns
            }
            if (allStillRunning()) {
                Map<String, Long> pids = new LinkedHashMap<>();
                tracked.forEach((name, t) -> pids.put(name, t.pid));
                return pids;
            }
        }
        if (runsvdirExited(onPoller)) {
            TrackedProcess first = firstNotReady();
            throw new Failure(
                    first.settings.name(),
                    "was not ready when runsvdir (pid " + runsvdir.pid() + ") exited; see " + layout.runsvdirLog());
        }
        if (deadline.passed()) {
            throw timeout(deadline.total());
        }
        if (!onPoller && Thread.currentThread().isInterrupted()) {
            throw new Failure(firstNotReady().settings.name(), "was not ready when the start was interrupted");
        }
        return null;
    }

    private boolean runsvdirExited(boolean onPoller) {
        long now = System.nanoTime();
        if (onPoller && now - nextRunsvdirLookNanos < 0) {
            return false;
        }
        nextRunsvdirLookNanos = now + RUNSVDIR_LOOK_NANOS;
        return !runsvdir.isRunning();
    }

    /** One look at one process: released, running, ready, or failed. */
    private void step(TrackedProcess t, boolean onPoller) throws Failure, CallerWork {
        String name = t.settings.name();
        if (!t.released) {
            t.releaseWhenDue(tracked, layout, supervisor);
            return;
        }
        SupervisedState s = SupervisedState.read(layout.serviceDir(name));
        switch (s.kind()) {
            case RUN -> {
                if (t.pid != 0 && t.pid != s.pid()) {
                    throw new Failure(
                            name,
                            "exited and was restarted by runit during start (pid " + t.pid + ", then " + s.pid() + ")");
                }
                t.pid = s.pid();
                long now = System.nanoTime();
                if (t.settings.ready() == ReadySpec.Kind.EXIT) {
                    t.ready = false; // a one-shot step is ready once it has exited, see below
                } else if (t.settings.ready() == ReadySpec.Kind.NONE) {
                    // The check is "running" for a binary; a container's also waits until its
                    // container runs, which asks the engine: not on the shared poller.
                    if (!RunningWithoutCheck.confirmed(s.pid(), s.since(), Instant.now())) {
                        t.ready = false;
                    } else if (onPoller && t.check.blocks()) {
                        throw CallerWork.INSTANCE;
                    } else {
                        t.ready = t.check.isReady(deadline.remaining());
                    }
                } else if (now - t.nextCheckNanos >= 0) {
                    if (onPoller && t.check.blocks()) {
                        throw CallerWork.INSTANCE;
                    }
                    t.ready = t.check.isReady(deadline.remaining());
                    t.nextCheckNanos = now + TimeUnit.MILLISECONDS.toNanos(t.check.pauseMillis());
                }
            }
            case DOWN, FINISH -> {
                if (exits.exited(name, s, t.pid, t.releasedAt)) {
                    if (onPoller) {
                        throw CallerWork.INSTANCE; // how it exited: a wait for the finish script's record
                    }
                    if (t.settings.ready() == ReadySpec.Kind.EXIT) {
                        exits.requireExpectedStatus(name, t.settings.readyTarget());
                        t.ready = true;
                        return;
                    }
                    throw new Failure(name, "exited during start" + exits.exitStatus(name));
                }
            }
            case UNREADABLE -> throw new Failure(
                    name, "has an unreadable " + layout.serviceDir(name).resolve("supervise/status"));
            case NEVER_SUPERVISED, NO_STATUS -> {
                // runsvdir has not started its runsv yet.
            }
        }
    }

    /**
     * One last look before the start succeeds: every process (but finished one-shot steps) still
     * runs as the pid it was ready as. A process that passed its check and exited right after (a
     * daemonizing server, a program that exits at once on a loaded machine) is marked not ready
     * again, and the next look reports its exit the way every exit is reported.
     */
    private boolean allStillRunning() {
        boolean all = true;
        for (TrackedProcess t : tracked.values()) {
            if (t.settings.ready() == ReadySpec.Kind.EXIT) {
                continue;
            }
            SupervisedState s = SupervisedState.read(layout.serviceDir(t.settings.name()));
            if (s.kind() != SupervisedState.Kind.RUN || s.pid() != t.pid || !Processes.isRunning(t.pid)) {
                t.ready = false;
                all = false;
            }
        }
        return all;
    }

    private TrackedProcess firstNotReady() {
        return tracked.values().stream().filter(t -> !t.ready).findFirst().orElseThrow();
    }

    private Failure timeout(Duration total) {
        TrackedProcess t = firstNotReady();
        return new Failure(t.name(), "was not ready within " + format(total) + ": " + t.whyNotReady(tracked));
    }

    private static String format(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
