package dev.pgroup.core.internal.state;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Deque;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

/**
 * The reader connections of a {@link StateDatabase}: a read while another thread writes takes one
 * instead of waiting for the writer's connection. Few, so that each keeps a warm page cache; a
 * read waits while all are in use.
 */
final class ReaderPool {
    private final Semaphore permits;
    private final Deque<Connection> idle = new ConcurrentLinkedDeque<>();
    private final Supplier<Connection> open;
    private volatile boolean closed;

    /** @param open opens a new connection when none is idle */
    ReaderPool(int size, Supplier<Connection> open) {
        this.permits = new Semaphore(size);
        this.open = open;
    }

    /** A reader connection of the pool, opened if none is idle; waits while all are in use. */
    Connection acquire() {
        permits.acquireUninterruptibly();
        try {
            Connection c = idle.pollFirst();
            if (c == null) {
                c = open.get();
            }
            return c;
        } catch (RuntimeException | Error e) {
            permits.release();
            throw e;
        }
    }

    void release(Connection c) {
        if (closed) {
            closeQuietly(c);
        } else {
            idle.addFirst(c);
        }
        permits.release();
    }

    /** Closes idle connections now, and those in use when they are given back. */
    void close() {
        closed = true;
        Connection c;
        while ((c = idle.pollFirst()) != null) {
            closeQuietly(c);
        }
    }

    static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // Closing only fails on a broken connection; nothing is lost.
        }
    }
}
