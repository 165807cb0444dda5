package dev.pgroup.core.internal.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgroup.core.ContainerEngineAvailable;
import dev.pgroup.core.internal.os.ShortCommand;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine's API socket against the real Docker daemon: what it answers is what the client
 * would say, it is asked without spawning the client, and where it cannot be asked the client is.
 */
@ExtendWith(ContainerEngineAvailable.class)
class EngineApiTest {
    private static final Duration SECOND = Duration.ofSeconds(1);

    @TempDir
    Path tmp;

    @Test
    void getOverTheSocketReadsTheDaemonsAnswer() throws IOException {
        Path socket = EngineSocket.find("docker", System.getenv()).orElseThrow();

        EngineHttp.Response ping = EngineHttp.get(socket, "/_ping", SECOND);
        EngineHttp.Response version = EngineHttp.get(socket, "/version", SECOND);

        assertThat(ping.status()).isEqualTo(200);
        assertThat(ping.body()).isEqualTo("OK");
        assertThat(version.status()).isEqualTo(200);
        assertThat(version.body()).startsWith("{").contains("\"ApiVersion\"");
    }

    @Test
    void imageIdOverTheSocketIsTheOneTheClientPrints() throws Exception {
        String byClient = ContainerEngineAvailable.docker(
                        "image", "inspect", "--format", "{{.Id}}", "pgroup-test/redis:7")
                .out()
                .strip();

        Optional<EngineApi.ImageAnswer> answer =
                EngineApi.of(failingClient(), System.getenv()).image("pgroup-test/redis:7", SECOND);

        assertThat(answer).contains(new EngineApi.ImageAnswer.Found(byClient));
        assertThat(tmp.resolve("client-called")).as("no client spawned").doesNotExist();
    }

    @Test
    void missingImageIsMissingOverTheSocket() throws Exception {
        Optional<EngineApi.ImageAnswer> answer =
                EngineApi.of(failingClient(), System.getenv()).image("pgroup-test/not-built:1", SECOND);

        assertThat(answer).get().isInstanceOf(EngineApi.ImageAnswer.Missing.class);
        assertThat(((EngineApi.ImageAnswer.Missing) answer.get()).message())
                .containsIgnoringCase("no such image")
                .contains("pgroup-test/not-built:1");
    }

