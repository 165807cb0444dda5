import dev.pgroup.core.Group;
import dev.pgroup.core.PGroupEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Start and stop time of one group of N `sleep` processes, for each N given, with M unrelated
 * `sleep` processes running beside it (they must not change the stop time: stop reads the group's
 * pids from runit's files, not the process table). Prints one line per N.
 *
 * Run through bench/big-group.sh.
 */
public class BigGroupBench {
    public static void main(String[] args) throws Exception {
        int unrelated = Integer.parseInt(args[0]);
        Path work = Files.createTempDirectory("pgroup-big-group");
        List<Process> others = new ArrayList<>();
        try (PGroupEngine engine = PGroupEngine.builder()
                .baseDir(work.resolve("groups"))
                .database(work.resolve("pgroup.db"))
                .build()) {
            for (int i = 0; i < unrelated; i++) {
                others.add(new ProcessBuilder("sleep", "100000").start());
            }
            System.out.printf("big group bench: %d unrelated processes running beside the group; times in ms%n", unrelated);
            for (int a = 1; a < args.length; a++) {
                int n = Integer.parseInt(args[a]);
                Path def = Files.createDirectories(work.resolve("def-" + n));
                StringBuilder toml = new StringBuilder("name = \"big\"\n");
                for (int i = 0; i < n; i++) {
                    toml.append("[[process]]\nname = \"s").append(i).append("\"\ncommand = [\"sleep\", \"100000\"]\n");
                }
                Files.writeString(def.resolve("group.toml"), toml);
                try (Group group = engine.create(def)) {
                    long t0 = System.nanoTime();
                    group.start(Duration.ofMinutes(10));
                    long t1 = System.nanoTime();
                    group.stop();
                    long t2 = System.nanoTime();
                    System.out.printf("N=%5d  start %7.0f  stop %7.0f%n", n, (t1 - t0) / 1e6, (t2 - t1) / 1e6);
                }
            }
        } finally {
            for (Process p : others) {
                p.destroyForcibly().waitFor();
            }
        }
    }
}
