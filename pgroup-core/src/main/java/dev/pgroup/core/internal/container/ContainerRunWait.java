package dev.pgroup.core.internal.container;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Waits for a container to run, for the start gate. Where the engine has a socket, its event
 * stream tells the moment the container starts, and the engine is asked about the container only
 * then (and now and then in case): polling its state would add a request every few milliseconds to
 * a daemon that is busy starting the container. Without a socket, the client is asked each time,
 * as before.
 */
public final class ContainerRunWait {
    /** How long one attempt listens for the start: short, since the start thread waits meanwhile. */
    static final Duration LISTEN = Duration.ofMillis(25);
    /** Asked anyway after this long without an event: a start the events missed costs no more. */
    private static final long ASK_ANYWAY_NANOS = Duration.ofMillis(250).toNanos();

    private final EngineApi engine;
    private final String name;
    private long sinceEpochNanos = epochNanos();
    private boolean events;
    private long askedAt;
    /** What the engine said when last asked; null before the first time. */
    private ContainerState last;

    public ContainerRunWait(EngineApi engine, String name) {
        this.engine = engine;
        this.name = name;
        this.events = engine.socket().isPresent();
    }

    /**
     * The container's state once it runs, after waiting up to {@code atMost} (a short while at most)
     * to be told it started; else why it does not run yet.
     */
    public ContainerState await(Duration atMost) {
        if (events && last != null) {
            Optional<Long> started;
            try {
                started = engine.started(name, sinceEpochNanos, atMost.compareTo(LISTEN) < 0 ? atMost : LISTEN);
            } catch (IOException e) {
                events = false; // no events to be told: asked each time, as without a socket
                return ask(atMost);
            }
            if (started.isEmpty() && System.nanoTime() - askedAt < ASK_ANYWAY_NANOS) {
                return last; // not started, as far as the events tell
            }
            ContainerState state = ask(atMost);
            if (!state.running() && started.isPresent()) {
                sinceEpochNanos = started.get() + 1; // an earlier container's start: wait for the next
            }
            return state;
        }
        return ask(atMost); // the first time: it may run already
    }

    /** How long the gate pauses between attempts: hardly at all while the wait itself listens. */
    public long pauseMillis() {
        return events ? 1 : 5;
    }

    private ContainerState ask(Duration atMost) {
        askedAt = System.nanoTime();
        last = engine.container(name, atMost);
        return last;
    }

    private static long epochNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
