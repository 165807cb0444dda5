package dev.pgroup.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.pgroup.core.internal.os.Executables;
import dev.pgroup.core.model.DefinitionException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Bad container definitions fail create naming the file, line, key and process, and leave nothing
 * behind (the fixture checks: no group dir, no lease). None of these needs a running engine.
 */
class ContainerDefinitionErrorsTest extends BadDefinitionFixture {
    private static final String CACHE =
            """
            [[process]]
            name = "cache"
            image = "pgroup-test/redis:7"
            ports = ["main"]
            """;

    @Test
    void listenIsOnlyForALocalBinary() throws IOException {
        DefinitionException e = createFails(CACHE + "publish = { main = 6379 }\nlisten = [\"main\"]\n");

        assertThat(e.line()).isEqualTo(6);
        assertThat(e.key()).contains("listen");
        assertThat(e.process()).contains("cache");
        assertThat(e.getMessage()).contains("publish = {");
    }

    @Test
    void userIsOnlyForALocalBinary() throws IOException {
        DefinitionException e = createFails(CACHE + "publish = { main = 6379 }\nuser = \"nobody\"\n");

        assertThat(e.line()).isEqualTo(6);
        assertThat(e.key()).contains("user");
        assertThat(e.process()).contains("cache");
        assertThat(e.getMessage()).contains("the user its image names");
    }

    @Test
    void workdirOutsideTheProcessDirIsRejected() throws IOException {
        DefinitionException e = createFails(CACHE + "publish = { main = 6379 }\nworkdir = \"/var/lib\"\n");

        assertThat(e.line()).isEqualTo(6);
        assertThat(e.key()).contains("workdir");
        assertThat(e.getMessage()).contains("/var/lib").contains("outside the process dir");
    }

    @Test
    void publishOfAnUnknownPortNamesIt() throws IOException {
        DefinitionException e = createFails(CACHE + "publish = { main = 6379, admin = 8080 }\n");

        assertThat(e.line()).isEqualTo(5);
        assertThat(e.key()).contains("publish.admin");
        assertThat(e.getMessage()).contains("'admin' is not one of this process's ports [main]");
    }

    @Test
    void containerPortOutOfRangeIsRejected() throws IOException {
        DefinitionException e = createFails(CACHE + "publish = { main = 70000 }\n");

        assertThat(e.line()).isEqualTo(5);
        assertThat(e.key()).contains("publish.main");
        assertThat(e.getMessage()).contains("70000 is not a port number (1 to 65535)");
    }

    @Test
    void aLeasedPortThatIsNotPublishedIsRejected() throws IOException {
        DefinitionException e = createFails(CACHE);

        assertThat(e.key()).contains("publish");
        assertThat(e.getMessage()).contains("'main' is leased but not published");
    }

    @Test
    void imageWithShellMetacharactersIsRejectedNotRun() throws IOException {
        Path marker = tmp.resolve("pwned");
        DefinitionException e = createFails(
                """
                [[process]]
                name = "cache"
                image = "redis:7; touch %s"
                """
                        .formatted(marker));

        assertThat(e.line()).isEqualTo(3);
        assertThat(e.key()).contains("image");
        assertThat(e.getMessage()).contains("character ';'").contains("never through a shell");
        assertThat(marker).doesNotExist();
    }

    @Test
    void imageThatTheEngineWouldReadAsAnOptionIsRejected() throws IOException {
        DefinitionException e = createFails(
                """
                [[process]]
                name = "cache"
                image = "--privileged/redis:7"
                """);

        assertThat(e.line()).isEqualTo(3);
        assertThat(e.key()).contains("image");
        assertThat(e.getMessage()).contains("is not an image reference");
    }

    @Test
    void containerKeysWithoutAnImageAreRejected() throws IOException {
        DefinitionException e = createFails(
                """
                [[process]]
                name = "web"
                command = ["sleep", "60"]
                ports = ["http"]
                publish = { http = 80 }
                """);

        assertThat(e.line()).isEqualTo(5);
        assertThat(e.key()).contains("publish");
        assertThat(e.getMessage()).contains("only a container takes it");
    }

