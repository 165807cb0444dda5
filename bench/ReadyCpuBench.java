import dev.pgroup.core.Group;
import dev.pgroup.core.PGroupEngine;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * Where the JVM's CPU goes while N groups of 3 `sleep`s are created and started at once from 16
 * threads (the scale bench's ready phase): this JVM's ticks per kind of thread (the JIT's
 * compilers, the pool that creates and starts, the start poller, the rest), per group, and the
 * machine's busy ticks over the phase; then create and start one at a time in the warmed JVM, with
 * the calling thread's CPU per call. Linux only (/proc). Run by bench/ready-cpu.sh.
 *
 * <p>Usage: java -cp ... ReadyCpuBench.java LABEL [n=200] [rounds=3] [sequential=50]
 */
public class ReadyCpuBench {
    public static void main(String[] args) throws Exception {
        String label = args[0];
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        int sequential = args.length > 3 ? Integer.parseInt(args[3]) : 50;
        Path work = Files.createTempDirectory("pgroup-ready-cpu");
        Path def = Files.createDirectories(work.resolve("def"));
        StringBuilder toml = new StringBuilder("name = \"sleeps\"\n");
        for (String p : List.of("a", "b", "c")) {
            toml.append("[[process]]\nname = \"").append(p).append("\"\ncommand = [\"sleep\", \"100000\"]\n");
        }
        Files.writeString(def.resolve("group.toml"), toml);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try (PGroupEngine engine = PGroupEngine.builder()
                .baseDir(work.resolve("groups"))
                .database(work.resolve("db/pgroup.db"))
                .build()) {
            for (int round = 0; round <= rounds; round++) {
                int size = round == 0 ? 5 : n; // round 0: the warm-up of ScaleBench's size
                long[] machine0 = machine();
                Map<String, long[]> threads0 = threads();
                long t0 = System.nanoTime();
                List<Future<Group>> started = new ArrayList<>();
                for (int i = 0; i < size; i++) {
                    started.add(pool.submit(() -> {
                        Group g = engine.create(def);
                        g.start(Duration.ofMinutes(2));
                        return g;
                    }));
                }
                List<Group> groups = new ArrayList<>();
                for (Future<Group> f : started) {
                    groups.add(f.get());
                }
                long t1 = System.nanoTime();
                long[] machine1 = machine();
                Map<String, long[]> threads1 = threads();
                if (round > 0) {
                    report(label, round, size, (t1 - t0) / 1e6, machine1[0] - machine0[0], threads0, threads1);
                }
                List<Future<?>> gone = new ArrayList<>();
                for (Group g : groups) {
                    gone.add(pool.submit(() -> {
                        g.stop();
                        g.terminate();
                        return null;
                    }));
                }
                for (Future<?> f : gone) {
                    f.get();
                }
            }
            if (sequential > 0) {
                ThreadMXBean mx = ManagementFactory.getThreadMXBean();
                List<Group> groups = new ArrayList<>();
                long create = 0;
                long start = 0;
                for (int i = 0; i < sequential; i++) {
                    long c0 = mx.getCurrentThreadCpuTime();
                    Group g = engine.create(def);
                    long c1 = mx.getCurrentThreadCpuTime();
                    g.start(Duration.ofMinutes(2));
                    start += mx.getCurrentThreadCpuTime() - c1;
                    create += c1 - c0;
                    groups.add(g);
                }
                System.out.printf(
                        "%s sequential: create %.2f ms, start %.2f ms CPU of the calling thread per group (%d groups)%n",
                        label, create / 1e6 / sequential, start / 1e6 / sequential, sequential);
                for (Group g : groups) {
                    g.stop();
                    g.terminate();
                }
            }
        } finally {
            pool.shutdown();
            deleteTree(work);
        }
    }

    private static void report(
            String label,
            int round,
            int n,
            double readyMs,
            long machineBusy,
            Map<String, long[]> before,
            Map<String, long[]> after) {
        Map<String, Long> kinds = new TreeMap<>();
        long total = 0;
        for (Map.Entry<String, long[]> e : after.entrySet()) {
            long[] b = before.getOrDefault(e.getKey(), new long[2]);
            long ticks = e.getValue()[0] - b[0] + e.getValue()[1] - b[1];
            kinds.merge(kind(e.getKey()), ticks, Long::sum);
            total += ticks;
        }
        StringBuilder s = new StringBuilder();
        kinds.forEach((k, v) -> s.append(' ').append(k).append(' ').append(v));
        System.out.printf(
                "%s round %d: N=%d ready %.0f ms, machine busy %d ticks, JVM %d ticks (%.2f ms per group):%s%n",
                label, round, n, readyMs, machineBusy, total, total * 1000.0 / ticksPerSecond() / n, s);
    }

    private static String kind(String thread) {
        if (thread.startsWith("C1 Compiler") || thread.startsWith("C2 Compiler")) {
            return "jit";
        }
        if (thread.startsWith("pool-")) {
            return "pool";
        }
        if (thread.startsWith("pgroup-start-po")) {
            return "poller";
        }
        if (thread.startsWith("GC ") || thread.startsWith("G1 ")) {
            return "gc";
        }
        return "other";
    }

    /** Busy ticks of the whole machine (all but idle and iowait). */
    private static long[] machine() throws IOException {
        String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long busy = 0;
        for (int i = 1; i < f.length; i++) {
            if (i != 4 && i != 5) {
                busy += Long.parseLong(f[i]);
            }
        }
        return new long[] {busy};
    }

    /** user and system ticks of each of this JVM's threads, by name. */
    private static Map<String, long[]> threads() throws IOException {
        Map<String, long[]> m = new TreeMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                try {
                    String st = Files.readString(t.resolve("stat"));
                    String name = st.substring(st.indexOf('(') + 1, st.lastIndexOf(')')) + "#" + t.getFileName();
                    String[] f = st.substring(st.lastIndexOf(')') + 2).split(" ");
                    m.put(name, new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])});
                } catch (IOException | RuntimeException e) {
                    // The thread ended meanwhile.
                }
            }
        }
        return m;
    }

    private static long ticksPerSecond() {
        String tck = System.getenv("CLK_TCK");
        return tck == null ? 100 : Long.parseLong(tck);
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            List<Path> paths = new ArrayList<>(all.toList());
            Collections.sort(paths, Comparator.reverseOrder());
            for (Path p : paths) {
                Files.deleteIfExists(p);
            }
        }
    }
}
