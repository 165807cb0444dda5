package dev.pgroup.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgroup.core.model.DefinitionException;
import java.io.IOException;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/**
 * Bad {@code listen} and {@code listen_protocol} keys get an error naming the file, line, process
 * and key, and leave no lease behind (a database of its own, as in DefinitionErrorsTest).
 */
class SocketPassingDefinitionTest extends BadDefinitionFixture {
    private static final String WEB =
            """
            [[process]]
            name = "web"
            command = ["sleep", "60"]
            ports = ["http", "admin"]
            """;

    @Test
    void listenNamingAPortTheProcessDoesNotHaveSuggestsTheNearest() throws IOException {
        DefinitionException e = createFails(WEB + "listen = [\"htp\"]\n");

        assertThat(e.file()).isEqualTo(definition.resolve("group.toml"));
        assertThat(e.line()).isEqualTo(5);
        assertThat(e.process()).contains("web");
        assertThat(e.key()).contains("listen");
        assertThat(e.getMessage())
                .contains("'htp' is not one of this process's ports [http, admin]")
                .contains("did you mean 'http'?");
    }

    @Test
    void unknownListenProtocolSuggestsTheNearest() throws IOException {
        DefinitionException e = createFails(WEB + "listen = [\"http\"]\nlisten_protocol = \"sytemd\"\n");

        assertThat(e.line()).isEqualTo(6);
        assertThat(e.key()).contains("listen_protocol");
        assertThat(e.getMessage())
                .contains("'sytemd' is not one of systemd, nginx, stdin")
                .contains("did you mean 'systemd'?");
    }

    @Test
    void stdinProtocolPassesExactlyOneSocket() throws IOException {
        DefinitionException e = createFails(WEB + "listen = [\"http\", \"admin\"]\nlisten_protocol = \"stdin\"\n");

        assertThat(e.key()).contains("listen");
        assertThat(e.getMessage()).contains("the stdin protocol passes exactly one socket, on fd 0");
    }

    @Test
    void listenProtocolWithoutListenIsAnError() throws IOException {
        DefinitionException e = createFails(WEB + "listen_protocol = \"nginx\"\n");

        assertThat(e.key()).contains("listen_protocol");
        assertThat(e.getMessage()).contains("has nothing to pass");
    }

    @Test
    void misspeltListenKeySuggestsListen() throws IOException {
        DefinitionException e = createFails(WEB + "lisen = [\"http\"]\n");

        assertThat(e.key()).contains("lisen");
        assertThat(e.getMessage()).contains("did you mean 'listen'?");
    }

    @Test
    void processWithEveryPortPassedIsReadyBySocketAndOneWithSomePassedIsNot() throws IOException {
        Files.writeString(
                definition.resolve("group.toml"),
                WEB.replace("\"web\"", "\"all\"") + "listen = [\"http\", \"admin\"]\n"
                        + WEB.replace("\"web\"", "\"some\"") + "listen = [\"admin\"]\n");
        try (Group group = engine.create(definition)) {
            String settings = Files.readString(group.directory().resolve(".pgroup/runtime.properties"));
            assertThat(settings).contains("process.all.ready=SOCKET_PASSED");
            assertThat(settings).contains("process.some.ready=NONE");
            assertThat(group.directory().resolve("all/check"))
                    .as("sv check works for a person too")
                    .exists();
        }
    }
}
