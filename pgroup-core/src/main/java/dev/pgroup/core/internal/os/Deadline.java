package dev.pgroup.core.internal.os;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** A point in {@code nanoTime}, and waiting for a condition until then. */
public final class Deadline {
    private final long end;
    private final Duration total;

    private Deadline(Duration total, long fromNanos) {
        this.total = total;
        this.end = fromNanos + total.toNanos();
    }

    public static Deadline in(Duration d) {
        return new Deadline(d, System.nanoTime());
    }

    /** {@code d} after {@code fromNanos}, a {@link System#nanoTime} in the past (a signal's, say). */
    public static Deadline after(long fromNanos, Duration d) {
        return new Deadline(d, fromNanos);
    }

    public boolean passed() {
        return System.nanoTime() - end >= 0;
    }

    public Duration total() {
        return total;
    }

    public Duration remaining() {
        return Duration.ofNanos(Math.max(0, end - System.nanoTime()));
    }

    /**
     * Polls {@code condition} until it holds or the deadline passes, backing off from 1 ms to
     * {@code maxPause}. Returns whether it held. Restores the interrupt flag and returns false when
     * interrupted.
     */
    public boolean await(BooleanSupplier condition, Duration maxPause) {
        long pause = 1_000_000;
        while (true) {
            if (condition.getAsBoolean()) {
                return true;
            }
            if (passed()) {
                return false;
            }
            pauseUpTo(pause);
            if (Thread.currentThread().isInterrupted()) {
                return false;
            }
            pause = Math.min(pause * 2, maxPause.toNanos());
        }
    }

    /** Parks for {@code nanos}, or until the deadline, whichever is first. */
    public void pauseUpTo(long nanos) {
        long left = end - System.nanoTime();
        if (left > 0) {
            LockSupport.parkNanos(Math.min(nanos, left));
        }
    }
}
