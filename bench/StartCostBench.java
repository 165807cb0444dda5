import dev.pgroup.core.Group;
import dev.pgroup.core.PGroupEngine;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The fixed cost of a group start in a warm JVM: a group of 3 `sleep` processes (no ready check)
 * is created, started, stopped and terminated, `rounds` times after a warm-up. Prints one line:
 * label, then medians in ms of start and stop+terminate, and the JVM's own CPU per lifecycle (user
 * + system, from the OS, which counts in ticks: a mean over the rounds), which is where the spawn
 * of a process per start shows. Meant to be run
 * alternately against another build by bench/start-cost.sh, which compares the lines.
 */
public class StartCostBench {
    public static void main(String[] args) throws Exception {
        String label = args[0];
        int rounds = Integer.parseInt(args[1]);
        Path work = Files.createTempDirectory("pgroup-start-cost");
        Path def = Files.createDirectories(work.resolve("def"));
        StringBuilder toml = new StringBuilder();
        for (String p : List.of("a", "b", "c")) {
            toml.append("[[process]]\nname = \"").append(p).append("\"\ncommand = [\"sleep\", \"1000\"]\n");
        }
        Files.writeString(def.resolve("group.toml"), toml);
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        List<Double> start = new ArrayList<>(), stop = new ArrayList<>();
        long cpu = 0;
        try (PGroupEngine engine = PGroupEngine.builder()
                .baseDir(work.resolve("groups"))
                .database(work.resolve("pgroup.db"))
                .build()) {
            for (int i = 0; i < 5 + rounds; i++) {
                Group g = engine.create(def);
                long cpu0 = os.getProcessCpuTime();
                long t0 = System.nanoTime();
                g.start(Duration.ofSeconds(30));
                long t1 = System.nanoTime();
                g.stop();
                g.terminate();
                long t2 = System.nanoTime();
                long cpu1 = os.getProcessCpuTime();
                if (i >= 5) {
                    start.add((t1 - t0) / 1e6);
                    stop.add((t2 - t1) / 1e6);
                    cpu += cpu1 - cpu0;
                }
            }
        }
        try (var files = Files.walk(work)) {
            files.sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        System.out.printf("%s %.2f %.2f %.2f%n", label, median(start), median(stop), cpu / 1e6 / rounds);
    }

    static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        Collections.sort(s);
        return s.get(s.size() / 2);
    }
}
