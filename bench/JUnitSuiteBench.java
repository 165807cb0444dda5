import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * The JUnit 5 suite itself: pgroup-junit5's TwoHundredGroupsTest fixtures, 200 tests under JUnit's
 * parallel execution with a thread each, run with a group per test ({@code OwnGroups}) and sharing
 * one PER_CLASS group ({@code SharedGroup}), interleaved. Wall time of each run, medians, ratio.
 *
 * <p>Run by bench/scale.sh from pgroup-junit5's dir (the fixtures name their definition dir
 * relative to it): {@code java -cp <pgroup-junit5 test classpath> ../bench/JUnitSuiteBench.java
 * label rounds}.
 */
public class JUnitSuiteBench {
    static final String OWN = "dev.pgroup.junit5.TwoHundredGroupsTest$OwnGroups";
    static final String SHARED = "dev.pgroup.junit5.TwoHundredGroupsTest$SharedGroup";
    static final int TESTS = 200;

    public static void main(String[] args) throws Exception {
        String label = args.length > 0 ? args[0] : "run";
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        Path work = Files.createTempDirectory("pgroup-junit-bench");
        try {
            run(SHARED, work); // warm-up: class loading, the JIT, SQLite's native library
            List<Double> own = new ArrayList<>(), shared = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                if (r % 2 == 0) {
                    own.add(run(OWN, work));
                    shared.add(run(SHARED, work));
                } else {
                    shared.add(run(SHARED, work));
                    own.add(run(OWN, work));
                }
            }
            System.out.printf("== JUnit 5 suite (%s): %d parallel tests, %d round(s), wall s (median)%n",
                    label, TESTS, rounds);
            System.out.printf("  a group per test (%d groups of 3)   %7.2f%n", TESTS, median(own));
            System.out.printf("  one PER_CLASS group for all         %7.2f%n", median(shared));
            System.out.printf("  ratio own / shared                  %7.2fx  (per test: +%.0f ms of wall time)%n",
                    median(own) / median(shared), (median(own) - median(shared)) * 1000 / TESTS);
        } finally {
            try (Stream<Path> all = Files.walk(work)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException e) {
                System.err.println("cannot delete " + work + ": " + e);
            }
        }
    }

    /** One run of a fixture class; its wall time in seconds. Fails unless all 200 tests passed. */
    static double run(String fixture, Path work) {
        long t0 = System.nanoTime();
        EngineExecutionResults results = EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(fixture))
                .configurationParameter("pgroup.test.fixture", "true") // OnlyInTestKit.PARAMETER
                .configurationParameter("pgroup.baseDir", work.resolve("groups").toString())
                .configurationParameter("pgroup.database", work.resolve("db").resolve("pgroup.db").toString())
                .configurationParameters(Map.of(
                        "junit.jupiter.execution.parallel.enabled", "true",
                        "junit.jupiter.execution.parallel.mode.default", "concurrent",
                        "junit.jupiter.execution.parallel.config.strategy", "fixed",
                        "junit.jupiter.execution.parallel.config.fixed.parallelism", Integer.toString(TESTS)))
                .execute();
        double seconds = (System.nanoTime() - t0) / 1e9;
        long succeeded = results.testEvents().succeeded().count();
        if (succeeded != TESTS || results.allEvents().failed().count() > 0) {
            String why = results.allEvents().failed().stream()
                    .limit(3)
                    .map(e -> e.getTestDescriptor().getDisplayName() + ": "
                            + e.getPayload(TestExecutionResult.class)
                                    .flatMap(TestExecutionResult::getThrowable)
                                    .map(Throwable::toString)
                                    .orElse("?"))
                    .collect(Collectors.joining("; "));
            throw new IllegalStateException(fixture + ": " + succeeded + " of " + TESTS + " tests passed; " + why);
        }
        return seconds;
    }

    static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        return s.get(s.size() / 2);
    }
}
