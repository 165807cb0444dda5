package dev.pgroup.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgroup.core.internal.os.Executables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Create asks the engine's daemon over its API socket, not through a spawned client: the docker on
 * PATH writes down each call before it runs the real client, and create makes none, yet finds the
 * image with the id the real client prints.
 */
@ExtendWith(ContainerEngineAvailable.class)
class ContainerEngineSocketTest {
    @TempDir
    Path tmp;

    @Test
    void createChecksTheImageOverTheSocketWithoutSpawningTheClient() throws IOException {
        Path definition = Files.createDirectories(tmp.resolve("def"));
        Files.writeString(
                definition.resolve("group.toml"),
                """
                [[process]]
                name = "cache"
                image = "pgroup-test/redis:7"
                ports = ["main"]
                publish = { main = 6379 }
                """);
        String realId = ContainerEngineAvailable.docker(
                        "image", "inspect", "--format", "{{.Id}}", "pgroup-test/redis:7")
                .out()
                .strip();
        Map<String, String> env = new HashMap<>(System.getenv());
        env.remove("DOCKER_HOST"); // the default socket, which the test's own docker calls reach
        env.put("PATH", pathWithRecordingDocker() + ":" + System.getenv("PATH"));

        try (PGroupEngine engine = PGroupEngine.builder()
                .baseDir(tmp.resolve("base"))
                .database(tmp.resolve("db/leases.db"))
                .environment(env)
                .build()) {
            Group group = engine.create(definition);
            try {
                assertThat(group.manifest().process("cache").orElseThrow().imageId())
                        .isEqualTo(realId);
                assertThat(tmp.resolve("client-calls")).as("no client spawned").doesNotExist();
            } finally {
                group.terminate();
            }
        }
    }

    /** A dir whose docker writes down its arguments and runs the real client (terminate's removal needs it). */
    private Path pathWithRecordingDocker() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("bin"));
        Path client = dir.resolve("docker");
        Files.writeString(
                client,
                "#!/bin/sh\necho \"$*\" >>'" + tmp.resolve("client-calls") + "'\nexec '"
                        + ContainerEngineAvailable.docker() + "' \"$@\"\n");
        Files.setPosixFilePermissions(client, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThat(Executables.find("docker", dir.toString())).contains(client);
        return dir;
    }
}
