package dev.pgroup.core.internal.start;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The one thread of a JVM that looks at every start in progress ({@link StartWaiter#poll}), so that
 * hundreds of starts cost one poller, not hundreds of threads each waking every few milliseconds.
 * A start's own thread sleeps until the poller finds something for it.
 *
 * <p>Its CPU stays bounded however many starts wait: after each pass over all of them it pauses at
 * least as long as the pass took (and at least {@link #MIN_PAUSE_NANOS}), so it uses at most half
 * a core, and with few starts far less. A pass reads a 20-byte status file per process and makes
 * the cheap checks (a tcp connect to 127.0.0.1, a log read); what may block runs on the start's
 * own thread.
 */
final class StartPoller {
    /** The pace with few starts: a process that came up is seen within about a millisecond. */
    private static final long MIN_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** While no start waits the thread parks; this bounds a lost wake-up. */
    private static final long IDLE_PARK_NANOS = TimeUnit.SECONDS.toNanos(1);

    private static final StartPoller SHARED = new StartPoller();

    private final Set<StartWaiter> waiters = ConcurrentHashMap.newKeySet();
    private Thread thread;

    private StartPoller() {}

    static StartPoller shared() {
        return SHARED;
    }

    void add(StartWaiter waiter) {
        waiters.add(waiter);
        LockSupport.unpark(thread());
    }

    void remove(StartWaiter waiter) {
        waiters.remove(waiter);
    }

    /** Started on first use; a daemon, so it never keeps a JVM alive. */
    private synchronized Thread thread() {
        if (thread == null) {
            thread = new Thread(this::run, "pgroup-start-poller");
            thread.setDaemon(true);
            thread.start();
        }
        return thread;
    }

    private void run() {
        while (true) {
            if (waiters.isEmpty()) {
                LockSupport.parkNanos(this, IDLE_PARK_NANOS);
                continue;
            }
            long begin = System.nanoTime();
            for (StartWaiter w : waiters) {
                try {
                    if (w.poll()) {
                        LockSupport.unpark(w.caller());
                    }
                } catch (RuntimeException | Error e) {
                    // poll() hands its own failures to the caller; this thread must survive anything.
                }
            }
            long pass = System.nanoTime() - begin;
            LockSupport.parkNanos(this, Math.max(MIN_PAUSE_NANOS, pass));
        }
    }
}
