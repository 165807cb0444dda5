package dev.pgroup.junit5;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgroup.PGroup;
import dev.pgroup.core.GroupSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/**
 * A wrong {@code @WithGroup(spec = ...)} fails the test with an error naming the test, the spec and
 * what is wrong, and leaves nothing. No group of its own: {@link Fixtures#assertNothingLeft} checks
 * the whole base dir.
 */
class GroupSpecBadInputTest {
    @Test
    void aBadValueInASpecFailsNamingTheTestTheSpecAndTheKeyAndLeavesNothing() {
        Throwable failure = FailureReportTest.onlyFailure(Fixtures.run(BadValue.class));

        assertThat(failure)
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessageContaining("@WithGroup(spec = \"bad\") of " + BadValue.class.getName() + ".test()")
                .hasMessageContaining("GroupSpec \"bad\": process \"redis\": ready.tcp: ")
                .hasMessageContaining("nosuchport");
        Fixtures.assertNothingLeft();
    }

    @Test
    void anInvalidNameInASpecFailsNamingTheTestTheMethodAndTheRule() {
        Throwable failure = FailureReportTest.onlyFailure(Fixtures.run(BadName.class));

        assertThat(failure)
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessageContaining("@WithGroup(spec = \"bad\") of " + BadName.class.getName() + ".test()")
                .hasMessageContaining(BadName.class.getName() + ".bad() failed")
                .hasMessageContaining("port name 'Main' must match [a-z][a-z0-9_-]*");
        Fixtures.assertNothingLeft();
    }

    @Test
    void aMissingSpecMemberIsNamed() {
        Throwable failure = FailureReportTest.onlyFailure(Fixtures.run(MissingMember.class));

        assertThat(failure)
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessageContaining("@WithGroup(spec = \"nothing\") of " + MissingMember.class.getName() + ".test()")
                .hasMessageContaining("no static field or no-argument method 'nothing'");
        Fixtures.assertNothingLeft();
    }

    @Test
    void aDirAndASpecTogetherAreRefused() {
        Throwable failure = FailureReportTest.onlyFailure(Fixtures.run(DirAndSpec.class));

        assertThat(failure)
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessageContaining("give exactly one of a definition dir");
        Fixtures.assertNothingLeft();
    }

    @ExtendWith(OnlyInTestKit.class)
    @WithGroup(spec = "bad")
    static class BadValue {
        static final GroupSpec bad = GroupSpec.named("bad")
                .process("redis", p -> p.command("redis-server", "--port", "{{port.main}}")
                        .ports("main")
                        .readyTcp("nosuchport"));

        @Test
        void test(PGroup g) {}
    }

    @ExtendWith(OnlyInTestKit.class)
    @WithGroup(spec = "bad")
    static class BadName {
        static GroupSpec bad() {
            return GroupSpec.named("bad")
                    .process("redis", p -> p.command("redis-server").ports("Main"));
        }

        @Test
        void test(PGroup g) {}
    }

    @ExtendWith(OnlyInTestKit.class)
    @WithGroup(spec = "nothing")
    static class MissingMember {
        @Test
        void test(PGroup g) {}
    }

    @ExtendWith(OnlyInTestKit.class)
    @WithGroup(value = "src/test/resources/groups/redis-single", spec = "cache")
    static class DirAndSpec {
        static final GroupSpec cache = GroupSpecExtensionTest.redis("cache");

        @Test
        void test(PGroup g) {}
    }
}
