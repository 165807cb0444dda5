package dev.pgroup.core.internal.container;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.pgroup.core.internal.os.TrustedDirectory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * Where an engine's API socket is: the daemon the engine's client talks to, found the way the
 * client finds it, so that pgroup asks the daemon that runs its containers and no other. Empty
 * where the client talks to something else than a local unix socket (a {@code tcp://} or {@code
 * ssh://} host, a remote Podman connection): then pgroup asks through the client.
 *
 * <ul>
 *   <li>Docker: {@code DOCKER_HOST}; else the context {@code DOCKER_CONTEXT} or the config's
 *       {@code currentContext} names (Docker Desktop's {@code desktop-linux}, whose endpoint is
 *       {@code ~/.docker/run/docker.sock} on macOS); else {@code /var/run/docker.sock}.
 *   <li>Podman: {@code CONTAINER_HOST}; none when {@code CONTAINER_CONNECTION} names a connection;
 *       else its service's socket, {@code /run/podman/podman.sock} for root and {@code
 *       $XDG_RUNTIME_DIR/podman/podman.sock} for a user (present only while {@code podman.socket}
 *       is enabled).
 * </ul>
 */
final class EngineSocket {
    static final Path DOCKER_DEFAULT = Path.of("/var/run/docker.sock");

    private EngineSocket() {}

    /** The socket of engine {@code name} ({@code docker} or {@code podman}) in {@code environment}. */
    static Optional<Path> find(String name, Map<String, String> environment) {
        return name.equals("podman") ? podman(environment) : docker(environment);
    }

    private static Optional<Path> docker(Map<String, String> environment) {
        String host = environment.get("DOCKER_HOST");
        if (host != null && !host.isEmpty()) {
            return unix(host);
        }
        Path config = Optional.ofNullable(environment.get("DOCKER_CONFIG"))
                .filter(s -> !s.isEmpty())
                .map(Path::of)
                .orElseGet(() -> home(environment).resolve(".docker"));
        String context = Optional.ofNullable(environment.get("DOCKER_CONTEXT"))
                .filter(s -> !s.isEmpty())
                .orElseGet(() -> json(config.resolve("config.json"))
                        .map(c -> string(c, "currentContext"))
                        .orElse(""));
        if (context.isEmpty() || context.equals("default")) {
            return Optional.of(DOCKER_DEFAULT);
        }
        // The CLI keeps a context under the sha256 of its name.
        Path meta = config.resolve("contexts/meta/" + sha256(context) + "/meta.json");
        return json(meta)
                .map(m -> object(m, "Endpoints"))
                .map(e -> object(e, "docker"))
                .map(d -> string(d, "Host"))
                .flatMap(EngineSocket::unix);
    }

    private static Optional<Path> podman(Map<String, String> environment) {
        String host = environment.get("CONTAINER_HOST");
        if (host != null && !host.isEmpty()) {
            return unix(host);
        }
        String connection = environment.get("CONTAINER_CONNECTION");
        if (connection != null && !connection.isEmpty()) {
            return Optional.empty();
        }
        if (TrustedDirectory.currentUid() == 0) {
            return Optional.of(Path.of("/run/podman/podman.sock"));
        }
        return Optional.ofNullable(environment.get("XDG_RUNTIME_DIR"))
                .filter(s -> !s.isEmpty())
                .map(dir -> Path.of(dir, "podman", "podman.sock"));
    }

    /** The path of a {@code unix://} address; empty for any other kind. */
    static Optional<Path> unix(String address) {
        return address.startsWith("unix://") && address.length() > "unix://".length()
                ? Optional.of(Path.of(address.substring("unix://".length())))
                : Optional.empty();
    }

    private static Path home(Map<String, String> environment) {
        String home = environment.get("HOME");
        return Path.of(home == null || home.isEmpty() ? System.getProperty("user.home") : home);
    }

    private static Optional<JsonObject> json(Path file) {
        try {
            JsonElement e = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8));
            return e.isJsonObject() ? Optional.of(e.getAsJsonObject()) : Optional.empty();
        } catch (IOException | JsonParseException | IllegalStateException e) {
            return Optional.empty(); // no such file, or not the CLI's: the client decides
        }
    }

    private static JsonObject object(JsonObject o, String key) {
        JsonElement e = o.get(key);
        return e != null && e.isJsonObject() ? e.getAsJsonObject() : null;
    }

    private static String string(JsonObject o, String key) {
        JsonElement e = o.get(key);
        return e != null && e.isJsonPrimitive() ? e.getAsString() : "";
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
