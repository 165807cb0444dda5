package dev.pgroup.core.internal.runit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pgroup.core.internal.definition.DefinitionParser;
import dev.pgroup.core.internal.definition.GroupDefinition;
import dev.pgroup.core.model.DefinitionException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whether pgroup may run a process as its {@code user}, seen from root and from another uid: the
 * same real account ({@code useradd}), with the uid pgroup runs as given, since one JVM cannot be
 * both.
 */
class ProcessUsersTest {
    private static final String USER = "pgroup-other";

    @TempDir
    Path tmp;

    private GroupDefinition definition;
    private int userUid;

    @BeforeEach
    void definition() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to create a second user");
        if (new ProcessBuilder("id", USER).start().waitFor() != 0) {
            new ProcessBuilder("useradd", "-M", USER).inheritIO().start().waitFor();
        }
        Process id = new ProcessBuilder("id", "-u", USER).start();
        userUid = Integer.parseInt(new String(id.getInputStream().readAllBytes()).strip());
        Files.writeString(
                tmp.resolve("group.toml"),
                """
                [[process]]
                name = "db"
                command = ["sleep", "60"]
                user = "pgroup-other"
                """);
        definition = DefinitionParser.parse(tmp, null);
    }

    @Test
    void anotherUserIsAnErrorWhenPgroupIsNotRoot() {
        assertThatThrownBy(() -> ProcessUsers.check(definition, System.getenv(), userUid + 1))
                .isInstanceOfSatisfying(DefinitionException.class, e -> {
                    assertThat(e.line()).isEqualTo(4);
                    assertThat(e.key()).hasValue("user");
                    assertThat(e.process()).hasValue("db");
                    assertThat(e.getMessage())
                            .contains("'pgroup-other' is another user")
                            .contains("only root can run a process as another user");
                });
    }

    @Test
    void pgroupsOwnUserNeedsNoSwitch() {
        ProcessUsers users = ProcessUsers.check(definition, System.getenv(), userUid);

        assertThat(users.commandPrefix("db")).isEmpty();
    }

    @Test
    void rootRunsTheProcessThroughChpst() {
        List<String> prefix = ProcessUsers.check(definition, System.getenv(), 0).commandPrefix("db");

        assertThat(prefix).hasSize(3);
        assertThat(Path.of(prefix.get(0)).getFileName()).hasToString("chpst");
        assertThat(prefix.subList(1, 3)).containsExactly("-u", USER);
    }
}
