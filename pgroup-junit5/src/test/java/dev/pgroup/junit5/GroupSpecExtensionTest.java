package dev.pgroup.junit5;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgroup.PGroup;
import dev.pgroup.core.GroupSpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** A group defined in Java, named by @WithGroup(spec = ...): a static field or a static method. */
@WithGroup(spec = "cache")
class GroupSpecExtensionTest {
    static final GroupSpec cache = redis("cache");

    static GroupSpec other() {
        return redis("other");
    }

    static GroupSpec redis(String name) {
        return GroupSpec.named(name).process("redis", p -> p.command(
                        "redis-server",
                        "--port",
                        "{{port.main}}",
                        "--bind",
                        "127.0.0.1",
                        "--save",
                        "",
                        "--dir",
                        "{{process.dir}}")
                .ports("main")
                .readyTcp("main"));
    }

    @Test
    void aSpecInAStaticFieldGivesAStartedGroup(PGroup group) {
        assertThat(group.id()).startsWith("cache-");
        assertThat(Fixtures.ping(group.port("redis", "main"))).isEqualTo("+PONG");
        assertThat(group.directory()).startsWith(Fixtures.BASE_DIR);
    }

    @Test
    @WithGroup(spec = "other")
    void aSpecFromAStaticMethodIsNamedByTheMethod(
            @WithGroup.Name("cache") PGroup first, @WithGroup.Name("other") PGroup second) {
        assertThat(second.id()).startsWith("other-");
        assertThat(first.id()).isNotEqualTo(second.id());
        assertThat(Fixtures.ping(second.port("redis", "main"))).isEqualTo("+PONG");
    }

    @AfterAll
    static void nothingLeft() {
        Fixtures.assertNothingLeft();
    }
}
