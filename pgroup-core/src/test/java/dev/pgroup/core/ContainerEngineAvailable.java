package dev.pgroup.core;

import dev.pgroup.core.internal.os.Executables;
import dev.pgroup.core.internal.os.ShortCommand;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs the container tests only where a container engine can run them: a docker client whose
 * daemon answers and the test images, which {@code ./setup-docker.sh} builds (run-tests.sh runs
 * it, so CI always has them). Elsewhere they are skipped, and one line says why.
 */
public final class ContainerEngineAvailable implements ExecutionCondition {
    static final List<String> IMAGES = List.of("pgroup-test/busybox", "pgroup-test/redis:7");

    private static volatile Optional<String> missing;

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Optional<String> why = missing();
        return why.isEmpty()
                ? ConditionEvaluationResult.enabled("docker answers and the test images are there")
                : ConditionEvaluationResult.disabled(why.get());
    }

    /** Why the container tests cannot run here, or empty when they can. */
    static synchronized Optional<String> missing() {
        if (missing == null) {
            missing = probe();
            missing.ifPresent(why -> System.err.println("[pgroup] container tests skipped: " + why));
        }
        return missing;
    }

    /**
     * The engine's client the tests use for their own checks: {@code docker}, or the engine that
     * {@code PGROUP_CONTAINER_ENGINE} names (a run of the container tests against Podman).
     */
    public static Path docker() {
        return Executables.find(ENGINE, System.getenv().getOrDefault("PATH", ""))
                .orElseThrow();
    }

    static final String ENGINE = System.getenv().getOrDefault("PGROUP_CONTAINER_ENGINE", "docker");

    public static ShortCommand docker(String... args) {
        return ShortCommand.run(docker(), System.getenv(), Duration.ofSeconds(60), args);
    }

    private static Optional<String> probe() {
        Map<String, String> env = System.getenv();
        Optional<Path> docker = Executables.find(ENGINE, env.getOrDefault("PATH", ""));
        String fix = "; ./setup-docker.sh installs Docker, starts dockerd and builds the test images";
        if (docker.isEmpty()) {
            return Optional.of("no docker client on PATH" + fix);
        }
        ShortCommand version = ShortCommand.run(
                docker.get(), env, Duration.ofSeconds(20), "version", "--format", "{{.Server.Version}}");
        if (!version.ok()) {
            return Optional.of("the docker daemon does not answer (" + version.firstErrorLine() + ")" + fix);
        }
        for (String image : IMAGES) {
            if (!ShortCommand.run(docker.get(), env, Duration.ofSeconds(20), "image", "inspect", image)
                    .ok()) {
                return Optional.of("the test image " + image + " is missing" + fix);
            }
        }
        return Optional.empty();
    }
}
