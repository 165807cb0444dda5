package dev.pgroup.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgroup.core.model.DefinitionException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A bad {@code seed} fails create naming file, line and key, and leaves nothing behind: no cache
 * entry (checked here), no lease and no dir (checked by the fixture).
 */
class SeedDefinitionTest extends BadDefinitionFixture {
    private static final String HEAD =
            """
            [[process]]
            name = "db"
            command = ["sleep", "60"]
            """;

    @AfterEach
    void noSeedCached() {
        assertThat(engine.seeds()).as("seeds cached").isEmpty();
    }

    @Test
    void aSeedWithoutCommandIsRejected() throws IOException {
        DefinitionException e = createFails(HEAD + "seed = { inputs = [] }\n");

        assertThat(e.line()).isEqualTo(4);
        assertThat(e.process()).contains("db");
        assertThat(e.key()).contains("seed.command");
        assertThat(e.getMessage()).contains("missing");
    }

    @Test
    void aMissingInputIsRejected() throws IOException {
        DefinitionException e = createFails(HEAD + "seed = { command = [\"true\"], inputs = [\"schema.sql\"] }\n");

        assertThat(e.line()).isEqualTo(4);
        assertThat(e.key()).contains("seed.inputs");
        assertThat(e.getMessage()).contains("input 'schema.sql' not found");
    }

    @Test
    void inputsOutsideTheDefinitionDirAreRejected() throws IOException {
        Path outside = Files.writeString(tmp.resolve("outside.sql"), "select 1;");
        Files.createSymbolicLink(definition.resolve("link.sql"), outside);

        for (String input : new String[] {"../outside.sql", outside.toString(), "link.sql"}) {
            DefinitionException e =
                    createFails(HEAD + "seed = { command = [\"true\"], inputs = [\"" + input + "\"] }\n");
            assertThat(e.line()).as(input).isEqualTo(4);
            assertThat(e.key()).as(input).contains("seed.inputs");
            assertThat(e.getMessage()).as(input).containsAnyOf("inside the definition directory", "outside the");
        }
    }

    @Test
    void seedDirOutsideASeedIsRejected() throws IOException {
        DefinitionException e = createFails(
                """
                [[process]]
                name = "db"
                command = ["sleep", "{{seed.dir}}"]
                """);

        assertThat(e.line()).isEqualTo(3);
        assertThat(e.key()).contains("command[1]");
        assertThat(e.getMessage()).contains("{{seed.dir}}").contains("only in a seed's command");
    }

    @Test
    void aPlaceholderASeedHasNotIsRejectedBeforeAnythingRuns() throws IOException {
        DefinitionException e = createFails(HEAD + "seed = { command = [\"touch\", \"{{process.dir}}/x\"] }\n");

        assertThat(e.line()).isEqualTo(4);
        assertThat(e.key()).contains("seed.command[1]");
        assertThat(e.getMessage()).contains("{{process.dir}}").contains("once per machine");
    }

    @Test
    void anUnknownSeedKeyIsRejected() throws IOException {
        DefinitionException e = createFails(HEAD + "seed = { command = [\"true\"], input = [] }\n");

        assertThat(e.key()).contains("seed.input");
        assertThat(e.getMessage()).contains("did you mean 'inputs'?");
    }

    @Test
    void aBadTimeoutIsRejected() throws IOException {
        DefinitionException e = createFails(HEAD + "seed = { command = [\"true\"], timeout = \"soon\" }\n");

        assertThat(e.line()).isEqualTo(4);
        assertThat(e.key()).contains("seed.timeout");
    }

    @Test
    void definitionDirIsAvailableToEveryCommand() throws IOException {
        Files.writeString(
                definition.resolve("group.toml"),
                """
                [[process]]
                name = "web"
                command = ["sh", "-c", "echo {{definition.dir}}; exec sleep 60"]
                """);
        try (Group g = engine.create(definition)) {
            assertThat(Files.readString(g.directory().resolve("web/run"))).contains(definition.toRealPath() + ";");
        }
    }
}
