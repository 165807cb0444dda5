package dev.pgroup.core.internal.runit;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The stop of a group this JVM owns, by event instead of by polling: HUP through the group's lease,
 * then one wait for the launcher's "{@code ID exit STATUS}" line, which it writes when it reaps the
 * group's watchdog. On Linux the watchdog is the group's child subreaper and exits only once
 * runsvdir has exited and it has no child left: every runsv, service, svlogd and orphan of the
 * group is its descendant, so its exit says that all of them are gone. A polling stop ({@link
 * GroupStop}) reads {@code /proc} for each of the group's 11 processes to verify it and then again
 * on every 10 ms poll of four sequential waits; at a few hundred concurrent stops that was most of
 * the JVM's CPU.
 *
 * <p>Trust (DESIGN.md, "Trust boundaries"): this signals no process by pid. The HUP goes to the
 * watchdog through the pipe this JVM's launcher holds for exactly that watchdog (its lease), and
 * the watchdog sends it to runsvdir, its own child, whose pid cannot be reused before the watchdog
 * reaps it. The exit is reported by the watchdog's parent, the launcher, so it cannot be another
 * process's. Whenever a process has to be signalled by pid (a service still running at its stop
 * timeout, a stray), {@link GroupStop} does it after its usual verification.
 *
 * <p>Only where it cannot cost runsv's 1 s back-off (runsv sleeps 1 s after a service or svlogd
 * that ran under 1 s exits, even when told to exit): every service and svlogd of the group must
 * have been in its state for longer than that, by runit's own {@code supervise/status}. A young
 * group is stopped by polling, which kills each runsv once its service is gone. So is one this JVM
 * does not own (a detached group, another JVM's), one whose watchdog is not a subreaper (macOS),
 * and one whose launcher died.
 */
public final class OwnedGroupStop {
    /** runsv's back-off is for processes that ran under 1 s; the margin covers clock reads. */
    private static final Duration RUNSV_BACK_OFF = Duration.ofMillis(1_200);

    /**
     * How long the watchdog's exit is waited for before the polling stop takes over. A stop of
     * {@code sleep}s takes milliseconds; what takes longer (a slow TERM handler, a stray that keeps
     * the watchdog alive) is then handled by {@link GroupStop}, with deadlines from the HUP.
     */
    static final Duration EXIT_WAIT = Duration.ofMillis(500);

    /**
     * What {@link #tryStop} did.
     *
     * @param signalled whether HUP was sent (at {@code signalledNanos}, {@link System#nanoTime})
     * @param gone whether every process of the group is known gone
     */
    public record Outcome(boolean signalled, long signalledNanos, boolean gone) {
        public static final Outcome NOT_TRIED = new Outcome(false, 0, false);
    }

    private OwnedGroupStop() {}

    /**
     * Stops the group by HUP and waits for its watchdog's exit, when the group is one this applies
     * to (see the class comment).
     *
     * @param stopTimeouts per process; the wait ends at the earliest
     */
    public static Outcome tryStop(GroupLayout layout, Map<String, Duration> stopTimeouts) {
        Optional<CompletableFuture<Void>> exit = OwnerWatchdog.ownedExit(layout.directory());
        if (stopTimeouts.isEmpty() || exit.isEmpty() || !settled(layout, stopTimeouts.keySet())) {
            return Outcome.NOT_TRIED;
        }
        long signalled = System.nanoTime();
        if (!OwnerWatchdog.hupOwned(layout.directory())) {
            return Outcome.NOT_TRIED;
        }
        Duration wait = stopTimeouts.values().stream()
                .min(Duration::compareTo)
                .filter(d -> d.compareTo(EXIT_WAIT) < 0)
                .orElse(EXIT_WAIT);
        return new Outcome(true, signalled, await(exit.get(), wait));
    }

    /**
     * Waits up to {@code wait} for a watchdog's exit ({@link OwnerWatchdog#ownedExit}); false when
     * it did not come, the launcher died (the exit is unknown), or the thread was interrupted (the
     * flag is kept: the polling stop then kills what is left at once).
     */
    static boolean await(CompletableFuture<Void> exit, Duration wait) {
        try {
            exit.get(Math.max(0, wait.toNanos()), TimeUnit.NANOSECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // Poll from here.
        }
        return false;
    }

    /**
     * Whether every service and svlogd of the group runs (or is down) since longer than runsv's
     * back-off, by runit's {@code supervise/status}: none can make its runsv sleep 1 s on exit.
     */
    private static boolean settled(GroupLayout layout, Collection<String> processes) {
        Instant old = Instant.now().minus(RUNSV_BACK_OFF);
        for (String p : processes) {
            for (SupervisedState s : new SupervisedState[] {
                SupervisedState.read(layout.serviceDir(p)),
                SupervisedState.read(layout.serviceDir(p).resolve("log"))
            }) {
                boolean known = s.kind() == SupervisedState.Kind.RUN || s.kind() == SupervisedState.Kind.DOWN;
                if (!known || !s.since().isBefore(old)) {
                    return false;
                }
            }
        }
        return true;
    }
}
