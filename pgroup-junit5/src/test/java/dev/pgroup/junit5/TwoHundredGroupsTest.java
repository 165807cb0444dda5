package dev.pgroup.junit5;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgroup.Manifest;
import dev.pgroup.PGroup;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.Event;

/**
 * pgroup's headline promise on a 2-core machine: 200 tests run in parallel, each with a fresh group
 * of its own (two redis-servers and a {@code sleep}), every port distinct, nothing left afterwards.
 *
 * <p>The 200 tests are the invocations of one {@code @RepeatedTest}: the extension's {@code
 * beforeEach} runs for each invocation and keeps the group in that invocation's own store, so each
 * gets its own group, as a separate method would (which the distinct group ids below prove). A
 * {@code @TestFactory}'s dynamic tests would not: {@code beforeEach} runs once around the factory.
 *
 * <p>Every test waits until all 200 groups are up at once: ports are leased at random and a released
 * port may be leased again, so only groups that live at the same time must have distinct ports; the
 * wait makes that all 200. bench/scale.sh runs the same fixtures to time them against one shared
 * group.
 */
class TwoHundredGroupsTest {
    static final int TESTS = 200;
    static final String DEFINITION = "src/test/resources/groups/two-redis-and-sleep";

    @Test
    void twoHundredParallelTestsEachGetTheirOwnGroupOfThreeProcessesWithDistinctPortsAndLeaveNothing() {
        long t0 = System.nanoTime();
        EngineExecutionResults results = Fixtures.run(OwnGroups.class, parallel());
        System.out.printf(
                "TwoHundredGroupsTest: %d tests with a group each in %.1f s%n", TESTS, (System.nanoTime() - t0) / 1e9);

        assertThat(failures(results)).as("failed tests and containers").isEmpty();
        results.testEvents().assertStatistics(s -> s.started(TESTS).succeeded(TESTS));
        List<Seen> seen = List.copyOf(Suite.SEEN);
        assertThat(seen).hasSize(TESTS);
        assertThat(seen.stream().map(Seen::groupId)).as("group ids").doesNotHaveDuplicates();
        assertThat(seen.stream().map(Seen::directory)).as("group dirs").doesNotHaveDuplicates();
        assertThat(seen.stream().flatMap(s -> s.ports().stream()))
                .as("ports of all groups")
                .hasSize(2 * TESTS)
                .doesNotHaveDuplicates();
        assertThat(seen.stream().map(Seen::thread).distinct().count())
                .as("threads the tests ran on at once")
                .isEqualTo(TESTS);
        Fixtures.assertNothingLeft();
    }

    /** JUnit's parallel execution with a thread for every test, so that all 200 can be up at once. */
    static Map<String, String> parallel() {
        return Map.of(
                "junit.jupiter.execution.parallel.enabled", "true",
                "junit.jupiter.execution.parallel.mode.default", "concurrent",
                "junit.jupiter.execution.parallel.config.strategy", "fixed",
                "junit.jupiter.execution.parallel.config.fixed.parallelism", Integer.toString(TESTS));
    }

    /** What failed, with why, so that a red run says more than a count. */
    static List<String> failures(EngineExecutionResults results) {
        return results.allEvents().failed().stream()
                .limit(5)
                .map(TwoHundredGroupsTest::describe)
                .collect(Collectors.toList());
    }

    private static String describe(Event e) {
        String why = e.getPayload(TestExecutionResult.class)
                .flatMap(TestExecutionResult::getThrowable)
                .map(Throwable::toString)
                .orElse("?");
        return e.getTestDescriptor().getDisplayName() + ": " + why;
    }

    /** What one test saw of its group. */
    record Seen(String groupId, Path directory, List<Integer> ports, String thread) {}

    /**
     * The 200 tests. Each checks its group's three processes, then waits for the others; {@link
     * #ownGroup()} says whether the group must be fresh (a counter in its redis starts at 1).
     */
    abstract static class Suite {
        static final Queue<Seen> SEEN = new ConcurrentLinkedQueue<>();
        static volatile CountDownLatch allUp;

        abstract boolean ownGroup();

        @BeforeAll
        static void reset() {
            SEEN.clear();
            allUp = new CountDownLatch(TESTS);
        }

        @RepeatedTest(TESTS)
        void test(PGroup group) throws InterruptedException {
            int a = group.port("redis-a", "main");
            int b = group.port("redis-b", "main");
            long first = Long.parseLong(redis(a, "INCR", "tests").substring(1));
            if (ownGroup()) {
                assertThat(first).as("the test's own redis is fresh").isEqualTo(1);
            }
            assertThat(redis(b, "PING")).isEqualTo("+PONG");
            Manifest.ProcessInfo sleeper = group.manifest().process("sleeper").orElseThrow();
            assertThat(ProcessHandle.of(sleeper.pid()).map(ProcessHandle::isAlive))
                    .as("the sleeper, pid " + sleeper.pid())
                    .contains(true);
            SEEN.add(new Seen(
                    group.id(),
                    group.directory(),
                    List.of(a, b),
                    Thread.currentThread().getName()));

            allUp.countDown();
            boolean all = allUp.await(4, TimeUnit.MINUTES); // a deadline, not a sleep
            assertThat(all)
                    .as("all " + TESTS + " groups up at once; " + allUp.getCount() + " never came")
                    .isTrue();
            assertThat(redis(a, "GET", "tests")).as("its redis still answers").startsWith("$");
        }
    }

    @ExtendWith(OnlyInTestKit.class)
    @Execution(ExecutionMode.CONCURRENT)
    @WithGroup(DEFINITION)
    static class OwnGroups extends Suite {
        @Override
        boolean ownGroup() {
            return true;
        }
    }

    /** The same tests sharing one group: the baseline bench/scale.sh times OwnGroups against. */
    @ExtendWith(OnlyInTestKit.class)
    @Execution(ExecutionMode.CONCURRENT)
    @WithGroup(value = DEFINITION, lifecycle = WithGroup.Lifecycle.PER_CLASS)
    static class SharedGroup extends Suite {
        @Override
        boolean ownGroup() {
            return false;
        }
    }

    /** One redis command, its reply's first line: {@code +PONG}, {@code :1}, {@code $1}. */
    static String redis(int port, String... command) {
        StringBuilder request = new StringBuilder("*" + command.length + "\r\n");
        for (String arg : command) {
            request.append('$').append(arg.length()).append("\r\n").append(arg).append("\r\n");
        }
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder line = new StringBuilder();
            for (int c = in.read(); c != -1 && c != '\r'; c = in.read()) {
                line.append((char) c);
            }
            return line.toString();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("redis on port " + port + ": " + String.join(" ", command), e);
        }
    }
}
