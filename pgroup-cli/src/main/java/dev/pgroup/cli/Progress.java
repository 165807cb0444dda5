package dev.pgroup.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Tells a person on stderr that a slow wait is still going: nothing for the first second, then a
 * line every five seconds, and how long it took once it is over.
 */
final class Progress implements AutoCloseable {
    private static final Duration QUIET = Duration.ofSeconds(1);
    private static final Duration EVERY = Duration.ofSeconds(5);

    private final PrintWriter err;
    private final String what;
    private final Duration timeout;
    private final long started = System.nanoTime();
    private final CountDownLatch done = new CountDownLatch(1);
    private final Thread thread;
    private volatile boolean spoke;

    private Progress(PrintWriter err, String what, Duration timeout) {
        this.err = err;
        this.what = what;
        this.timeout = timeout;
        this.thread = new Thread(this::report, "pgroup-progress");
        thread.setDaemon(true);
    }

    static Progress start(PrintWriter err, String what, Duration timeout) {
        Progress p = new Progress(err, what, timeout);
        p.thread.start();
        return p;
    }

    private void report() {
        try {
            Duration pause = QUIET;
            while (!done.await(pause.toMillis(), TimeUnit.MILLISECONDS)) {
                say(what + ": waiting for the processes to be ready (" + Formats.duration(elapsed()) + " of "
                        + Formats.duration(timeout) + ")");
                pause = EVERY;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized void say(String line) {
        spoke = true;
        err.println("pgroup: " + line);
        err.flush();
    }

    private Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - started);
    }

    @Override
    public void close() {
        done.countDown();
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (spoke) {
            say(what + ": finished waiting after " + Formats.duration(elapsed()));
        }
    }
}