    @Test
    void unknownEngineNameSuggestsAKnownOne() throws IOException {
        DefinitionException e = createFails(CACHE + "publish = { main = 6379 }\nengine = \"dokker\"\n");

        assertThat(e.line()).isEqualTo(6);
        assertThat(e.key()).contains("engine");
        assertThat(e.getMessage()).contains("did you mean 'docker'?");
    }

    @Test
    void engineThatIsNotInstalledSaysWhich() throws IOException {
        DefinitionException e = createFails(
                Map.of("PATH", pathWithoutEngines().toString()),
                "engine = \"podman\"\n" + CACHE + "publish = { main = 6379 }\n");

        assertThat(e.key()).contains("engine");
        assertThat(e.process()).contains("cache");
        assertThat(e.getMessage())
                .contains("'podman'")
                .contains("not installed")
                .contains("engine (group)");
    }

    @Test
    void noEngineAtAllSaysHowToGetOne() throws IOException {
        DefinitionException e =
                createFails(Map.of("PATH", pathWithoutEngines().toString()), CACHE + "publish = { main = 6379 }\n");

        assertThat(e.key()).contains("image");
        assertThat(e.getMessage())
                .contains("neither docker nor podman is on PATH")
                .contains("setup-docker.sh");
    }

    @Test
    void engineWhoseDaemonDoesNotRunSaysHowToStartIt() throws IOException {
        String path = System.getenv().getOrDefault("PATH", "");
        assumeThat(Executables.find("docker", path)).as("a docker client").isPresent();
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("DOCKER_HOST", "unix://" + tmp.resolve("no-daemon.sock"));
        DefinitionException e = createFails(env, CACHE + "publish = { main = 6379 }\n");

        assertThat(e.key()).contains("engine");
        assertThat(e.getMessage())
                .contains("docker")
                .contains("daemon does not answer")
                .contains("dockerd");
    }

    @Test
    void engineWhoseSocketRefusesSaysItsDaemonDoesNotAnswer() throws IOException {
        String path = System.getenv().getOrDefault("PATH", "");
        assumeThat(Executables.find("docker", path)).as("a docker client").isPresent();
        // A socket file nothing listens on, as a daemon that died leaves it: the socket refuses, and
        // the client, asked instead, says what is wrong.
        Path stale = tmp.resolve("stale.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(stale));
        }
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("DOCKER_HOST", "unix://" + stale);
        DefinitionException e = createFails(env, CACHE + "publish = { main = 6379 }\n");

        assertThat(e.key()).contains("engine");
        assertThat(e.getMessage())
                .contains("docker")
                .contains("daemon does not answer")
                .contains(stale.toString())
                .contains("dockerd");
    }

    /** A PATH with runit's programs, which create looks for, and neither docker nor podman. */
    private Path pathWithoutEngines() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("path-without-engines"));
        String path = System.getenv().getOrDefault("PATH", "");
        for (String tool : new String[] {"runsvdir", "runsv", "sv", "svlogd", "chpst", "perl"}) {
            Path link = dir.resolve(tool);
            if (Files.notExists(link)) {
                Executables.find(tool, path).ifPresent(target -> {
                    try {
                        Files.createSymbolicLink(link, target);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
            }
        }
        return dir;
    }

    /** create with an engine of {@code environment}, on the fixture's base dir and database. */
    private DefinitionException createFails(Map<String, String> environment, String toml) throws IOException {
        Files.writeString(definition.resolve("group.toml"), toml);
        try (PGroupEngine other = PGroupEngine.builder()
                .baseDir(base)
                .database(tmp.resolve("db/leases.db"))
                .environment(environment)
                .build()) {
            return catchThrowableOfType(DefinitionException.class, () -> other.create(definition));
        }
    }
}
