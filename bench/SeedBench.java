import dev.pgroup.core.Group;
import dev.pgroup.core.PGroupEngine;
import dev.pgroup.core.internal.seed.SeedCache;
import dev.pgroup.core.internal.os.TreeCopy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/** See bench/seed.sh. */
public class SeedBench {
    static final Duration START = Duration.ofSeconds(120);

    public static void main(String[] args) throws Exception {
        int rounds = Integer.parseInt(args[0]);
        int parallel = Integer.parseInt(args[1]);
        Path example = Path.of("examples/postgres-per-test/src/test/pgroup").toAbsolutePath();
        Path tmp = Files.createTempDirectory("pgroup-seed-bench");
        Files.setAttribute(tmp, "unix:mode", 0711); // postgres passes through to its group dirs
        Path noSeed = Files.createDirectories(tmp.resolve("noseed"));
        Files.writeString(noSeed.resolve("group.toml"), """
                [[process]]
                name = "db"
                command = ["sh", "{{definition.dir}}/no-seed.sh", "{{process.dir}}", "{{port.main}}", "-k", "{{process.dir}}",
                           "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off",
                           "-c", "full_page_writes=off", "-c", "shared_buffers=16MB"]
                ports = ["main"]
                user = "postgres"
                ready = { log = "database system is ready to accept connections" }
                """);
        // 1,000 fixture rows in a 10-table schema, as the issue asks; the example's own is smaller.
        Path seeded = Files.createDirectories(tmp.resolve("seeded"));
        for (String f : List.of("group.toml", "pg.sh", "seed.sh")) {
            Files.copy(example.resolve(f), seeded.resolve(f));
        }
        StringBuilder schema = new StringBuilder(Files.readString(example.resolve("schema.sql")));
        for (int t = 1; t <= 9; t++) {
            schema.append("CREATE TABLE t").append(t).append(" (id serial PRIMARY KEY, customer int REFERENCES customer,"
                    + " label text NOT NULL, amount numeric(10,2), at timestamptz DEFAULT now());\n");
            schema.append("CREATE INDEX ON t").append(t).append(" (label);\n");
            schema.append("INSERT INTO t").append(t).append(" (customer, label, amount) SELECT 1, 'row ' || g, g * 1.5"
                    + " FROM generate_series(1, ").append(t == 1 ? 1000 - 8 * 1 : 1).append(") g;\n");
        }
        Files.writeString(seeded.resolve("schema.sql"), schema);
        for (String f : List.of("schema.sql", "pg.sh", "seed.sh")) {
            Files.copy(seeded.resolve(f), noSeed.resolve(f));
        }
        Files.copy(Path.of("bench/seed/no-seed.sh"), noSeed.resolve("no-seed.sh"));
        try {
            run(rounds, parallel, tmp, seeded, noSeed);
        } finally {
            new ProcessBuilder("rm", "-rf", tmp.toString()).inheritIO().start().waitFor();
        }
    }

    static void run(int rounds, int parallel, Path tmp, Path seeded, Path noSeed) throws Exception {
        try (PGroupEngine engine = PGroupEngine.builder()
                .baseDir(tmp.resolve("base"))
                .database(Files.createDirectories(tmp.resolve("state")).resolve("pgroup.db"))
                .build()) {
            long t0 = System.nanoTime();
            Group shared = engine.create(seeded);
            double firstSeed = ms(t0);
            shared.start(START);
            query(shared.port("db", "main"), "postgres"); // loads the driver: not in any round
            System.out.printf("seed, first run (create included): %.0f ms%n", firstSeed);
            System.out.printf("seed size: %.1f MB; copy: %s on %s%n",
                    engine.seeds().get(0).bytes() / 1e6, TreeCopy.method(), fsType(tmp));
            System.out.printf("disk per group (files of the process dir): %.1f MB, du: %s%n",
                    TreeCopy.size(shared.directory().resolve("db")) / 1e6, du(shared.directory()));
            // The shared server of the template approach: the seeded group's own server.
            int sharedPort = shared.port("db", "main");
            try (Connection admin = connect(sharedPort, "template1");
                    Statement s = admin.createStatement()) {
                s.execute("CREATE DATABASE tmpl TEMPLATE postgres");
            }
            List<Double> withSeed = new ArrayList<>(), without = new ArrayList<>(), template = new ArrayList<>();
            for (int i = 0; i < rounds; i++) {
                SeedCache.awaitCopiesAhead(Duration.ofSeconds(30)); // a test's own run time fills the pool
                withSeed.add(group(engine, seeded));
                without.add(group(engine, noSeed));
                try (Connection admin = connect(sharedPort, "template1");
                        Statement s = admin.createStatement()) {
                    long t = System.nanoTime();
                    s.execute("CREATE DATABASE t" + i + " TEMPLATE tmpl");
                    query(sharedPort, "t" + i);
                    template.add(ms(t));
                    s.execute("DROP DATABASE t" + i);
                }
            }
            System.out.printf("%d rounds, interleaved, 'wants a database' to 'first query answered':%n", rounds);
            report("pgroup + seed (warm)", withSeed, template);
            report("pgroup, no seed", without, template);
            report("shared server + TEMPLATE", template, template);
            for (int i = 0; i < 3; i++) {
                final int phase = i;
                List<Double> v = new ArrayList<>(PHASES.stream().map(p -> p[phase]).toList());
                Collections.sort(v);
                System.out.printf("    seeded, %-6s median %6.1f ms%n", List.of("create", "start", "query").get(i),
                        v.get(v.size() / 2));
            }
            shared.close();
            parallel(engine, seeded, parallel);
        }
    }

