import dev.pgroup.core.Group;
import dev.pgroup.core.PGroupEngine;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The lifecycle of the redis primary + replica group (create, ready, stop, terminate), against a
 * baseline that starts the same two redis-servers with a bare ProcessBuilder, polls TCP until both
 * accept, then kills them and waits for them to exit. Iterations alternate between the two so
 * that the machine's noise hits both alike. Prints medians, p95 and the ratios.
 *
 * Run through bench/lifecycle.sh.
 */
public class LifecycleBench {
    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        Path definition = Path.of(args.length > 1 ? args[1] : "pgroup-core/src/test/resources/groups/redis-pair");
        Path work = Files.createTempDirectory("pgroup-bench");
        List<Long> groupTotal = new ArrayList<>(), groupCreate = new ArrayList<>(), groupStart = new ArrayList<>(),
                groupStop = new ArrayList<>(), groupTerminate = new ArrayList<>();
        List<Long> bareTotal = new ArrayList<>(), bareStart = new ArrayList<>(), bareStop = new ArrayList<>();
        try (PGroupEngine engine = PGroupEngine.builder()
                .baseDir(work.resolve("groups"))
                .database(work.resolve("pgroup.db"))
                .build()) {
            // Warm-up: JIT, SQLite's native library, the page cache for redis-server.
            for (int i = 0; i < 3; i++) {
                groupRound(engine, definition, null);
                bareRound(work, i, null);
            }
            for (int i = 0; i < rounds; i++) {
                long[] g = groupRound(engine, definition, null);
                groupCreate.add(g[0]);
                groupStart.add(g[1]);
                groupStop.add(g[2]);
                groupTerminate.add(g[3]);
                groupTotal.add(g[0] + g[1] + g[2] + g[3]);
                long[] b = bareRound(work, i, null);
                bareStart.add(b[0]);
                bareStop.add(b[1]);
                bareTotal.add(b[0] + b[1]);
            }
        } finally {
            // The groups are terminated; what is left is the database and the bare rounds' logs.
            try (java.util.stream.Stream<Path> all = Files.walk(work)) {
                for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
        System.out.printf("pgroup lifecycle bench: %d rounds, redis primary + replica, times in ms (median / p95)%n", rounds);
        row("group create", groupCreate);
        row("group start+ready", groupStart);
        row("group stop", groupStop);
        row("group terminate", groupTerminate);
        row("group lifecycle", groupTotal);
        row("bare start+tcp", bareStart);
        row("bare stop", bareStop);
        row("bare lifecycle", bareTotal);
        System.out.printf("ratio lifecycle group/bare: %.2f (target <= 1.5)%n", median(groupTotal) / median(bareTotal));
        System.out.printf("ratio stop group/bare:      %.2f (target <= 1.2)%n", median(groupStop) / median(bareStop));
    }

    static long[] groupRound(PGroupEngine engine, Path definition, Object unused) {
        long t0 = System.nanoTime();
        Group group = engine.create(definition);
        long t1 = System.nanoTime();
        group.start(Duration.ofSeconds(30));
        long t2 = System.nanoTime();
        group.stop();
        long t3 = System.nanoTime();
        group.terminate();
        long t4 = System.nanoTime();
        return new long[] {t1 - t0, t2 - t1, t3 - t2, t4 - t3};
    }

    static long[] bareRound(Path work, int i, Object unused) throws Exception {
        int primaryPort = freePort(), replicaPort = freePort();
        Path dir = Files.createDirectories(work.resolve("bare-" + i + "-" + System.nanoTime()));
        long t0 = System.nanoTime();
        Process primary = new ProcessBuilder("redis-server", "--port", "" + primaryPort, "--bind", "127.0.0.1",
                        "--save", "", "--dir", dir.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("primary.log").toFile()).start();
        Process replica = new ProcessBuilder("redis-server", "--port", "" + replicaPort, "--replicaof", "127.0.0.1",
                        "" + primaryPort, "--save", "", "--dir", dir.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("replica.log").toFile()).start();
        awaitTcp(primaryPort);
        awaitTcp(replicaPort);
        long t1 = System.nanoTime();
        primary.destroy();
        replica.destroy();
        primary.waitFor();
        replica.waitFor();
        long t2 = System.nanoTime();
        return new long[] {t1 - t0, t2 - t1};
    }

    static void awaitTcp(int port) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException e) {
                Thread.sleep(1);
            }
        }
        throw new IllegalStateException("port " + port + " never accepted");
    }

    static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static void row(String name, List<Long> nanos) {
        System.out.printf("  %-20s %8.1f / %8.1f%n", name, median(nanos), p95(nanos));
    }

    static double median(List<Long> nanos) {
        List<Long> s = new ArrayList<>(nanos);
        Collections.sort(s);
        return s.get(s.size() / 2) / 1e6;
    }

    static double p95(List<Long> nanos) {
        List<Long> s = new ArrayList<>(nanos);
        Collections.sort(s);
        return s.get((int) Math.ceil(s.size() * 0.95) - 1) / 1e6;
    }
}
