package dev.pgroup.core.internal.container;

import dev.pgroup.core.internal.definition.ContainerSpec;
import dev.pgroup.core.internal.os.Executables;
import dev.pgroup.core.internal.os.ShortCommand;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A container engine's client, Docker or Podman, found the way {@code group.toml} asks: the
 * process's {@code engine}, the group's, {@code PGROUP_CONTAINER_ENGINE}, else the first of docker
 * and podman on PATH. Both take the same {@code run}, {@code image inspect}, {@code ps} and {@code
 * rm} arguments. Create's image check asks the daemon over its API socket first ({@link EngineApi}),
 * the client where there is none.
 *
 * @param name {@code docker} or {@code podman}
 * @param client the client program, absolute
 */
public record ContainerEngine(String name, Path client) {
    /** The environment variable that picks the engine when {@code group.toml} does not. */
    public static final String ENGINE_VARIABLE = "PGROUP_CONTAINER_ENGINE";

    /** A short client call; the daemon answers within milliseconds when it runs. */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    /** A pull downloads an image: minutes on a slow network. */
    static final Duration PULL_TIMEOUT = Duration.ofMinutes(10);

    /** Why no engine could be used, with the key of {@code group.toml} to name in the error. */
    public static final class Unavailable extends Exception {
        private final String key;

        Unavailable(String key, String message) {
            super(message, null, false, false);
            this.key = key;
        }

        /** {@code engine} when the definition named the engine, else {@code image}. */
        public String key() {
            return key;
        }
    }

    /**
     * The engine for {@code spec}, its client found on {@code environment}'s PATH. Whether its
     * daemon answers is found by the first call ({@link #imageId}).
     */
    public static ContainerEngine locate(ContainerSpec spec, Map<String, String> environment) throws Unavailable {
        String path = environment.getOrDefault("PATH", "");
        if (spec.engine() != null) {
            return onPath(spec.engine(), path, "engine", "the definition's " + spec.engineKey());
        }
        String variable = environment.get(ENGINE_VARIABLE);
        if (variable != null && !variable.isBlank()) {
            if (!ContainerSpec.ENGINES.contains(variable)) {
                throw new Unavailable(
                        "image",
                        ENGINE_VARIABLE + "='" + variable + "' is not one of "
                                + String.join(", ", ContainerSpec.ENGINES));
            }
            return onPath(variable, path, "image", ENGINE_VARIABLE);
        }
        for (String name : ContainerSpec.ENGINES) {
            Optional<Path> client = Executables.find(name, path);
            if (client.isPresent()) {
                return new ContainerEngine(name, client.get());
            }
        }
        throw new Unavailable(
                "image",
                "no container engine: neither docker nor podman is on PATH (" + path + "). Install one (pgroup's"
                        + " ./setup-docker.sh installs and starts Docker), or set PATH");
    }

    private static ContainerEngine onPath(String name, String path, String key, String chosenBy) throws Unavailable {
        return Executables.find(name, path)
                .map(client -> new ContainerEngine(name, client))
                .orElseThrow(() -> new Unavailable(
                        key,
                        "the container engine '" + name + "' (chosen by " + chosenBy
                                + ") is not installed: it is not on" + " PATH (" + path + ")"
                                + (name.equals("docker") ? "; ./setup-docker.sh installs it" : "")));
    }

    /**
     * The id of {@code image} on this engine, e.g. {@code sha256:...}. A missing image is pulled only
     * when {@code pull} allows it: a test's start never downloads silently.
     */
    public String imageId(String image, boolean pull, Map<String, String> environment) throws Unavailable {
        // The daemon's socket first: no client to spawn. It says "missing" or gives the id; where it
        // cannot be asked, the client is, and what it says is the error.
        Optional<EngineApi.ImageAnswer> answer;
        try {
            answer = EngineApi.of(client, environment).image(image, CALL_TIMEOUT);
        } catch (EngineHttp.NoAnswer e) {
            throw notAnswering(e.getMessage());
        }
        if (answer.isPresent() && answer.get() instanceof EngineApi.ImageAnswer.Found found) {
            return found.id();
        }
        if (answer.isPresent() && !pull) {
            throw missing(image, ((EngineApi.ImageAnswer.Missing) answer.get()).message());
        }
        ShortCommand inspect = inspect(image, environment);
        if (inspect.ok()) {
            return inspect.out().strip();
        }
        if (!isMissingImage(inspect)) {
            throw notAnswering(inspect);
        }
        if (!pull) {
            throw missing(image, inspect.firstErrorLine());
        }
        ShortCommand pulled = ShortCommand.run(client, environment, PULL_TIMEOUT, "pull", "--quiet", image);
        if (!pulled.ok()) {
            throw new Unavailable(
                    "image", "pull = true, but '" + name + " pull " + image + "' failed: " + pulled.firstErrorLine());
        }
        inspect = inspect(image, environment);
        if (!inspect.ok()) {
            throw new Unavailable(
                    "image",
                    "'" + name + " pull " + image + "' succeeded, but the image cannot be inspected: "
                            + inspect.firstErrorLine());
        }
        return inspect.out().strip();
    }

    private Unavailable missing(String image, String engineSays) {
        return new Unavailable(
                "image",
                "the image '" + image + "' is not on this machine (" + name + " image inspect: " + engineSays
                        + "). pgroup never pulls an image silently: run '" + name + " pull " + image
                        + "' (or build it) before create, or set pull = true");
    }

    private ShortCommand inspect(String image, Map<String, String> environment) {
        // "--" is not needed: the reference was checked not to start with '-'.
        return ShortCommand.run(client, environment, CALL_TIMEOUT, "image", "inspect", "--format", "{{.Id}}", image);
    }

    /** Docker says "No such image", Podman "image not known" or "failed to find image". */
    private static boolean isMissingImage(ShortCommand call) {
        String text = (call.err() + call.out()).toLowerCase(java.util.Locale.ROOT);
        return text.contains("no such image")
                || text.contains("image not known")
                || text.contains("failed to find image");
    }

    private Unavailable notAnswering(ShortCommand call) {
        return notAnswering(call.firstErrorLine());
    }

    private Unavailable notAnswering(String why) {
        String howToStart = name.equals("docker")
                ? "start it, e.g. 'sudo systemctl start docker', or 'sudo dockerd &' (pgroup's ./setup-docker.sh starts"
                        + " one that works in a container)"
                : "check 'podman info' (for a remote Podman, 'podman machine start')";
        return new Unavailable(
                "engine",
                "the container engine " + name + " (" + client + ") is installed, but its daemon does not answer: "
                        + why + ". " + howToStart);
    }

    /** The client and its first arguments, the same for every call. */
    public List<String> command(String... args) {
        List<String> out = new java.util.ArrayList<>();
        out.add(client.toString());
        out.addAll(List.of(args));
        return out;
    }
}
