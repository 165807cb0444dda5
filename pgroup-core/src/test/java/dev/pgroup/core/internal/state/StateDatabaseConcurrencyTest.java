package dev.pgroup.core.internal.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The database from many threads: reads beside a write, writers in turn, nothing lost. */
class StateDatabaseConcurrencyTest {
    @TempDir
    Path tmp;

    @Test
    @Timeout(30)
    void aReadDoesNotWaitForAWriteInProgressOnAnotherThread() throws Exception {
        try (StateDatabase db = new StateDatabase(tmp.resolve("db/pgroup.db"), Duration.ofSeconds(15))) {
            CountDownLatch writing = new CountDownLatch(1);
            CountDownLatch readDone = new CountDownLatch(1);
            ExecutorService other = Executors.newSingleThreadExecutor();
            try {
                // The write holds its transaction until the read on this thread has finished: with
                // one connection behind one monitor, that never happens.
                Future<Integer> write = other.submit(() -> db.write("hold a write", c -> {
                    try (Statement s = c.createStatement()) {
                        s.executeUpdate("INSERT INTO groups (id, name, dir, owner_pid, owner_start, state,"
                                + " created_at) VALUES ('g-host-aaaaaa', 'g', '/x', 1, 1, 'created', 0)");
                    }
                    writing.countDown();
                    try {
                        assertThat(readDone.await(20, TimeUnit.SECONDS)).isTrue();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    return 1;
                }));
                assertThat(writing.await(20, TimeUnit.SECONDS)).isTrue();

                int seen = db.read("count groups", c -> count(c, "groups"));
                readDone.countDown();

                assertThat(seen)
                        .as("the uncommitted row is not visible to the read")
                        .isZero();
                assertThat(write.get()).isEqualTo(1);
                int after = db.read("count groups", c -> count(c, "groups"));
                assertThat(after).isEqualTo(1);
            } finally {
                other.shutdownNow();
            }
        }
    }

    @Test
    @Timeout(60)
    void writesFromManyThreadsAllCommitAndNoneIsLost() throws Exception {
        int threads = 16;
        int each = 40;
        try (StateDatabase db = new StateDatabase(tmp.resolve("db/pgroup.db"), Duration.ofSeconds(15))) {
            db.write("create a counter", c -> {
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE TABLE counter (n INTEGER NOT NULL)");
                    s.execute("INSERT INTO counter VALUES (0)");
                }
                return null;
            });
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    futures.add(pool.submit(() -> {
                        for (int i = 0; i < each; i++) {
                            // Read, then write in the same transaction: a lost update shows as a short count.
                            db.write("increment", c -> {
                                int n = db.read("read the counter", r -> value(r, "SELECT n FROM counter"));
                                try (Statement s = c.createStatement()) {
                                    return s.executeUpdate("UPDATE counter SET n = " + (n + 1));
                                }
                            });
                            db.read("read beside the writers", r -> value(r, "SELECT n FROM counter"));
                        }
                        return null;
                    }));
                }
                for (Future<?> f : futures) {
                    f.get();
                }
            } finally {
                pool.shutdown();
            }
            int n = db.read("read the counter", c -> value(c, "SELECT n FROM counter"));
            assertThat(n).isEqualTo(threads * each);
        }
    }

    @Test
    void theDatabaseIsInWalMode() throws Exception {
        try (StateDatabase db = new StateDatabase(tmp.resolve("db/pgroup.db"), Duration.ofSeconds(15))) {
            String mode = db.read("read the journal mode", c -> {
                try (Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
                    rs.next();
                    return rs.getString(1);
                }
            });

            assertThat(mode).isEqualToIgnoringCase("wal");
        }
    }

    private static int count(java.sql.Connection c, String table) throws java.sql.SQLException {
        return value(c, "SELECT count(*) FROM " + table);
    }

    private static int value(java.sql.Connection c, String query) throws java.sql.SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(query)) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
