package dev.pgroup.junit5;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgroup.PGroup;
import dev.pgroup.core.Group;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What a user writes: the annotation, the parameter, a group.toml dir. */
@WithGroup("src/test/resources/groups/redis-single")
class WithGroupTest {
    private PGroup seenBeforeEach;

    @BeforeEach
    void before(@WithGroup.Name("redis-single") PGroup group) { // named: one test below has two groups
        seenBeforeEach = group;
    }

    @Test
    void aBeforeEachMethodGetsTheTestsOwnStartedGroup(PGroup group) {
        assertThat(seenBeforeEach.id()).isEqualTo(group.id());
        assertThat(Fixtures.ping(seenBeforeEach.port("redis", "main"))).isEqualTo("+PONG");
    }

    @Test
    void injectsAStartedGroupAsPGroup(PGroup group) {
        int port = group.port("redis", "main");

        assertThat(Fixtures.ping(port)).isEqualTo("+PONG");
        assertThat(group.directory()).startsWith(Fixtures.BASE_DIR);
    }

    @Test
    void injectsTheEnginesGroupToStopAndRestartProcesses(Group group) {
        int port = group.port("redis", "main");

        group.stop();
        assertThat(Fixtures.ping(port)).startsWith("no answer");
        group.start(Duration.ofSeconds(30));

        assertThat(Fixtures.ping(port)).isEqualTo("+PONG");
    }

    @Test
    void bothParametersSeeTheSameGroup(PGroup runtime, Group engine) {
        assertThat(runtime.id()).isEqualTo(engine.id());
        assertThat(engine.isRunning()).isTrue();
    }

    @Test
    @WithGroup(value = "src/test/resources/groups/redis-single", name = "second")
    void tellsTwoGroupsApartByName(
            @WithGroup.Name("redis-single") PGroup first, @WithGroup.Name("second") PGroup second) {
        assertThat(first.id()).isNotEqualTo(second.id());
        assertThat(Fixtures.ping(first.port("redis", "main"))).isEqualTo("+PONG");
        assertThat(Fixtures.ping(second.port("redis", "main"))).isEqualTo("+PONG");
    }

    @AfterAll
    static void nothingLeft() {
        // Method groups are closed with their test's context, before the class's @AfterAll.
        Fixtures.assertNothingLeft();
    }
}