    @Test
    void runningContainerAndItsAddressOverTheSocketWithoutSpawningTheClient() throws Exception {
        String name = "pgroup-engineapitest-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        EngineApi api = EngineApi.of(failingClient(), System.getenv());
        assertThat(api.container(name, SECOND).running()).isFalse();
        assertThat(api.container(name, SECOND).problem()).containsIgnoringCase("no such container");
        ShortCommand run = ContainerEngineAvailable.docker(
                "run", "-d", "--rm", "--init", "--name", name, "pgroup-test/busybox", "sleep", "60");
        try {
            assertThat(run.ok()).as(run.err()).isTrue();
            String address = ContainerEngineAvailable.docker(
                            "inspect", "--format", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", name)
                    .out()
                    .strip();

            ContainerState state = api.container(name, SECOND);

            assertThat(state.running()).isTrue();
            assertThat(state.addresses()).containsExactly(address);
            assertThat(tmp.resolve("client-called")).as("no client spawned").doesNotExist();
        } finally {
            ContainerEngineAvailable.docker("rm", "-f", name);
        }
    }

    @Test
    void aSocketThatRefusesIsAnsweredByTheClient() throws Exception {
        Path stale = staleSocket();
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("DOCKER_HOST", "unix://" + stale);
        EngineApi api = EngineApi.of(ContainerEngineAvailable.docker(), env);
        assertThat(api.socket()).contains(stale);

        ContainerState state = api.container("pgroup-engineapitest-none", SECOND);
        Optional<EngineApi.ImageAnswer> image = api.image("pgroup-test/redis:7", SECOND);

        assertThat(state.running()).isFalse();
        // The client's own words: it was asked, and found no daemon either.
        assertThat(state.problem()).contains("Cannot connect to the Docker daemon");
        assertThat(image).as("left to the client").isEmpty();
    }

    @Test
    void aDaemonThatTakesTheRequestAndHangsIsNotAskedTwice() throws Exception {
        Path socket = tmp.resolve("hung.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket)); // connects queue; nothing ever answers
            Map<String, String> env = new HashMap<>(System.getenv());
            env.put("DOCKER_HOST", "unix://" + socket);

            ContainerState state =
                    EngineApi.of(ContainerEngineAvailable.docker(), env).container("pgroup-engineapitest-none", SECOND);

            assertThat(state.running()).isFalse();
            // The socket's own timeout, not the client's after it: the wait was not paid twice.
            assertThat(state.problem()).contains("no answer from " + socket);
        }
    }

    @Test
    void aRemoteHostHasNoSocketAndTheClientIsAsked() {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("DOCKER_HOST", "tcp://127.0.0.1:1");

        EngineApi api = EngineApi.of(ContainerEngineAvailable.docker(), env);
        ContainerState state = api.container("pgroup-engineapitest-none", SECOND);

        assertThat(api.socket()).isEmpty();
        assertThat(EngineSocket.find("docker", Map.of("DOCKER_HOST", "ssh://user@host")))
                .isEmpty();
        assertThat(state.running()).isFalse();
        assertThat(state.problem()).contains("tcp://127.0.0.1:1");
    }

    @Test
    void theSocketIsTheOneOfTheClientsCurrentContext() throws Exception {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.remove("DOCKER_HOST");
        env.remove("DOCKER_CONTEXT");
        env.put("DOCKER_CONFIG", tmp.resolve("docker-config").toString());
        assertThat(EngineSocket.find("docker", env)).contains(EngineSocket.DOCKER_DEFAULT);
        // The client writes its contexts and its config: no hand-made files.
        Path client = ContainerEngineAvailable.docker();
        assertThat(ShortCommand.run(
                                client,
                                env,
                                SECOND.multipliedBy(20),
                                "context",
                                "create",
                                "desktop-linux",
                                "--docker",
                                "host=unix:///home/someone/.docker/run/docker.sock")
                        .ok())
                .isTrue();
        assertThat(ShortCommand.run(
                                client,
                                env,
                                SECOND.multipliedBy(20),
                                "context",
                                "create",
                                "remote",
                                "--docker",
                                "host=tcp://192.0.2.1:2375")
                        .ok())
                .isTrue();
        assertThat(ShortCommand.run(client, env, SECOND.multipliedBy(20), "context", "use", "desktop-linux")
                        .ok())
                .isTrue();

        Optional<Path> current = EngineSocket.find("docker", env);
        env.put("DOCKER_CONTEXT", "remote");
        Optional<Path> remote = EngineSocket.find("docker", env);
        env.put("DOCKER_CONTEXT", "default");
        Optional<Path> byDefault = EngineSocket.find("docker", env);

        assertThat(current).contains(Path.of("/home/someone/.docker/run/docker.sock"));
        assertThat(remote).isEmpty();
        assertThat(byDefault).contains(EngineSocket.DOCKER_DEFAULT);
    }

    @Test
    void podmansSocketIsItsServicesOrContainerHost() {
        assertThat(EngineSocket.find("podman", Map.of("CONTAINER_HOST", "unix:///run/user/7/podman/podman.sock")))
                .contains(Path.of("/run/user/7/podman/podman.sock"));
        assertThat(EngineSocket.find("podman", Map.of("CONTAINER_HOST", "ssh://core@localhost:22/run/podman.sock")))
                .isEmpty();
        assertThat(EngineSocket.find("podman", Map.of("CONTAINER_CONNECTION", "machine")))
                .isEmpty();
    }

    @Test
    void aChunkedAnswerIsReassembled() throws Exception {
        String answer = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "7\r\n{\"Id\":\"\r\n" + "c;ext=1\r\nsha256:abcd\"\r\n" + "1\r\n}\r\n" + "0\r\n\r\n";
        Path socket = tmp.resolve("chunked.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            Thread serving = new Thread(() -> answerOnce(server, answer));
            serving.start();

            EngineHttp.Response r = EngineHttp.get(socket, "/images/x/json", SECOND);

            serving.join();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("{\"Id\":\"sha256:abcd\"}");
        }
    }

    @Test
    void aDaemonThatTakesTheRequestAndNeverAnswersIsNoAnswerInTime() throws Exception {
        Path socket = tmp.resolve("silent.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            long begin = System.nanoTime();

            assertThatThrownBy(() -> EngineHttp.get(socket, "/_ping", Duration.ofMillis(200)))
                    .isInstanceOf(EngineHttp.NoAnswer.class)
                    .hasMessageContaining("no answer from " + socket);
            assertThat(Duration.ofNanos(System.nanoTime() - begin)).isLessThan(Duration.ofSeconds(5));
        }
    }

    private static void answerOnce(ServerSocketChannel server, String answer) {
        try (SocketChannel c = server.accept()) {
            c.read(ByteBuffer.allocate(4096)); // the request, in one piece on a unix socket
            c.write(ByteBuffer.wrap(answer.getBytes(StandardCharsets.US_ASCII)));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A socket file that nothing listens on: a connect is refused, as at a daemon that died. */
    private Path staleSocket() throws IOException {
        Path socket = tmp.resolve("stale.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
        }
        assertThat(socket).exists();
        return socket;
    }

    /** A client named docker that leaves a mark and fails: the socket must answer without it. */
    private Path failingClient() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("bin"));
        Path client = dir.resolve("docker");
        Files.writeString(client, "#!/bin/sh\ntouch '" + tmp.resolve("client-called") + "'\nexit 1\n");
        Files.setPosixFilePermissions(client, PosixFilePermissions.fromString("rwxr-xr-x"));
        return client;
    }
}
