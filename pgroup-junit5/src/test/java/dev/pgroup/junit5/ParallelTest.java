package dev.pgroup.junit5;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgroup.PGroup;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/** Under JUnit's parallel execution each test still gets its own group, and none outlives the run. */
class ParallelTest {
    static final int TESTS = 20;
    static final Set<Integer> PORTS = ConcurrentHashMap.newKeySet();
    static final Set<String> IDS = ConcurrentHashMap.newKeySet();
    static final Set<String> THREADS = ConcurrentHashMap.newKeySet();

    @Test
    void twentyConcurrentTestsEachGetTheirOwnGroupWithDistinctPortsAndLeaveNothing() {
        PORTS.clear();
        IDS.clear();
        THREADS.clear();

        Fixtures.run(
                        Concurrent.class,
                        Map.of(
                                "junit.jupiter.execution.parallel.enabled", "true",
                                "junit.jupiter.execution.parallel.mode.default", "concurrent",
                                "junit.jupiter.execution.parallel.config.strategy", "fixed",
                                "junit.jupiter.execution.parallel.config.fixed.parallelism", Integer.toString(TESTS)))
                .testEvents()
                .assertStatistics(s -> s.started(TESTS).succeeded(TESTS));

        assertThat(IDS).hasSize(TESTS);
        assertThat(PORTS).hasSize(TESTS);
        assertThat(THREADS).as("ran on several threads").hasSizeGreaterThan(1);
        Fixtures.assertNothingLeft();
    }

    @ExtendWith(OnlyInTestKit.class)
    @Execution(ExecutionMode.CONCURRENT)
    @WithGroup("src/test/resources/groups/redis-single")
    static class Concurrent {
        @RepeatedTest(TESTS)
        void test(PGroup g) {
            int port = g.port("redis", "main");
            assertThat(Fixtures.ping(port)).isEqualTo("+PONG");
            PORTS.add(port);
            IDS.add(g.id());
            THREADS.add(Thread.currentThread().getName());
        }
    }
}
