package dev.pgroup.junit5;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgroup.PGroup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Fresh group per method by default; one group for the class with PER_CLASS; gone afterwards. */
class LifecycleTest {
    static final List<String> IDS = new CopyOnWriteArrayList<>();
    static final List<Path> DIRS = new CopyOnWriteArrayList<>();

    @BeforeEach
    void clear() {
        IDS.clear();
        DIRS.clear();
    }

    @Test
    void everyTestMethodGetsAFreshGroupThatIsTerminatedAfterIt() {
        Fixtures.run(PerMethod.class).testEvents().assertStatistics(s -> s.started(3)
                .succeeded(3));

        assertThat(IDS).hasSize(3).doesNotHaveDuplicates();
        assertThat(DIRS).noneMatch(Files::exists);
        Fixtures.assertNothingLeft();
    }

    @Test
    void perClassGroupIsSharedByTheClassAndTerminatedAfterIt() {
        Fixtures.run(PerClass.class).testEvents().assertStatistics(s -> s.started(3)
                .succeeded(3));

        assertThat(IDS).hasSize(4).containsOnly(IDS.get(0)); // 3 tests + @BeforeAll
        assertThat(DIRS).noneMatch(Files::exists);
        Fixtures.assertNothingLeft();
    }

    @Test
    void settingsFallBackToSystemPropertiesWhereTheLauncherReadsNone() {
        // EngineTestKit reads no implicit parameters: only -Dpgroup.baseDir (set by surefire) says where.
        org.junit.platform.testkit.engine.EngineTestKit.engine("junit-jupiter")
                .selectors(org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod(
                        PerMethod.class, "a", PGroup.class.getName()))
                .configurationParameter(OnlyInTestKit.PARAMETER, "true")
                .execute()
                .testEvents()
                .assertStatistics(s -> s.succeeded(1));

        assertThat(DIRS).singleElement().matches(d -> d.startsWith(Fixtures.BASE_DIR), "under " + Fixtures.BASE_DIR);
        Fixtures.assertNothingLeft();
    }

    @Test
    void aNestedClassSeesTheGroupsOfTheClassAroundIt() {
        Fixtures.run(Outer.class).testEvents().assertStatistics(s -> s.started(2)
                .succeeded(2));

        assertThat(IDS).hasSize(3).doesNotHaveDuplicates(); // outer's per-method group twice, the inner's once
        assertThat(DIRS).noneMatch(Files::exists);
        Fixtures.assertNothingLeft();
    }

    @ExtendWith(OnlyInTestKit.class)
    @WithGroup("src/test/resources/groups/redis-single")
    static class Outer {
        @Test
        void outer(PGroup g) {
            record(g);
        }

        @org.junit.jupiter.api.Nested
        @WithGroup(value = "src/test/resources/groups/redis-single", name = "inner")
        class Inner {
            @Test
            void inner(@WithGroup.Name("redis-single") PGroup outer, @WithGroup.Name("inner") PGroup inner) {
                record(outer);
                record(inner);
            }
        }
    }

    @ExtendWith(OnlyInTestKit.class)
    @WithGroup("src/test/resources/groups/redis-single")
    static class PerMethod {
        @Test
        void a(PGroup g) {
            record(g);
        }

        @Test
        void b(PGroup g) {
            record(g);
        }

        @Test
        void c(PGroup g) {
            record(g);
        }
    }

    @ExtendWith(OnlyInTestKit.class)
    @WithGroup(value = "src/test/resources/groups/redis-single", lifecycle = WithGroup.Lifecycle.PER_CLASS)
    static class PerClass {
        @org.junit.jupiter.api.BeforeAll
        static void before(PGroup g) {
            record(g);
        }

        @Test
        void a(PGroup g) {
            record(g);
        }

        @Test
        void b(PGroup g) {
            record(g);
        }

        @Test
        void c(PGroup g) {
            record(g);
        }
    }

    static void record(PGroup g) {
        assertThat(Fixtures.ping(g.port("redis", "main"))).isEqualTo("+PONG");
        IDS.add(g.id());
        DIRS.add(g.directory());
    }
}
