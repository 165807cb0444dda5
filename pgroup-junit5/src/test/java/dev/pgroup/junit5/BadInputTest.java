package dev.pgroup.junit5;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgroup.PGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ParameterResolutionException;

/** Each mistake fails the test with an error naming the test and the definition, and leaves nothing. */
class BadInputTest {
    @Test
    void aMissingDefinitionDirNamesTheTestAndTheDir() {
        Throwable failure = FailureReportTest.onlyFailure(Fixtures.run(MissingDir.class));

        assertThat(failure)
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessageContaining("@WithGroup(\"src/test/resources/groups/no-such-group\") of "
                        + MissingDir.class.getName() + ".test()")
                .hasMessageContaining("no such directory");
        Fixtures.assertNothingLeft();
    }

    @Test
    void aBadGroupTomlNamesTheTestTheDefinitionAndTheKey() {
        Throwable failure = FailureReportTest.onlyFailure(Fixtures.run(BadToml.class));

        assertThat(failure)
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessageContaining(
                        "@WithGroup(\"src/test/resources/groups/bad-toml\") of " + BadToml.class.getName() + ".test()")
                .hasMessageContaining("group.toml")
                .hasMessageContaining("nosuchport");
        Fixtures.assertNothingLeft();
    }

    @Test
    void aPGroupParameterWithoutWithGroupInScopeNamesTheTest() {
        Throwable failure = FailureReportTest.onlyFailure(Fixtures.run(NoGroupInScope.class));

        assertThat(failure)
                .isInstanceOf(ParameterResolutionException.class)
                .hasMessageContaining(NoGroupInScope.class.getName() + ".test()")
                .hasMessageContaining("no @WithGroup is in scope: annotate the method or the class");
        Fixtures.assertNothingLeft();
    }

    @Test
    void withoutTheExtensionRegisteredJUnitItselfNamesTheMethodAndTheType() {
        // The extension is registered by @WithGroup; where none applies, JUnit's own message says it.
        Throwable failure = FailureReportTest.onlyFailure(Fixtures.run(GroupOnAnotherMethod.class));

        assertThat(failure)
                .isInstanceOf(ParameterResolutionException.class)
                .hasMessageContaining("No ParameterResolver registered for parameter [dev.pgroup.PGroup")
                .hasMessageContaining(GroupOnAnotherMethod.class.getName() + ".withoutGroup(dev.pgroup.PGroup)");
        Fixtures.assertNothingLeft();
    }

    @Test
    void twoGroupsAParameterCannotTellApartAreRefusedWithTheWayOut() {
        Throwable failure = FailureReportTest.onlyFailure(Fixtures.run(TwoGroups.class));

        assertThat(failure)
                .isInstanceOf(ParameterResolutionException.class)
                .hasMessageContaining(TwoGroups.class.getName() + ".test()")
                .hasMessageContaining("@WithGroup(\"src/test/resources/groups/redis-single\") named 'redis-single'")
                .hasMessageContaining("@WithGroup(\"src/test/resources/groups/redis-single\", name = \"other\")")
                .hasMessageContaining("@WithGroup.Name(\"redis-single\")");
        Fixtures.assertNothingLeft();
    }

    @Test
    void twoGroupsWithTheSameNameAreRefusedBeforeAnyIsCreated() {
        Throwable failure = FailureReportTest.onlyFailure(Fixtures.run(SameName.class));

        assertThat(failure)
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessageContaining(
                        "two groups named 'redis-single' in scope of " + SameName.class.getName() + ".test()");
        Fixtures.assertNothingLeft();
    }

    @Test
    void aNameThatNoGroupHasListsTheGroupsInScope() {
        Throwable failure = FailureReportTest.onlyFailure(Fixtures.run(WrongName.class));

        assertThat(failure)
                .isInstanceOf(ParameterResolutionException.class)
                .hasMessageContaining("asks for the group named 'cache'")
                .hasMessageContaining("in scope are @WithGroup(\"src/test/resources/groups/redis-single\")");
        Fixtures.assertNothingLeft();
    }

    @Test
    void aBadSettingNamesItsKeyAndCreatesNothing() {
        Throwable keep =
                FailureReportTest.onlyFailure(Fixtures.run(WrongName.class, java.util.Map.of("pgroup.keep", "always")));
        Throwable timeout = FailureReportTest.onlyFailure(
                Fixtures.run(WrongName.class, java.util.Map.of("pgroup.startTimeout", "10s")));

        assertThat(keep)
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessage("pgroup.keep must be 'failed' or 'never', was 'always'");
        assertThat(timeout)
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessage("pgroup.startTimeout must be a positive number of seconds, was '10s'");
        Fixtures.assertNothingLeft();
    }

    @ExtendWith(OnlyInTestKit.class)
    @WithGroup("src/test/resources/groups/no-such-group")
    static class MissingDir {
        @Test
        void test(PGroup g) {}
    }

    @ExtendWith(OnlyInTestKit.class)
    @WithGroup("src/test/resources/groups/bad-toml")
    static class BadToml {
        @Test
        void test(PGroup g) {}
    }

    @ExtendWith(OnlyInTestKit.class)
    @ExtendWith(PGroupExtension.class)
    static class NoGroupInScope {
        @Test
        void test(PGroup g) {}
    }

    @ExtendWith(OnlyInTestKit.class)
    static class GroupOnAnotherMethod {
        @Test
        @WithGroup("src/test/resources/groups/redis-single")
        void withGroup(PGroup g) {}

        @Test
        void withoutGroup(PGroup g) {}
    }

    @ExtendWith(OnlyInTestKit.class)
    @WithGroup("src/test/resources/groups/redis-single")
    @WithGroup(value = "src/test/resources/groups/redis-single", name = "other")
    static class TwoGroups {
        @Test
        void test(PGroup g) {}
    }

    @ExtendWith(OnlyInTestKit.class)
    @WithGroup("src/test/resources/groups/redis-single")
    static class SameName {
        @Test
        @WithGroup("src/test/resources/groups/redis-single")
        void test(PGroup g) {}
    }

    @ExtendWith(OnlyInTestKit.class)
    @WithGroup("src/test/resources/groups/redis-single")
    static class WrongName {
        @Test
        void test(@WithGroup.Name("cache") PGroup g) {}
    }
}
