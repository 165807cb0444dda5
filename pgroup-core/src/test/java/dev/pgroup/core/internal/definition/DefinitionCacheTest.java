package dev.pgroup.core.internal.definition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.pgroup.core.model.DefinitionException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One definition dir is parsed once per JVM, and again whenever anything it reads changed. */
class DefinitionCacheTest {
    private static final String TOML =
            """
            [[process]]
            name = "web"
            command = ["sleep", "60"]
            templates = ["web.conf"]
            """;

    @TempDir
    Path dir;

    @BeforeEach
    void definition() throws Exception {
        DefinitionCache.clear();
        Files.writeString(dir.resolve("group.toml"), TOML);
        Files.writeString(dir.resolve("web.conf"), "port {{port.main}}\n");
    }

    @Test
    void theSameDirIsParsedOnce() {
        GroupDefinition first = DefinitionParser.parse(dir, null);

        GroupDefinition second = DefinitionParser.parse(dir, null);

        assertThat(second).isSameAs(first);
    }

    @Test
    void anEditOfGroupTomlIsParsedAgain() throws Exception {
        DefinitionParser.parse(dir, null);
        Files.writeString(dir.resolve("group.toml"), TOML.replace("\"60\"", "\"61\""));

        GroupDefinition edited = DefinitionParser.parse(dir, null);

        assertThat(edited.processes().get(0).command()).containsExactly("sleep", "61");
    }

    @Test
    void aTemplateRemovedAfterTheFirstParseFailsAsTheParserSaysIt() throws Exception {
        DefinitionParser.parse(dir, null);
        Files.delete(dir.resolve("web.conf"));

        DefinitionException e =
                catchThrowableOfType(DefinitionException.class, () -> DefinitionParser.parse(dir, null));

        assertThat(e.key()).contains("templates");
        assertThat(e.getMessage()).contains("template 'web.conf' not found");
    }

    @Test
    void aTemplateReplacedByALinkOutsideTheDirIsCheckedAgain(@TempDir Path outside) throws Exception {
        DefinitionParser.parse(dir, null);
        Path elsewhere = Files.writeString(outside.resolve("web.conf"), "port {{port.main}}\n");
        Files.delete(dir.resolve("web.conf"));
        Files.createSymbolicLink(dir.resolve("web.conf"), elsewhere);

        DefinitionException e =
                catchThrowableOfType(DefinitionException.class, () -> DefinitionParser.parse(dir, null));

        assertThat(e.getMessage()).contains("outside the definition directory");
    }

    @Test
    void aDefinitionThatFailedIsParsedAgainOnceFixed() throws Exception {
        Files.writeString(dir.resolve("group.toml"), TOML.replace("name = \"web\"", "name = \"Web Server\""));
        catchThrowableOfType(DefinitionException.class, () -> DefinitionParser.parse(dir, null));
        Files.writeString(dir.resolve("group.toml"), TOML);

        GroupDefinition fixed = DefinitionParser.parse(dir, null);

        assertThat(fixed.processes().get(0).name()).isEqualTo("web");
    }

    @Test
    void aNameOverrideIsNotTakenFromAnotherCreatesEntry() {
        GroupDefinition plain = DefinitionParser.parse(dir, null);

        GroupDefinition named = DefinitionParser.parse(dir, "other");

        assertThat(plain.name()).isNotEqualTo("other");
        assertThat(named.name()).isEqualTo("other");
    }
}
