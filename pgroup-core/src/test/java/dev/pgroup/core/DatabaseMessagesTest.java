package dev.pgroup.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.pgroup.core.internal.state.Owner;
import dev.pgroup.core.model.PGroupException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Database errors say what happened: how long a lock was waited for, where the ports went, what broke. */
class DatabaseMessagesTest {
    @TempDir
    Path tmp;

    @Test
    void aLockTimeoutSaysHowLongItWaitedAndTheCreateWaitsOnlyOnce() throws Exception {
        Path db = tmp.resolve("state/pgroup.db");
        try (PGroupEngine engine = PGroupEngine.builder()
                .baseDir(tmp.resolve("base"))
                .database(db)
                .lockTimeout(Duration.ofSeconds(1))
                .build()) {
            engine.list(); // creates the schema
            try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + db);
                    Statement s = other.createStatement()) {
                s.execute("BEGIN EXCLUSIVE");
                long begin = System.nanoTime();

                PGroupException e = catchThrowableOfType(
                        PGroupException.class, () -> engine.create(TestEngines.definition("redis-single")));

                long tookMillis = (System.nanoTime() - begin) / 1_000_000;
                s.execute("ROLLBACK");
                Matcher waited = Pattern.compile("waited (\\d+) ms").matcher(e.getMessage());
                assertThat(waited.find()).as(e.getMessage()).isTrue();
                long saidMillis = Long.parseLong(waited.group(1));
                assertThat(saidMillis).isBetween(1000L, tookMillis);
                assertThat(tookMillis)
                        .as("the command took about what the message says, not a second lock wait more")
                        .isLessThan(saidMillis + 700);
            }
        }
    }

    @Test
    void noFreePortSaysHowManyAreLeasedAndHowManyOtherProgramsHold() throws Exception {
        int first = TestEngines.freeRange(10, 19_000);
        try (PGroupEngine engine = PGroupEngine.builder()
                        .baseDir(tmp.resolve("base"))
                        .database(tmp.resolve("state/pgroup.db"))
                        .portRange(first, first + 9)
                        .build();
                ServerSocket busy = new ServerSocket()) {
            busy.bind(new InetSocketAddress(first + 9));
            engine.leases().lease("other-aaaaaa", Owner.DETACHED, Map.of("web", List.of("a", "b", "c", "d")));

            PGroupException e = catchThrowableOfType(PGroupException.class, () -> engine.leases()
                    .lease(
                            "greedy-bbbbbb",
                            Owner.DETACHED,
                            Map.of("web", List.of("a", "b", "c", "d", "e", "f", "g", "h"))));

            assertThat(e.getMessage())
                    .contains(first + "-" + (first + 9) + " (10 ports)")
                    .contains("8 port(s) of group greedy-bbbbbb")
                    .contains("4 are leased to other groups")
                    .contains("1 is in use by other programs")
                    .contains("the 5 free one(s) were not enough");
            assertThat(engine.leases().leasesOf("greedy-bbbbbb")).isEmpty();
        }
    }

    @Test
    void aDatabasePathThatIsADirectoryIsCalledADirectoryNotCorrupt() throws Exception {
        Path db = Files.createDirectories(tmp.resolve("state/pgroup.db"));
        try (PGroupEngine engine =
                PGroupEngine.builder().baseDir(tmp.resolve("base")).database(db).build()) {
            PGroupException e = catchThrowableOfType(PGroupException.class, engine::list);

            assertThat(e.getMessage()).contains(db + " is a directory").doesNotContain("corrupt");
        }
    }

    @Test
    void aFullDiskIsCalledAFullDiskNotCorrupt() throws Exception {
        // SQLite loads once per JVM; load it from a disk with room, so only the database is on the full one.
        try (PGroupEngine warm = PGroupEngine.builder()
                .baseDir(tmp.resolve("base"))
                .database(tmp.resolve("warm/pgroup.db"))
                .build()) {
            warm.list();
        }
        Path mount = Files.createDirectories(tmp.resolve("full"));
        Assumptions.assumeTrue(
                run("mount", "-t", "tmpfs", "-o", "size=512k,mode=0700", "tmpfs", mount.toString()),
                "cannot mount a small tmpfs (needs Linux and root)");
        try {
            // A database that opened while there was room, and then the disk fills up.
            Path early = mount.resolve("early.db");
            try (PGroupEngine engine = PGroupEngine.builder()
                    .baseDir(tmp.resolve("base"))
                    .database(early)
                    .build()) {
                engine.list();
                fill(mount.resolve("filler"));

                PGroupException e = catchThrowableOfType(PGroupException.class, () -> engine.leases()
                        .lease("full-aaaaaa", Owner.DETACHED, Map.of("web", java.util.Collections.nCopies(1, "a"))));

                assertThat(e.getMessage())
                        .contains(early.toString())
                        .contains("is full")
                        .doesNotContain("corrupt");
            }
            Path db = mount.resolve("pgroup.db");
            try (PGroupEngine engine = PGroupEngine.builder()
                    .baseDir(tmp.resolve("base"))
                    .database(db)
                    .build()) {
                PGroupException e = catchThrowableOfType(PGroupException.class, engine::list);

                assertThat(e.getMessage())
                        .contains(db.toString())
                        .contains("is full")
                        .doesNotContain("corrupt");
            }
        } finally {
            assertThat(run("umount", mount.toString())).isTrue();
        }
    }

    private static void fill(Path file) throws IOException {
        byte[] block = new byte[4096];
        try (OutputStream out = Files.newOutputStream(file)) {
            while (true) {
                out.write(block);
                out.flush();
            }
        } catch (IOException e) {
            if (!String.valueOf(e.getMessage()).contains("No space left")) {
                throw e;
            }
        }
    }

    private static boolean run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).inheritIO().start();
        return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
    }

    /**
     * The first of {@code n} consecutive ports that nothing listens on, below the default lease
     * range, so that groups of tests running in parallel do not take one of them meanwhile.
     */
}
