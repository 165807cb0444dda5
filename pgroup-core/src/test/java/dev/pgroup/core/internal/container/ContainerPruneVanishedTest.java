package dev.pgroup.core.internal.container;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgroup.core.internal.os.Executables;
import dev.pgroup.core.internal.os.ShortCommand;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A container removed between prune's listing and its inspect (its group's own stop, in another
 * engine) is gone, not a problem to report; a daemon that does not answer still is. The engine's
 * own words come from the real client. Seen as "could not inspect docker's pgroup containers: No
 * such object" in a prune beside another suite's container tests.
 */
class ContainerPruneVanishedTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    void containersThatVanishedBeforeTheInspectAreNoProblem() {
        Path docker = docker();
        ShortCommand inspect = ShortCommand.run(
                docker,
                System.getenv(),
                TIMEOUT,
                "inspect",
                "--format",
                "{{.Name}}",
                "pgroup-gone-0000000a",
                "pgroup-gone-0000000b");
        Assumptions.assumeFalse(inspect.err().contains("Cannot connect"), "no docker daemon answers here");

        assertThat(inspect.ok()).isFalse();
        assertThat(inspect.out()).isBlank();
        assertThat(ContainerPrune.allVanished(inspect.err())).as(inspect.err()).isTrue();
    }

    @Test
    void aDaemonThatDoesNotAnswerIsStillReported() {
        Path docker = docker();
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("DOCKER_HOST", "unix:///nonexistent/pgroup-test-docker.sock");
        ShortCommand inspect = ShortCommand.run(docker, env, TIMEOUT, "inspect", "--format", "{{.Name}}", "x");

        assertThat(inspect.ok()).isFalse();
        assertThat(ContainerPrune.allVanished(inspect.err())).as(inspect.err()).isFalse();
    }

    private static Path docker() {
        return Executables.find("docker", System.getenv().getOrDefault("PATH", ""))
                .orElseGet(() -> {
                    Assumptions.abort("no docker client here");
                    return null;
                });
    }
}
