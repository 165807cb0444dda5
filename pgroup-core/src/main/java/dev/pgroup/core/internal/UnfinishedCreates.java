package dev.pgroup.core.internal;

import dev.pgroup.core.internal.os.Deadline;
import dev.pgroup.core.model.PGroupException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Creates in progress, rolled back when the JVM is told to exit (TERM, INT, {@code System.exit}):
 * a JVM shutdown hook cancels each one and waits for its thread to undo it. A create killed with
 * SIGKILL runs no hook; its registry row stays in the 'creating' state under its dead creator, and
 * prune reclaims it.
 *
 * <p>Shutdown hooks run while the JVM's other threads go on, so the hook does not undo a create
 * behind its thread's back (which would write into a deleted dir): it cancels the create, and the
 * create's own thread throws at its next checkpoint and rolls back. Only a thread that does not get
 * there in time is rolled back by the hook itself.
 */
public final class UnfinishedCreates {
    /**
     * Test hook only: when set to a file path, create writes the group id to that file once its
     * registry row and leases are in the database, and then waits there until the JVM shuts down (or
     * is killed). Tests use it to interrupt a create at a known point; nothing else may set it.
     */
    public static final String TEST_PAUSE_AFTER_LEASES = "pgroup.test.pauseCreateAfterLeases";

    /** How long the hook waits for creating threads to roll themselves back. */
    private static final Duration HOOK_WAIT = Duration.ofSeconds(10);

    private static final Set<Ticket> IN_PROGRESS = new LinkedHashSet<>();
    private static boolean hookInstalled;
    private static boolean shuttingDown;

    private UnfinishedCreates() {}

    /** One create in progress; {@link #end()} it in a {@code finally}. */
    public static final class Ticket {
        private String groupId = "(not yet named)";
        private Runnable rollBack;
        private boolean cancelled;
        private boolean committed;
        private boolean ended;

        private Ticket() {}

        /** Names the group once its dir exists, and how to undo it if its thread does not in time. */
        public synchronized void attach(String id, Runnable undo) {
            this.groupId = id;
            this.rollBack = undo;
        }

        /** Throws once the JVM is shutting down, so that the create stops and rolls back. */
        public synchronized void checkpoint() {
            if (cancelled) {
                throw new PGroupException(
                        "create of group " + groupId + " was interrupted: the JVM is shutting down; rolled back");
            }
        }

        /**
         * Marks the point of no return: the group is complete and only its registry row is switched
         * to the final owner. The shutdown hook then waits for it instead of cancelling it.
         */
        public synchronized void commit() {
            checkpoint();
            committed = true;
        }

        /** The create is over, finished or rolled back. */
        public void end() {
            synchronized (this) {
                ended = true;
                notifyAll();
            }
            synchronized (UnfinishedCreates.class) {
                IN_PROGRESS.remove(this);
            }
        }

        /** The test pause: writes the id to {@code marker}, then waits until cancelled. */
        public void pauseForTest(Path marker) {
            try {
                Files.writeString(marker, groupId);
            } catch (IOException e) {
                throw new PGroupException("test hook: cannot write " + marker + ": " + e, e);
            }
            synchronized (this) {
                while (!cancelled) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
            }
            checkpoint();
        }

        private synchronized boolean cancelUnlessCommitted() {
            if (!committed) {
                cancelled = true;
                notifyAll();
            }
            return cancelled;
        }

        private synchronized boolean awaitEnd(Deadline deadline) {
            while (!ended && !deadline.passed()) {
                try {
                    wait(Math.max(1, deadline.remaining().toMillis()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return ended;
                }
            }
            return ended;
        }
    }

    /**
     * Registers a create before it makes anything, so that a shutdown starting at any later point
     * finds it.
     *
     * @throws PGroupException when the JVM is already shutting down
     */
    public static synchronized Ticket begin() {
        if (!hookInstalled) {
            try {
                Runtime.getRuntime()
                        .addShutdownHook(new Thread(UnfinishedCreates::rollBackAll, "pgroup-unfinished-creates"));
            } catch (IllegalStateException e) {
                throw new PGroupException("no group created: the JVM is shutting down", e);
            }
            hookInstalled = true;
        }
        if (shuttingDown) {
            throw new PGroupException("no group created: the JVM is shutting down");
        }
        Ticket ticket = new Ticket();
        IN_PROGRESS.add(ticket);
        return ticket;
    }

    private static void rollBackAll() {
        List<Ticket> tickets;
        synchronized (UnfinishedCreates.class) {
            shuttingDown = true;
            tickets = new ArrayList<>(IN_PROGRESS);
        }
        List<Ticket> cancelled = new ArrayList<>();
        for (Ticket t : tickets) {
            if (t.cancelUnlessCommitted()) {
                cancelled.add(t);
            }
        }
        Deadline deadline = Deadline.in(HOOK_WAIT);
        for (Ticket t : tickets) {
            Runnable undo;
            synchronized (t) {
                undo = t.rollBack;
            }
            if (!t.awaitEnd(deadline) && cancelled.contains(t) && undo != null) {
                try {
                    undo.run();
                } catch (RuntimeException e) {
                    System.err.println("pgroup: could not roll back the unfinished create of group " + t.groupId + ": "
                            + e.getMessage());
                }
            }
        }
    }
}
