import dev.pgroup.core.Group;
import dev.pgroup.core.PGroupEngine;
import dev.pgroup.core.internal.state.MachineClaims;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What the machine-wide port claims cost a create (and a terminate) of a group with 4 ports, not
 * started. Three engines, each with a database of its own, interleaved round by round so that the
 * machine's noise hits all alike:
 *
 * <ul>
 *   <li>off: the machine dir is unusable (a symlink), so leases work as before it existed: the
 *       user's claims and the probe-bind;
 *   <li>on: a usable machine dir holding only this user's claims;
 *   <li>on+N: a usable machine dir that also holds N other users' claim files (the listing grows).
 * </ul>
 *
 * Prints medians, p95 and the ratios against "off". Run through bench/machine-claims.sh.
 */
public class MachineClaimsBench {
    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int others = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        Path work = Files.createTempDirectory("pgroup-bench-claims");
        Path definition = Files.createDirectory(work.resolve("def"));
        Files.writeString(definition.resolve("group.toml"), """
                [[process]]
                name = "four"
                command = ["sleep", "600"]
                ports = ["a", "b", "c", "d"]
                """);
        Path target = Files.createDirectory(work.resolve("target"));
        Files.setAttribute(target, "unix:mode", 01777);
        Path off = Files.createSymbolicLink(work.resolve("off"), target);
        Path on = Files.createDirectory(work.resolve("on"));
        Files.setAttribute(on, "unix:mode", 01777);
        Path crowded = Files.createDirectory(work.resolve("crowded"));
        Files.setAttribute(crowded, "unix:mode", 01777);
        for (int i = 0; i < others; i++) {
            // Claims of other users outside the lease range: listed each lease, never read.
            Files.writeString(crowded.resolve((60000 + i % 5000) + "." + (50000 + i)), "/x\ng\n1 1\n");
        }
        String[] names = {"off", "on", "on+" + others};
        Path[] dirs = {off, on, crowded};
        List<PGroupEngine> engines = new ArrayList<>();
        List<List<Long>> create = new ArrayList<>(), terminate = new ArrayList<>();
        try {
            for (int v = 0; v < 3; v++) {
                System.setProperty(MachineClaims.TEST_DIR, dirs[v].toString());
                PGroupEngine e = PGroupEngine.builder()
                        .baseDir(work.resolve("base-" + v))
                        .database(work.resolve("db-" + v).resolve("pgroup.db"))
                        .build();
                engines.add(e);
                create.add(new ArrayList<>());
                terminate.add(new ArrayList<>());
                for (int i = 0; i < 5; i++) { // warm-up; also fixes the engine's machine dir
                    e.create(definition).terminate();
                }
            }
            for (int i = 0; i < rounds; i++) {
                for (int v = 0; v < 3; v++) {
                    long t0 = System.nanoTime();
                    Group g = engines.get(v).create(definition);
                    long t1 = System.nanoTime();
                    g.terminate();
                    long t2 = System.nanoTime();
                    create.get(v).add(t1 - t0);
                    terminate.get(v).add(t2 - t1);
                }
            }
        } finally {
            engines.forEach(PGroupEngine::close);
        }
        System.out.printf("machine claims bench: %d rounds, a group with 4 ports, times in ms (median / p95)%n", rounds);
        for (int v = 0; v < 3; v++) {
            System.out.printf("%-8s create %6.2f / %6.2f   terminate %6.2f / %6.2f%n", names[v],
                    ms(pct(create.get(v), 50)), ms(pct(create.get(v), 95)),
                    ms(pct(terminate.get(v), 50)), ms(pct(terminate.get(v), 95)));
        }
        for (int v = 1; v < 3; v++) {
            System.out.printf("ratio %s/off: create %.3f, terminate %.3f%n", names[v],
                    pct(create.get(v), 50) / pct(create.get(0), 50),
                    pct(terminate.get(v), 50) / pct(terminate.get(0), 50));
        }
        try (var walk = Files.walk(work)) {
            walk.sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static double pct(List<Long> xs, int p) {
        List<Long> s = new ArrayList<>(xs);
        Collections.sort(s);
        return s.get(Math.min(s.size() - 1, s.size() * p / 100));
    }

    private static double ms(double nanos) {
        return nanos / 1e6;
    }
}
