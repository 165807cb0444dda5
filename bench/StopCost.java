import dev.pgroup.core.*;
import java.nio.file.*;
import java.time.Duration;
import java.util.*;
import java.util.concurrent.*;

/**
 * Where the CPU of stop + terminate goes, at N groups of 3 {@code sleep}s stopped at once from 16
 * threads (the scale bench's gone phase): per phase the machine's busy ticks and this JVM's, the
 * JVM's ticks by thread (pool threads: pgroup's own work; compiler threads: the JIT), the CPU time
 * of each stop and terminate on its own thread, and the ticks of the launcher and every group
 * process, which roll up into it when reaped (lifetime CPU, start included). Round 1 (5 groups)
 * warms up; rounds 2 and 3 are N. Linux only. With PERF_OUT set, {@code perf record -a -g} runs
 * over round 3's gone phase into that file.
 *
 * <pre>
 *   java -Djava.io.tmpdir=/dev/shm/bench -cp "$(source bench/classpath.sh; pgroup_classpath)" bench/StopCost.java 200
 * </pre>
 *
 * Compare builds interleaved in one sitting (another worktree's bench/StopCost.java, same N).
 */
public class StopCost {
    static long[] cpu() throws Exception {
        String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long total = 0; for (int i = 1; i < f.length; i++) total += Long.parseLong(f[i]);
        return new long[] {total, Long.parseLong(f[4]) + Long.parseLong(f[5])};
    }
    static long self() throws Exception { String st = Files.readString(Path.of("/proc/self/stat")); String[] f = st.substring(st.lastIndexOf(')')+2).split(" "); return Long.parseLong(f[11])+Long.parseLong(f[12]); }
    static long[] sys() throws Exception { String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+"); return new long[]{Long.parseLong(f[1])+Long.parseLong(f[2]), Long.parseLong(f[3]), Long.parseLong(f[6])+Long.parseLong(f[7])}; }
    static java.util.Map<String, Long> threads() throws Exception {
        java.util.Map<String, Long> m = new java.util.TreeMap<>();
        try (var ds = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path t : ds) {
                try {
                    String st = Files.readString(t.resolve("stat"));
                    String name = st.substring(st.indexOf('(') + 1, st.lastIndexOf(')')).replaceAll("[0-9]+", "#");
                    String[] f = st.substring(st.lastIndexOf(')') + 2).split(" ");
                    m.merge(name, Long.parseLong(f[11]) + Long.parseLong(f[12]), Long::sum);
                } catch (Exception e) {}
            }
        }
        return m;
    }
    static final java.util.concurrent.atomic.AtomicLong STOPCPU = new java.util.concurrent.atomic.AtomicLong(), TERMCPU = new java.util.concurrent.atomic.AtomicLong();
    /** utime+stime+cutime+cstime of this JVM's children (the watchdog launcher: every group's processes roll up into it). */
    static long kids() throws Exception {
        long sum = 0;
        try (var ds = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path t : ds) {
                for (String c : Files.readString(t.resolve("children")).trim().split("\\s+")) {
                    if (c.isEmpty()) continue;
                    try { String st = Files.readString(Path.of("/proc", c, "stat")); String[] f = st.substring(st.lastIndexOf(')') + 2).split(" ");
                        sum += Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]); } catch (Exception e) {}
                }
            }
        }
        return sum;
    }
    public static void main(String[] a) throws Exception {
        int n = Integer.parseInt(a[0]);
        Path work = Files.createTempDirectory("prof");
        Path def = Files.createDirectories(work.resolve("def"));
        StringBuilder t = new StringBuilder("name = \"sleeps\"\n");
        for (String p : List.of("a","b","c")) t.append("[[process]]\nname = \"" + p + "\"\ncommand = [\"sleep\", \"100000\"]\n");
        Files.writeString(def.resolve("group.toml"), t);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try (PGroupEngine engine = PGroupEngine.builder().baseDir(work.resolve("groups")).database(work.resolve("db/pgroup.db")).build()) {
          for (int round = 0; round < 3; round++) {
            int size = round == 0 ? 5 : n;
            List<Future<Group>> fs = new ArrayList<>();
            long[] rc0 = cpu(); long rj0 = self(); long[] ru0 = sys();
            long t0 = System.nanoTime();
            for (int i = 0; i < size; i++) fs.add(pool.submit(() -> { Group g = engine.create(def); g.start(Duration.ofMinutes(2)); return g; }));
            List<Group> gs = new ArrayList<>(); for (var f : fs) gs.add(f.get());
            long t1 = System.nanoTime();
            long[] rc1 = cpu(); long rj1 = self(); long[] ru1 = sys();
            System.out.printf("  ready phase ticks: total busy %d, JVM %d, user %d, sys %d%n", (rc1[0]-rc0[0])-(rc1[1]-rc0[1]), rj1-rj0, ru1[0]-ru0[0], ru1[1]-ru0[1]);
            Thread.sleep(1500);
            Process perf = null;
            if (round == 2 && System.getenv("PERF_OUT") != null) { perf = new ProcessBuilder("perf", "record", "-F", "2999", "-g", "-a", "-o", System.getenv("PERF_OUT")).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start(); Thread.sleep(700); }
            var th0 = threads(); long k0 = kids(); long[] c0 = cpu(); long j0 = self(); long[] u0 = sys();
            long s0 = System.nanoTime();
            List<Future<long[]>> ts = new ArrayList<>();
            for (Group g : gs) ts.add(pool.submit(() -> { var mx = java.lang.management.ManagementFactory.getThreadMXBean(); long c0x = mx.getCurrentThreadCpuTime(); long x = System.nanoTime(); g.stop(); long c1x = mx.getCurrentThreadCpuTime(); long y = System.nanoTime(); g.terminate(); long z = System.nanoTime(); long c2x = mx.getCurrentThreadCpuTime(); STOPCPU.addAndGet(c1x-c0x); TERMCPU.addAndGet(c2x-c1x); return new long[]{y-x, z-y}; }));
            long stopSum = 0, termSum = 0; List<Long> stops = new ArrayList<>();
            for (var f : ts) { long[] r = f.get(); stopSum += r[0]; termSum += r[1]; stops.add(r[0]); }
            long s1 = System.nanoTime();
            long[] c1 = cpu(); long j1 = self(); long[] u1 = sys();
            if (perf != null) { new ProcessBuilder("kill", "-INT", Long.toString(perf.pid())).start().waitFor(); perf.waitFor(); }
            var th1 = threads(); long k1 = kids(); StringBuilder tb = new StringBuilder(); for (var e : th1.entrySet()) { long d = e.getValue() - th0.getOrDefault(e.getKey(), 0L); if (d > 0) tb.append(e.getKey()).append('=').append(d).append(' '); } System.out.println("  gone threads: " + tb + " | launcher+groups ticks " + (k1 - k0) + ", JVM+launcher+groups " + (k1 - k0 + j1 - j0));
            System.out.printf("  gone phase ticks: total busy %d, JVM %d, user %d, sys %d, irq %d%n", (c1[0]-c0[0])-(c1[1]-c0[1]), j1-j0, u1[0]-u0[0], u1[1]-u0[1], u1[2]-u0[2]);
            System.out.printf("  thread cpu per group: stop %.2f ms, terminate %.2f ms%n", STOPCPU.getAndSet(0)/1e6/size, TERMCPU.getAndSet(0)/1e6/size);
            Collections.sort(stops);
            double busy = 1.0 - (double)(c1[1]-c0[1]) / (c1[0]-c0[0]);
            System.out.printf("N=%d ready %.0f ms gone %.0f ms; per group stop mean %.1f ms (p50 %.1f p90 %.1f), terminate mean %.1f ms; machine busy %.0f%%%n",
                size, (t1-t0)/1e6, (s1-s0)/1e6, stopSum/1e6/size, stops.get(size/2)/1e6, stops.get(size*9/10)/1e6, termSum/1e6/size, busy*100);
          }
        }
        pool.shutdown();
    }
}
