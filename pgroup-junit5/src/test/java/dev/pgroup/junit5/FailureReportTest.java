package dev.pgroup.junit5;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgroup.PGroup;
import dev.pgroup.core.PGroupEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.Event;

/** A failed test's report carries every process's log tail; pgroup.keep=failed keeps the files. */
class FailureReportTest {
    static final AtomicReference<PGroup> SEEN = new AtomicReference<>();

    @BeforeEach
    void clear() {
        SEEN.set(null);
    }

    @AfterEach
    void removeKeptGroup() {
        PGroup g = SEEN.get();
        if (g != null && Files.exists(g.directory())) {
            try (PGroupEngine engine = Fixtures.engine()) {
                engine.terminate(g.id());
            }
        }
    }

    @Test
    void aFailedTestCarriesTheLogTailOfEachProcessAndTheGroupIsTerminated() {
        EngineExecutionResults results = Fixtures.run(Failing.class);

        Throwable failure = onlyFailure(results);
        assertThat(failure).hasMessage("the cache was empty");
        assertThat(failure.getSuppressed()).hasSize(1);
        String logs = failure.getSuppressed()[0].getMessage();
        assertThat(logs)
                .contains("group " + SEEN.get().id())
                .contains("@WithGroup(\"src/test/resources/groups/redis-single\")")
                .contains("--- redis: " + SEEN.get().logFile("redis"))
                .contains("Ready to accept connections")
                .contains("set pgroup.keep=failed to keep its files");
        assertThat(SEEN.get().directory()).doesNotExist();
        Fixtures.assertNothingLeft();
    }

    @Test
    void withKeepFailedTheFilesStayAndTheFailureSaysWhere() {
        EngineExecutionResults results = Fixtures.run(Failing.class, Map.of("pgroup.keep", "failed"));

        Throwable failure = onlyFailure(results);
        Path dir = SEEN.get().directory();
        assertThat(failure.getSuppressed()[0].getMessage())
                .contains("files kept in " + dir)
                .contains("Ready to accept connections");
        assertThat(SEEN.get().logFile("redis")).isNotEmptyFile();
        assertThat(Fixtures.processesUnder(Fixtures.BASE_DIR))
                .as("processes stopped")
                .isEmpty();
    }

    @Test
    void aPassingTestIsTerminatedEvenWithKeepFailed() {
        Fixtures.run(Passing.class, Map.of("pgroup.keep", "failed"))
                .testEvents()
                .assertStatistics(s -> s.succeeded(1));

        assertThat(SEEN.get().directory()).doesNotExist();
        Fixtures.assertNothingLeft();
    }

    @Test
    void aGroupThatCannotStartFailsTheTestWithItsLogAndLeavesNothing() {
        EngineExecutionResults results = Fixtures.run(Crashing.class);

        Throwable failure = onlyFailure(results);
        assertThat(failure.getMessage())
                .contains(
                        "@WithGroup(\"src/test/resources/groups/crashing\") of " + Crashing.class.getName() + ".test()")
                .contains("crasher cannot bind port");
        Fixtures.assertNothingLeft();
    }

    @Test
    void aFailedTestKeepsItsClassesSharedGroupWithKeepFailed() {
        EngineExecutionResults results = Fixtures.run(FailingPerClass.class, Map.of("pgroup.keep", "failed"));

        Throwable failure = onlyFailure(results);
        assertThat(failure.getSuppressed()[0].getMessage())
                .contains("files kept in " + SEEN.get().directory())
                .contains("--- redis: ");
        assertThat(SEEN.get().logFile("redis")).isNotEmptyFile();
        assertThat(Fixtures.processesUnder(Fixtures.BASE_DIR))
                .as("processes stopped")
                .isEmpty();
    }

    static Throwable onlyFailure(EngineExecutionResults results) {
        results.testEvents().assertStatistics(s -> s.failed(1));
        Event failed = results.testEvents().failed().list().get(0);
        return failed.getPayload(TestExecutionResult.class)
                .flatMap(TestExecutionResult::getThrowable)
                .orElseThrow();
    }

    @ExtendWith(OnlyInTestKit.class)
    @WithGroup("src/test/resources/groups/redis-single")
    static class Failing {
        @Test
        void test(PGroup g) {
            SEEN.set(g);
            throw new AssertionError("the cache was empty");
        }
    }

    @ExtendWith(OnlyInTestKit.class)
    @WithGroup(value = "src/test/resources/groups/redis-single", lifecycle = WithGroup.Lifecycle.PER_CLASS)
    static class FailingPerClass {
        @Test
        void passes(PGroup g) {
            SEEN.set(g);
        }

        @Test
        void fails(PGroup g) {
            SEEN.set(g);
            throw new AssertionError("the cache was empty");
        }
    }

    @ExtendWith(OnlyInTestKit.class)
    @WithGroup("src/test/resources/groups/redis-single")
    static class Passing {
        @Test
        void test(PGroup g) {
            SEEN.set(g);
        }
    }

    @ExtendWith(OnlyInTestKit.class)
    @WithGroup("src/test/resources/groups/crashing")
    static class Crashing {
        @Test
        void test(PGroup g) {
            SEEN.set(g);
        }
    }
}
