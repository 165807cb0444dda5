package dev.pgroup.junit5;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgroup.PGroup;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Which tests get a group of their own (what junit5.md tells users): each invocation of a test
 * template (@ParameterizedTest, @RepeatedTest) does; the dynamic tests of a @TestFactory share the
 * factory's one group, since JUnit runs no beforeEach for them.
 */
class InvocationsTest {
    static final List<String> IDS = new CopyOnWriteArrayList<>();

    @BeforeEach
    void clear() {
        IDS.clear();
    }

    @Test
    void eachInvocationOfAParameterizedTestGetsItsOwnGroup() {
        Fixtures.run(Parameterized.class).testEvents().assertStatistics(s -> s.started(3)
                .succeeded(3));

        assertThat(IDS).hasSize(3).doesNotHaveDuplicates();
        Fixtures.assertNothingLeft();
    }

    @Test
    void theDynamicTestsOfAFactoryShareTheFactorysOneGroup() {
        Fixtures.run(Factory.class).testEvents().assertStatistics(s -> s.started(3)
                .succeeded(3));

        assertThat(IDS).hasSize(3).containsOnly(IDS.get(0));
        Fixtures.assertNothingLeft();
    }

    @ExtendWith(OnlyInTestKit.class)
    @WithGroup("src/test/resources/groups/redis-single")
    static class Parameterized {
        @ParameterizedTest
        @ValueSource(ints = {1, 2, 3})
        void test(int i, PGroup group) {
            assertThat(Fixtures.ping(group.port("redis", "main"))).isEqualTo("+PONG");
            IDS.add(group.id());
        }
    }

    @ExtendWith(OnlyInTestKit.class)
    @WithGroup("src/test/resources/groups/redis-single")
    static class Factory {
        @TestFactory
        Stream<DynamicTest> tests(PGroup group) {
            return IntStream.rangeClosed(1, 3)
                    .mapToObj(i -> DynamicTest.dynamicTest("dynamic " + i, () -> {
                        assertThat(Fixtures.ping(group.port("redis", "main"))).isEqualTo("+PONG");
                        IDS.add(group.id());
                    }));
        }
    }
}
