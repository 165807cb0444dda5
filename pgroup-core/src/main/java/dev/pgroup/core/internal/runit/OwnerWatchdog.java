package dev.pgroup.core.internal.runit;

import dev.pgroup.core.internal.os.Deadline;
import dev.pgroup.core.internal.os.Processes;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Runs every group's runsvdir under a small perl watchdog ({@code owner-watchdog.pl}), which
 *
 * <ul>
 *   <li>ties the group to the JVM that starts it: its stdin is a pipe, the group's lease, whose
 *       write end this JVM's {@link WatchdogLauncher} holds; the kernel closes it when the JVM
 *       dies, however it dies (the launcher reads EOF and exits), or when the launcher itself is
 *       killed; the watchdog reads EOF and tears the group down. This works on Linux and macOS
 *       alike, unlike {@code PR_SET_PDEATHSIG}, which fires when the spawning <em>thread</em>
 *       exits. An owned group keeps the lease until it is stopped; a detached group (the CLI's)
 *       keeps it only until its start succeeded, so a start that fails or is killed -9 still takes
 *       down what it launched;
 *   <li>on Linux is a child subreaper: a service's double-forked, {@code setsid} or otherwise
 *       orphaned children are re-parented to it, so stop finds them as its descendants and nothing
 *       escapes to init. Elsewhere process groups are the reach (see the script);
 *   <li>carries "hup" to runsvdir: the JDK can only send TERM and KILL, and spawning {@code kill}
 *       costs a process.
 * </ul>
 *
 * <p>Each watchdog is forked by the launcher, which has the watchdog code compiled: a start costs a
 * request line and a fork. The lease of each group this JVM owns is kept in a static map, strongly
 * reachable with its launcher, until the group is stopped or detached.
 *
 * <p>A watchdog's pid file is checked as runsvdir's is ({@code Processes.findInGroup}: pid, start
 * time, uid, and the group dir in its command line or working dir). A forked watchdog has the
 * launcher's command line until it renames itself: it sets {@code $0} to {@code
 * <group dir>/.pgroup/owner-watchdog} and works in the group dir, so the check is as strict as for
 * a watchdog started per group, whose arguments named the group dir.
 */
public final class OwnerWatchdog {
    private static final Map<Path, Lease> OWNED = new ConcurrentHashMap<>();

    /**
     * A watchdog that runs a group's runsvdir.
     *
     * @param watchdog the watchdog process
     * @param runsvdirPid runsvdir, the watchdog's child
     * @param subreaper whether the watchdog is a child subreaper (Linux), so that every orphan of
     *     the group is its descendant
     */
    public record Launched(ProcessHandle watchdog, long runsvdirPid, boolean subreaper) {}

    /**
     * This JVM's hold on a group: the launcher keeps the group's pipe under {@code id}.
     *
     * @param watchdog the watchdog, once it answered; null before
     * @param subreaper whether the watchdog is the group's child subreaper (Linux)
     */
    private record Lease(WatchdogLauncher launcher, long id, ProcessHandle watchdog, boolean subreaper) {
        boolean holds() {
            return launcher.isAlive() && watchdog != null && watchdog.isAlive();
        }

        /** Completed once the launcher reaped the watchdog; empty when that is not known. */
        Optional<CompletableFuture<Void>> exit() {
            return launcher.exit(id);
        }
    }

    /** The answers of {@link #launch}, compiled once rather than on every start. */
    private static final Pattern PID = Pattern.compile("\\d{1,18}");

    private static final Pattern STARTED = Pattern.compile("\\d+ \\d+ [01]");

    private OwnerWatchdog() {}

    /**
     * Starts runsvdir under a watchdog owned by this JVM until {@link #release} or {@link #detach}.
     * The watchdog first binds every passed socket of the group, so they listen before any runsv
     * exists; one it cannot bind fails the launch before runsvdir is run.
     *
     * @param sockets the group's passed sockets, which runsvdir inherits on fds 3, 4, ...
     * @param log where the watchdog's, runsvdir's and runsv's own messages go
     * @throws PassedSockets.BindFailure when a socket cannot be bound; nothing was launched
     */
    public static Launched launch(
            Path runsvdir, GroupLayout layout, Map<String, String> environment, PassedSockets sockets, Path log)
            throws IOException {
        Path groupDir = layout.directory();
        WatchdogLauncher launcher;
        long id;
        String answer;
        for (int attempt = 1; ; attempt++) {
            launcher = WatchdogLauncher.get();
            id = WatchdogLauncher.nextId();
            OWNED.put(groupDir, new Lease(launcher, id, null, false));
            try {
                answer = launcher.start(id, environment, runsvdir, groupDir, log, sockets.watchdogArguments());
                break;
            } catch (WatchdogLauncher.NotSent e) {
                // The launcher had died (killed) before this start: once more with a new one.
                release(groupDir);
                if (attempt == 2) {
                    throw e;
                }
            } catch (IOException | RuntimeException | Error e) {
                release(groupDir);
                throw e;
            }
        }
        String[] parts = answer.split(" ", 4);
        Optional<ProcessHandle> watchdog = Optional.empty();
        if (PID.matcher(parts[0]).matches()) {
            // The watchdog answered: release, from here on, waits until it is gone.
            watchdog = ProcessHandle.of(Long.parseLong(parts[0]));
            boolean subreaper = parts.length == 3 && parts[2].equals("1");
            OWNED.put(groupDir, new Lease(launcher, id, watchdog.orElse(null), subreaper));
        }
        if (parts.length >= 3 && parts[1].equals("listen")) {
            // "PID listen <index> <message>": socket <index> could not be bound, and the watchdog exited.
            release(groupDir);
            PassedSockets.Socket socket;
            try {
                socket = sockets.sockets().get(Integer.parseInt(parts[2]));
            } catch (RuntimeException e) {
                throw new IOException("the owner watchdog could not bind a socket (" + answer + "); see " + log, e);
            }
            throw new PassedSockets.BindFailure(socket, parts.length > 3 ? parts[3] : answer);
        }
        if (!STARTED.matcher(answer).matches()) {
            release(groupDir);
            String why = answer.startsWith("error ")
                    ? ": " + answer.substring(6)
                    : answer.startsWith("exit ")
                            ? " (it exited, wait status " + answer.substring(5) + ")"
                            : " (" + answer + ")";
            throw new IOException("the owner watchdog did not start runsvdir" + why + "; see " + log);
        }
        if (watchdog.isEmpty()) {
            release(groupDir);
            throw new IOException("the owner watchdog exited at once; see " + log);
        }
        return new Launched(watchdog.get(), Long.parseLong(parts[1]), parts[2].equals("1"));
    }