    /** Per phase, for the seeded rounds: create, start, first query. */
    static final List<double[]> PHASES = new ArrayList<>();

    static double group(PGroupEngine engine, Path def) throws Exception {
        long t = System.nanoTime();
        try (Group g = engine.create(def)) {
            double created = ms(t);
            g.start(START);
            double started = ms(t);
            query(g.port("db", "main"), "postgres");
            double total = ms(t);
            if (def.getFileName().toString().equals("seeded")) {
                PHASES.add(new double[] {created, started - created, total - started});
            }
            return total;
        }
    }

    static void parallel(PGroupEngine engine, Path def, int n) throws Exception {
        SeedCache.awaitCopiesAhead(Duration.ofSeconds(30));
        long before = postgresPss();
        AtomicLong peak = new AtomicLong();
        AtomicBoolean sampling = new AtomicBoolean(true);
        Thread sampler = new Thread(() -> {
            while (sampling.get()) {
                peak.accumulateAndGet(postgresPss(), Math::max);
                try {
                    Thread.sleep(100); // a sampling interval, not a wait for anything
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.start();
        ExecutorService pool = Executors.newFixedThreadPool(n);
        List<Group> groups = Collections.synchronizedList(new ArrayList<>());
        long t = System.nanoTime();
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            done.add(pool.submit(() -> {
                Group g = engine.create(def);
                groups.add(g);
                g.start(START);
                query(g.port("db", "main"), "postgres");
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        double wall = ms(t);
        peak.accumulateAndGet(postgresPss(), Math::max);
        sampling.set(false);
        sampler.join();
        System.out.printf("%d servers in parallel, each created, started and queried: wall %.0f ms; peak memory of"
                + " the postgres processes (PSS) %.0f MB (%.1f MB each)%n", n, wall, (peak.get() - before) / 1e6,
                (peak.get() - before) / 1e6 / n);
        for (Group g : groups) {
            pool.submit(g::close);
        }
        pool.shutdown();
        pool.awaitTermination(5, java.util.concurrent.TimeUnit.MINUTES);
    }

    /** The PSS of every process of user postgres, in bytes (Linux). */
    static long postgresPss() {
        long total = 0;
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    if (!Files.readString(p.resolve("status")).matches("(?s).*\\nUid:\\s+" + postgresUid() + "\\s.*")) {
                        continue;
                    }
                    for (String line : Files.readAllLines(p.resolve("smaps_rollup"))) {
                        if (line.startsWith("Pss:")) {
                            total += Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                        }
                    }
                } catch (Exception e) {
                    // gone meanwhile
                }
            }
        } catch (Exception e) {
            return 0;
        }
        return total;
    }

    static String uid;

    static synchronized String postgresUid() throws Exception {
        if (uid == null) {
            Process p = new ProcessBuilder("id", "-u", "postgres").start();
            uid = new String(p.getInputStream().readAllBytes()).strip();
        }
        return uid;
    }

    static Connection connect(int port, String db) throws Exception {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + db, "postgres", "");
    }

    static void query(int port, String db) throws Exception {
        try (Connection c = connect(port, db);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM t1")) {
            rs.next();
            if (rs.getInt(1) != 992) {
                throw new IllegalStateException("expected the 992 fixture rows of t1, got " + rs.getInt(1));
            }
        }
    }

    static String fsType(Path p) throws Exception {
        Process pr = new ProcessBuilder("stat", "-f", "-c", "%T", p.toString()).start();
        return new String(pr.getInputStream().readAllBytes()).strip();
    }

    static String du(Path p) throws Exception {
        Process pr = new ProcessBuilder("du", "-sh", p.toString()).start();
        return new String(pr.getInputStream().readAllBytes()).strip().split("\\s")[0];
    }

    static double ms(long since) {
        return (System.nanoTime() - since) / 1e6;
    }

    static void report(String name, List<Double> values, List<Double> baseline) {
        List<Double> v = new ArrayList<>(values);
        Collections.sort(v);
        List<Double> b = new ArrayList<>(baseline);
        Collections.sort(b);
        double median = v.get(v.size() / 2), p95 = v.get(Math.min(v.size() - 1, (int) Math.ceil(v.size() * 0.95) - 1));
        System.out.printf("  %-26s median %7.1f ms  p95 %7.1f ms  (%.2fx the template approach)%n", name, median, p95,
                median / b.get(b.size() / 2));
    }
}
