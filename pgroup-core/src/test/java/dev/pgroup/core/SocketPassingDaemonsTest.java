package dev.pgroup.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real daemons get their sockets passed, from the definitions under examples/socket-passing, and
 * answer the first request, sent the moment start returns, with no retry: the socket listened
 * before the daemon started, so the kernel queued the connection until the daemon accepted it.
 */
@ExtendWith(GroupsExtension.class)
class SocketPassingDaemonsTest {
    private static final Duration START = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    private static Path example(String daemon) {
        return Path.of("..", "examples", "socket-passing", daemon)
                .toAbsolutePath()
                .normalize();
    }

    /** Starts the example of {@code daemon} and sends one GET the moment start returns, no retry. */
    private String firstResponse(Groups groups, String daemon, String process) throws IOException {
        Path program = Daemons.require(daemon);
        Group group = groups.withEnvironment(Daemons.environmentWith(program)).create(example(daemon));
        group.start(START);

        return Daemons.httpGet(group.port(process, "http"), "/");
    }

    @Test
    void lighttpdAnswersTheFirstRequestSentTheMomentStartReturns(Groups groups) throws IOException {
        String response = firstResponse(groups, "lighttpd", "web");

        assertThat(response).startsWith("HTTP/1.0 200 OK").contains("hello from lighttpd");
    }

    @Test
    void gunicornAnswersTheFirstRequestSentTheMomentStartReturns(Groups groups) throws IOException {
        String response = firstResponse(groups, "gunicorn", "app");

        assertThat(response).startsWith("HTTP/1.0 200 OK").contains("hello from gunicorn");
    }

    @Test
    void nginxTakesItsSocketFromTheNginxVariable(Groups groups) throws IOException {
        Path nginx = Daemons.require("nginx");
        Group group = groups.withEnvironment(Daemons.environmentWith(nginx)).create(example("nginx"));
        group.start(START);

        String response = Daemons.httpGet(group.port("web", "http"), "/");

        assertThat(response).startsWith("HTTP/1.1 200 OK").contains("hello from nginx");
        // nginx says so when it took the socket from NGINX instead of binding its own.
        Daemons.awaitLogLine(group, "web", "using inherited sockets from \"3;\"", Duration.ofSeconds(10));
    }

    @Test
    void javaServiceServesOnTheChannelItInheritsOnStdin(Groups groups) throws IOException {
        Path def = Files.createDirectories(tmp.resolve("def"));
        Files.writeString(
                def.resolve("group.toml"),
                """
                [[process]]
                name = "svc"
                command = ["{{env.PGROUP_TEST_JAVA}}", "-cp", "{{env.PGROUP_TEST_CLASSES}}", "dev.pgroup.core.InheritedChannelServer"]
                ports = ["http"]
                listen = ["http"]
                listen_protocol = "stdin"
                """);
        Map<String, String> env = new java.util.HashMap<>(System.getenv());
        env.put(
                "PGROUP_TEST_JAVA",
                Path.of(System.getProperty("java.home"), "bin", "java").toString());
        env.put(
                "PGROUP_TEST_CLASSES",
                Path.of("target", "test-classes").toAbsolutePath().toString());
        Group group = groups.withEnvironment(env).create(def);
        group.start(START);

        String response = Daemons.httpGet(group.port("svc", "http"), "/");

        long pid = group.manifest().process("svc").orElseThrow().pid();
        assertThat(response).startsWith("HTTP/1.0 200 OK").contains("hello from java, pid " + pid);
    }
}