    /** Whether this JVM owns the running group in {@code groupDir}. */
    public static boolean owns(Path groupDir) {
        Lease lease = OWNED.get(groupDir);
        return lease != null && lease.holds();
    }

    /**
     * The exit of the group's watchdog, when this JVM owns the group through a launcher that still
     * runs and the watchdog is the group's child subreaper, not yet reported gone: it completes
     * once every process of the group is gone (the watchdog exits only when runsvdir has exited and
     * it has no child left, and as a subreaper every orphan of the group is its child). Completes
     * exceptionally when the launcher dies. No {@code /proc} read: the lease is the proof.
     */
    static Optional<CompletableFuture<Void>> ownedExit(Path groupDir) {
        Lease lease = OWNED.get(groupDir);
        if (lease == null
                || lease.watchdog() == null
                || !lease.subreaper()
                || !lease.launcher().isAlive()) {
            return Optional.empty();
        }
        return lease.exit().filter(f -> !f.isDone());
    }

    /**
     * The group's watchdog as this JVM's lease knows it, when {@link #ownedExit} holds: its handle
     * was made from the pid the watchdog itself wrote into the lease's answer, and as the
     * launcher's child that pid cannot be another process's before the launcher has reaped it and
     * reported its exit. No pid file, no {@code /proc} read.
     */
    static Optional<Supervisor.Watchdog> ownedWatchdog(Path groupDir) {
        Lease lease = OWNED.get(groupDir);
        if (lease == null || ownedExit(groupDir).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Supervisor.Watchdog(lease.watchdog(), lease.subreaper()));
    }

    /**
     * Asks the watchdog to send HUP to runsvdir through the group's lease, without looking at the
     * watchdog process first ({@link #ownedExit} said it runs); false if there is no lease or the
     * launcher is gone.
     */
    static boolean hupOwned(Path groupDir) {
        Lease lease = OWNED.get(groupDir);
        return lease != null && lease.watchdog() != null && lease.launcher().hup(lease.id());
    }

    /** Asks the watchdog to send HUP to runsvdir; false if this JVM has no watchdog for the group. */
    public static boolean hup(Path groupDir) {
        Lease lease = OWNED.get(groupDir);
        return lease != null && lease.holds() && lease.launcher().hup(lease.id());
    }

    /**
     * Ends this JVM's lease without stopping the group: the watchdog goes on supervising runsvdir
     * and reaping orphans, and ignores the pipe's EOF. False when the message could not be passed on.
     */
    public static boolean detach(Path groupDir) {
        Lease lease = OWNED.get(groupDir);
        if (lease == null || !lease.holds() || !lease.launcher().detach(lease.id())) {
            return false;
        }
        OWNED.remove(groupDir);
        return true;
    }

    /**
     * Ends the lease: the launcher closes the pipe, and this waits for the watchdog to be gone.
     * After a stop it has already exited or is about to; otherwise EOF makes it tear down whatever
     * of the group still runs (a start that failed halfway relies on that).
     */
    public static void release(Path groupDir) {
        Lease lease = OWNED.remove(groupDir);
        if (lease == null) {
            return;
        }
        ProcessHandle watchdog = lease.watchdog();
        // The launcher forgets an exit once it reported it: no future left means reaped.
        boolean reaped = lease.exit().map(CompletableFuture::isDone).orElse(true);
        if (watchdog != null && reaped && lease.launcher().isAlive()) {
            return; // the launcher reaped it and reported it: known gone, no /proc read
        }
        if (watchdog != null && !Processes.isRunning(watchdog)) {
            // A stop waited for it to exit: the launcher closes a lease when it reaps its watchdog,
            // so the line would only queue behind every other stopping thread on the launcher's pipe.
            return;
        }
        lease.launcher().release(lease.id());
        if (watchdog == null) {
            return; // it never answered: it failed, or its launcher died and with it the lease
        }
        // The teardown TERMs, waits up to 2 s and KILLs; give it that and a margin.
        if (!Deadline.in(Duration.ofSeconds(6)).await(() -> !Processes.isRunning(watchdog), Duration.ofMillis(10))) {
            watchdog.destroyForcibly();
        }
    }
}
