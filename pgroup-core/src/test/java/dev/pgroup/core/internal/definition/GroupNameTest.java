package dev.pgroup.core.internal.definition;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A group.toml without {@code name}: the group is named after its definition directory. */
class GroupNameTest {
    @TempDir
    Path tmp;

    private static final String NAMELESS = "[[process]]\nname = \"web\"\ncommand = [\"sleep\", \"60\"]\n";

    @Test
    void theDirectoryNameIsTheDefault() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("cache"));
        Files.writeString(dir.resolve("group.toml"), NAMELESS);

        assertThat(DefinitionParser.parse(dir, null).name()).isEqualTo("cache");
    }

    @Test
    void aDirectoryNameOutsideTheRuleIsMadeToFit() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("My.Service"));
        Files.writeString(dir.resolve("group.toml"), NAMELESS);

        assertThat(DefinitionParser.parse(dir, null).name()).isEqualTo("my-service");
    }

    @Test
    void aDirectoryNameWithNothingThatFitsGivesGroup() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("2024"));
        Files.writeString(dir.resolve("group.toml"), NAMELESS);

        assertThat(DefinitionParser.parse(dir, null).name()).isEqualTo("group");
    }

    @Test
    void theNameInGroupTomlWins() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("cache"));
        Files.writeString(dir.resolve("group.toml"), "name = \"store\"\n" + NAMELESS);

        assertThat(DefinitionParser.parse(dir, null).name()).isEqualTo("store");
    }
}
