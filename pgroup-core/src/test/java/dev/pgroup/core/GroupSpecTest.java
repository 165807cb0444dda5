package dev.pgroup.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgroup.core.internal.definition.DefinitionParser;
import dev.pgroup.core.internal.definition.GroupDefinition;
import dev.pgroup.core.model.DefinitionException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A group defined in Java: the same group, the same checks and errors as a group.toml dir. */
@ExtendWith(GroupsExtension.class)
class GroupSpecTest {
    private static final GroupSpec CACHE = GroupSpec.named("cache")
            .env("LANG", "C")
            .process("redis", p -> p.command(
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
                    .readyTcp("main")
                    .stopTimeout(Duration.ofSeconds(5)))
            .process("seed", p -> p.command("sh", "-c", "echo \"seeded\\tdone\" # a 'quote' and a \\ backslash")
                    .after("redis")
                    .env("WHO", "tab\there \"quoted\"")
                    .readyExit(0));

    private static final String CACHE_TOML =
            """
            name = "cache"
            env = { LANG = "C" }
            [[process]]
            name = "redis"
            command = ["redis-server", "--port", "{{port.main}}", "--bind", "127.0.0.1", "--save", "", "--dir", "{{process.dir}}"]
            ports = ["main"]
            ready = { tcp = "main" }
            stop_timeout = "5s"
            [[process]]
            name = "seed"
            command = ["sh", "-c", "echo \\"seeded\\\\tdone\\" # a 'quote' and a \\\\ backslash"]
            after = ["redis"]
            env = { WHO = "tab\\there \\"quoted\\"" }
            ready = { exit = 0 }
            """;

    @Test
    void aSpecGroupStartsAndRedisAnswersPing(Groups groups) throws Exception {
        try (Group group = groups.engine().create(CACHE)) {
            group.start(Groups.START_TIMEOUT);

            assertThat(group.name()).isEqualTo("cache");
            assertThat(RedisPairTest.redis(group.port("redis", "main"), "PING")).isEqualTo("+PONG");
        }
    }

    @Test
    void theSameGroupAsSpecAndAsTomlDirGivesEqualDefinitions(@TempDir Path tmp) throws IOException {
        Path specDir = Files.createDirectories(tmp.resolve("spec"));
        Files.writeString(specDir.resolve("group.toml"), CACHE.toToml());
        Path tomlDir = TestEngines.definition(tmp, CACHE_TOML);

        GroupDefinition fromSpec = DefinitionParser.parse(specDir, null);
        GroupDefinition fromToml = DefinitionParser.parse(tomlDir, null);

        assertThat(fromSpec.name()).isEqualTo(fromToml.name());
        assertThat(fromSpec.env()).isEqualTo(fromToml.env());
        assertThat(fromSpec.processes())
                .usingRecursiveFieldByFieldElementComparatorIgnoringFields("lines")
                .isEqualTo(fromToml.processes());
        assertThat(fromSpec.process("seed").orElseThrow().command().get(2))
                .isEqualTo("echo \"seeded\\tdone\" # a 'quote' and a \\ backslash");
        assertThat(fromSpec.process("seed").orElseThrow().env()).containsEntry("WHO", "tab\there \"quoted\"");
    }

    @Test
    void controlCharactersAndUnicodeSurviveTheRenderedToml(@TempDir Path tmp) throws IOException {
        String odd = "a\u0001b\u007fc\r\n\f\b é ✓ \"\"\" ''' \\u0041";
        GroupSpec spec = GroupSpec.named("odd")
                .process("x", p -> p.command("sh", "-c", odd).env("ODD", odd));
        Files.writeString(tmp.resolve("group.toml"), spec.toToml());

        GroupDefinition parsed = DefinitionParser.parse(tmp, null);

        assertThat(parsed.process("x").orElseThrow().command()).containsExactly("sh", "-c", odd);
        assertThat(parsed.process("x").orElseThrow().env()).containsEntry("ODD", odd);
    }

    @Test
    void anInvalidGroupProcessOrPortNameFailsInTheBuilderWithTheParsersRule() {
        assertThatThrownBy(() -> GroupSpec.named("Cache"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("GroupSpec: group name 'Cache' must match [a-z][a-z0-9_-]* (at most 40 characters)");
        assertThatThrownBy(() -> GroupSpec.named("cache").process("redis 1", p -> p.command("redis-server")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("GroupSpec \"cache\": process name 'redis 1' must match [a-z][a-z0-9_-]* (at most 40"
                        + " characters)");
        assertThatThrownBy(() -> GroupSpec.named("cache").process("redis", p -> p.ports("main", "Main")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("GroupSpec \"cache\": process \"redis\": port name 'Main' must match [a-z][a-z0-9_-]* (at"
                        + " most 40 characters)");
    }

    @Test
    void aSpecIsImmutable() {
        GroupSpec one = GroupSpec.named("cache");
        GroupSpec two = one.process("a", p -> p.command("true"));

        assertThat(one.processNames()).isEmpty();
        assertThat(two.processNames()).containsExactly("a");
        assertThat(one.toToml()).doesNotContain("[[process]]");
    }

    @Test
    void aBadValueFailsAtCreateNamingTheSpecProcessAndKeyAndLeavesNothing(Groups groups) throws IOException {
        GroupSpec bad = GroupSpec.named("cache")
                .process("redis", p -> p.command("redis-server", "--port", "{{port.main}}")
                        .ports("main")
                        .readyTcp("mian"));
        PGroupEngine engine = groups.engine();
        List<Path> specDirsBefore = specTempDirs();

        assertThatThrownBy(() -> engine.create(bad)).isInstanceOfSatisfying(DefinitionException.class, e -> {
            assertThat(e.file()).isEqualTo(Path.of("GroupSpec \"cache\""));
            assertThat(e.process()).contains("redis");
            assertThat(e.key()).contains("ready.tcp");
            assertThat(e.getMessage()).startsWith("GroupSpec \"cache\": process \"redis\": ready.tcp: ");
            assertThat(e.getMessage()).contains("mian");
        });

        // Nothing left: no group dir, no registered group (so no lease), no generated definition.
        assertThat(engine.groupIds()).isEmpty();
        assertThat(engine.registry().all()).noneMatch(entry -> entry.directory().startsWith(engine.baseDir()));
        assertThat(specTempDirs()).isSubsetOf(specDirsBefore);
    }

    @Test
    void aProgramNotOnPathFailsAtCreateNamingTheSpec(Groups groups) {
        GroupSpec bad = GroupSpec.named("cache").process("x", p -> p.command("no-such-program-pgroup"));

        assertThatThrownBy(() -> groups.engine().create(bad))
                .isInstanceOf(DefinitionException.class)
                .hasMessageStartingWith(
                        "GroupSpec \"cache\": process \"x\": command[0]: program 'no-such-program-pgroup' not found");
        assertThat(groups.engine().groupIds()).isEmpty();
    }

    private static List<Path> specTempDirs() throws IOException {
        try (Stream<Path> all = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return all.filter(p -> p.getFileName().toString().startsWith("pgroup-spec-"))
                    .toList();
        }
    }
}
