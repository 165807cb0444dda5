package dev.pgroup.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.pgroup.core.internal.start.ReadinessCheck;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * "Ready" means one thing whether pgroup's start asks (Java) or a person runs {@code sv check} (the
 * generated check script): both are asked about the same real HTTP server on the process's port.
 */
@ExtendWith(GroupsExtension.class)
class ReadyCheckAgreementTest {
    private static final String TOML =
            """
            [[process]]
            name = "web"
            command = ["sleep", "60"]
            ports = ["http"]
            ready = { http = "http:/health" }
            """;

    @Test
    void svCheckAndStartAgreeOnARedirectAndOnAServerError(Groups groups) throws Exception {
        Group group = groups.create(TOML);
        int port = group.port("web", "http");
        AtomicInteger status = new AtomicInteger(302);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        server.createContext("/", exchange -> {
            // /health redirects to /broken, which fails: a check that follows redirects says "not
            // ready" where one that takes the 3xx as the answer says "ready".
            int code = exchange.getRequestURI().getPath().equals("/health") ? status.get() : 500;
            if (code == 302) {
                exchange.getResponseHeaders().add("Location", "/broken");
            }
            byte[] body = ("HTTP " + code + "\n").getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(code, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            group.start(Groups.START_TIMEOUT); // start's Java check takes the 302 as ready
            ReadinessCheck java = ReadinessCheck.http(URI.create("http://127.0.0.1:" + port + "/health"));

            boolean javaOn302 = java.isReady(Duration.ofSeconds(2));
            boolean svOn302 = svCheck(group);
            status.set(500);
            boolean javaOn500 = java.isReady(Duration.ofSeconds(2));
            boolean svOn500 = svCheck(group);

            assertThat(svOn302)
                    .as("sv check on a 302 agrees with start")
                    .isEqualTo(javaOn302)
                    .isTrue();
            assertThat(svOn500)
                    .as("sv check on a 500 agrees with start")
                    .isEqualTo(javaOn500)
                    .isFalse();
        } finally {
            server.stop(0);
        }
    }

    /** Whether {@code sv check} of the process exits 0, waiting at most 1 s for its check script. */
    private static boolean svCheck(Group group) throws IOException, InterruptedException {
        Process sv = new ProcessBuilder(
                        "sv",
                        "-w",
                        "1",
                        "check",
                        group.directory().resolve("web").toString())
                .redirectErrorStream(true)
                .start();
        byte[] output = sv.getInputStream().readAllBytes();
        assertThat(sv.waitFor(20, TimeUnit.SECONDS)).as("sv check ended").isTrue();
        System.out.println("sv check: " + new String(output, StandardCharsets.UTF_8).strip());
        return sv.exitValue() == 0;
    }
}
