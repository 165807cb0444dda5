package dev.pgroup.core.internal.runit;

import dev.pgroup.core.internal.os.Deadline;
import dev.pgroup.core.internal.os.ProcStat;
import dev.pgroup.core.internal.os.ProcessTree;
import dev.pgroup.core.internal.os.Processes;
import dev.pgroup.core.internal.os.Signals;
import dev.pgroup.core.internal.os.WatchedProcess;
import dev.pgroup.core.internal.runit.Supervisor.Watchdog;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * One stop of a group: signals its runsvdir, services, runsv and svlogd processes and what they
 * left behind, and waits until every one is gone. {@link Supervisor#stop} runs it and then removes
 * the pid files.
 *
 * <p>The group's pids come from files, never from a walk of the process table, which costs as
 * much as the machine has processes and made a 1,000-process stop take minutes: runsvdir and the
 * watchdog from pgroup's pid files, each service and svlogd from runit's {@code supervise/status},
 * each runsv as their parent. Each is verified before it is signalled (DESIGN.md, "Trust
 * boundaries"): runsvdir and the watchdog with {@link Processes#findInGroup}, a service with
 * {@link Processes#findSupervised} (the start time runit recorded, the uid, and its group dir or
 * its being a child of the group's verified runsv), a runsv by parentage: its parent is the
 * verified runsvdir, which forks nothing but runsv and, alive after the read, cannot have had its
 * pid reused. On Linux each of them costs one stat read, and a {@link ProcessHandle} (another) is
 * made only for a process that gets a signal ({@link WatchedProcess#verifiedByStat}).
 *
 * <p>Orphans a service left (double-forked, {@code setsid}, forked in a TERM trap, a daemonizing
 * {@code redis-server}, the service of a runsv that was killed -9) are found without a table walk
 * in the common case: on Linux the watchdog is their subreaper and exits once it has no child
 * left, so a watchdog that is still there after every known process is gone says there are strays,
 * and only then are its descendants read (one walk). Elsewhere they are reached through each runsv's
 * process group, which catches every orphan that did not leave it ({@code setsid}).
 */
final class GroupStop {
    private static final Duration LOGGER_EXIT_TIMEOUT = Duration.ofSeconds(5);
    /** svlogd exits within milliseconds of EOF; one that does not has a stray holding its pipe. */
    private static final Duration LOGGER_EOF_GRACE = Duration.ofMillis(300);
    /** The watchdog looks every 10 ms once runsvdir is gone, and exits when it has no child. */
    private static final Duration WATCHDOG_EXIT_GRACE = Duration.ofMillis(200);
    /** How long strays get to exit on TERM before KILL. */
    private static final Duration STRAY_TERM_GRACE = Duration.ofSeconds(1);

    private static final Duration POLL = Duration.ofMillis(10);

    private final GroupLayout layout;
    private final Optional<Watchdog> watchdog;
    private final Optional<ProcessHandle> runsvdir;
    private final OptionalLong signalledNanos;
    /** The exit of the watchdog this JVM's lease holds, if it is the group's subreaper (Linux). */
    private final Optional<java.util.concurrent.CompletableFuture<Void>> ownedExit;

    /**
     * @param watchdog the group's watchdog, verified, if it runs
     * @param runsvdir the group's runsvdir, verified, if it runs
     */
    GroupStop(GroupLayout layout, Optional<Watchdog> watchdog, Optional<ProcessHandle> runsvdir) {
        this(layout, watchdog, runsvdir, OptionalLong.empty());
    }

    /**
     * @param signalledNanos when the group was already sent HUP ({@link OwnedGroupStop}), its
     *     {@link System#nanoTime}: every stop timeout counts from then
     */
    GroupStop(
            GroupLayout layout,
            Optional<Watchdog> watchdog,
            Optional<ProcessHandle> runsvdir,
            OptionalLong signalledNanos) {
        this.layout = layout;
        this.watchdog = watchdog;
        this.runsvdir = runsvdir;
        this.signalledNanos = signalledNanos;
        this.ownedExit = OwnerWatchdog.ownedExit(layout.directory());
    }

    /**
     * Stops every process of the group and waits until it is gone. A service still running after
     * its stop timeout is killed. Returns whether anything was running.
     *
     * @param stopTimeouts per process
     */
    boolean stop(Map<String, Duration> stopTimeouts) {
        Set<Long> roots = new HashSet<>();
        watchdog.ifPresent(w -> roots.add(w.handle().pid()));
        runsvdir.ifPresent(r -> roots.add(r.pid()));
        Map<String, WatchedProcess> services = new LinkedHashMap<>();
        Map<String, WatchedProcess> loggers = new LinkedHashMap<>();
        for (String p : stopTimeouts.keySet()) {
            supervised(layout.serviceDir(p), roots).ifPresent(h -> services.put(p, h));
            supervised(layout.serviceDir(p).resolve("log"), roots).ifPresent(h -> loggers.put(p, h));
        }
        // Each runsv is the parent of its service and its svlogd (a group whose runsvdir was
        // SIGKILLed still has them). One that has neither running exits on runsvdir's TERM.
        Set<WatchedProcess> supervisors = new LinkedHashSet<>();
        Set<Long> parents = new LinkedHashSet<>();
        List<ProcStat> parentStats = new ArrayList<>();
        List<ProcessHandle> unknownParents = new ArrayList<>();
        for (WatchedProcess h : concat(services.values(), loggers.values())) {
            OptionalLong known = h.parentPid();
            if (known.isPresent()) {
                if (parents.add(known.getAsLong())) { // a service and its svlogd share their runsv
                    ProcStat.read(known.getAsLong())
                            .filter(s -> !s.isZombie())
                            .ifPresentOrElse(s -> parentStats.add(s), () -> ProcessHandle.of(known.getAsLong())
                                    .ifPresent(unknownParents::add));
                }
            } else {
                h.parent().filter(p -> parents.add(p.pid())).ifPresent(unknownParents::add);
            }
        }
        // A parent whose own parent is the group's runsvdir is one of its runsv: runsvdir forks
        // nothing else. runsvdir still running after those reads (its handle's start-time check)
        // means it was their parent when they were read, not a process that reused its pid.
        boolean byParentage = runsvdir.isPresent() && runsvdir.get().isAlive();
        for (ProcStat s : parentStats) {
            if (byParentage && s.parent() == runsvdir.get().pid()) {
                supervisors.add(WatchedProcess.verifiedByStat(s));
            } else {
                ProcessHandle.of(s.pid()).ifPresent(unknownParents::add);
            }
        }
        for (ProcessHandle p : unknownParents) {
            Processes.groupRunsv(p, layout.directory(), roots).ifPresent(supervisors::add);
        }
        if (watchdog.isEmpty()
                && runsvdir.isEmpty()
                && supervisors.isEmpty()
                && services.isEmpty()
                && loggers.isEmpty()) {
            return false;
        }

        // After a HUP sent already (OwnedGroupStop), a runsvdir still here did not get it, and
        // without one the runsv processes were not told: signalling again is harmless either way.
        long signalled = signalledNanos.orElseGet(System::nanoTime);
        if (runsvdir.isPresent()) {
            boolean sent = (ownedExit.isPresent() && OwnerWatchdog.hupOwned(layout.directory()))
                    || OwnerWatchdog.hup(layout.directory())
                    || Signals.send("HUP", List.of(runsvdir.get().pid()));
            if (!sent) {
                supervisors.forEach(WatchedProcess::destroy);
            }
        } else {
            supervisors.forEach(WatchedProcess::destroy); // runsv exits on TERM after stopping its service
        }

        // Every stop_timeout counts from the signal, not from when the previous service was gone.
        Map<String, Deadline> deadlines = new LinkedHashMap<>();
        services.keySet().forEach(p -> deadlines.put(p, Deadline.after(signalled, stopTimeouts.get(p))));
        for (Map.Entry<String, WatchedProcess> e : services.entrySet()) {
            Deadline deadline = deadlines.get(e.getKey());
            WatchedProcess service = e.getValue();
            if (!deadline.await(() -> !service.isRunning(), POLL)) {
                service.destroyForcibly();
                Deadline.in(Duration.ofSeconds(5)).await(() -> !service.isRunning(), POLL);
            }
        }
        // Nothing is left for runsv to supervise; it may sit in its 1 s back-off. Killing it closes
        // the log pipe, and svlogd writes what it has and exits on EOF.
        supervisors.stream().filter(WatchedProcess::isRunning).forEach(WatchedProcess::destroyForcibly);
        // A subreaper watchdog exits once every process of the group is gone (OwnedGroupStop): its
        // exit, reported by the launcher, replaces polling runsv, svlogd, runsvdir and the watchdog.
        // When it does not come within svlogd's grace (a stray holds it or svlogd's pipe, the
        // launcher died), they are polled, that grace spent already.
        Duration loggerGrace = LOGGER_EOF_GRACE;
        if (ownedExit.isPresent()) {
            if (OwnedGroupStop.await(ownedExit.get(), LOGGER_EOF_GRACE)) {
                return true;
            }
            loggerGrace = Duration.ZERO;
        }
        Deadline.in(Duration.ofSeconds(5)).await(() -> supervisors.stream().noneMatch(WatchedProcess::isRunning), POLL);

        boolean subreaped = watchdog.map(Watchdog::subreaper).orElse(false);
        Optional<WatchedProcess> watchedDog = watchdog.map(w -> WatchedProcess.of(w.handle()));
        boolean loggersDone = Deadline.in(loggerGrace)
                .await(() -> loggers.values().stream().noneMatch(WatchedProcess::isRunning), POLL);
        boolean clean = loggersDone
                && subreaped
                && Deadline.in(WATCHDOG_EXIT_GRACE)
                        .await(() -> !watchedDog.get().isRunning(), POLL);
        if (!clean) {
            stopStrays(watchdog, supervisors);
        }
        if (!Deadline.in(LOGGER_EXIT_TIMEOUT)
                .await(() -> loggers.values().stream().noneMatch(WatchedProcess::isRunning), POLL)) {
            loggers.values().forEach(WatchedProcess::destroyForcibly);
        }
        runsvdir.map(WatchedProcess::of).ifPresent(r -> {
            if (!Deadline.in(Duration.ofSeconds(2)).await(() -> !r.isRunning(), POLL)) {
                r.destroyForcibly();
            }
        });
        watchedDog.ifPresent(w -> {
            // It exits once it has reaped its last child; a subreaper still here has a stray left.
            if (!Deadline.in(Duration.ofSeconds(2)).await(() -> !w.isRunning(), POLL)) {
                ProcessTree.descendants(watchdog.get().handle()).forEach(ProcessHandle::destroyForcibly);
                Deadline.in(Duration.ofSeconds(2)).await(() -> !w.isRunning(), POLL);
            }
        });
        return true;
    }

    /**
     * Stops what services left behind. Under a subreaper watchdog every stray is its descendant,
     * found through the children files of the tree ({@link ProcessTree}), and only here, when the
     * watchdog did not exit on its own. Without one (macOS, or a group whose watchdog died) each runsv's process group is
     * signalled instead; that misses a stray that called {@code setsid} (documented in the site's
     * never-leak section).
     */
    private static void stopStrays(Optional<Watchdog> watchdog, Set<WatchedProcess> supervisors) {
        List<Long> leaders = supervisors.stream().map(WatchedProcess::pid).toList();
        boolean subreaped = watchdog.map(Watchdog::subreaper).orElse(false);
        List<WatchedProcess> strays = new ArrayList<>();
        if (subreaped) {
            ProcessTree.descendants(watchdog.get().handle()).forEach(h -> strays.add(WatchedProcess.of(h)));
        } else {
            Signals.sendToGroups("TERM", leaders);
        }
        strays.forEach(WatchedProcess::destroy);
        if (!Deadline.in(STRAY_TERM_GRACE).await(() -> strays.stream().noneMatch(WatchedProcess::isRunning), POLL)) {
            strays.stream().filter(WatchedProcess::isRunning).forEach(WatchedProcess::destroyForcibly);
        }
        if (!subreaped) {
            Signals.sendToGroups("KILL", leaders);
        }
    }

    private static List<WatchedProcess> concat(
            java.util.Collection<WatchedProcess> a, java.util.Collection<WatchedProcess> b) {
        List<WatchedProcess> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /**
     * The process runsv last started in {@code serviceDir}, if it still runs and is the group's: its
     * start time must match the time runsv recorded, so a pid reused by an unrelated process is
     * never signalled.
     */
    private Optional<WatchedProcess> supervised(Path serviceDir, Set<Long> roots) {
        SupervisedState state = SupervisedState.read(serviceDir);
        if (state.pid() <= 0) {
            return Optional.empty();
        }
        return Processes.findSupervised(state.pid(), state.since().toEpochMilli(), layout.directory(), roots);
    }
}
