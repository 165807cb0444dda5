package dev.pgroup.core.internal.container;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.pgroup.core.internal.os.ShortCommand;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The questions pgroup asks an engine's daemon while a group is created and started: is this image
 * here, does this container run. Asked over the engine's API socket ({@link EngineSocket}), about
 * a millisecond, where a client call spawns a program of about 10 ms; asked through the client, as
 * before, where there is no socket to ask (a remote host, no permission, a daemon that refuses), so
 * what the client says stays the error a user sees. Docker's and Podman's docker-compatible API
 * answer alike.
 */
public final class EngineApi {
    private final String engine;
    private final Path client;
    private final Map<String, String> environment;
    private final Optional<Path> socket;

    private EngineApi(String engine, Path client, Map<String, String> environment, Optional<Path> socket) {
        this.engine = engine;
        this.client = client;
        this.environment = environment;
        this.socket = socket;
    }

    /** The API of the daemon that {@code client} ({@code .../docker} or {@code .../podman}) talks to. */
    public static EngineApi of(Path client, Map<String, String> environment) {
        String engine = client.getFileName().toString().equals("podman") ? "podman" : "docker";
        return new EngineApi(engine, client, environment, EngineSocket.find(engine, environment));
    }

    /** The socket it asks first, if the client talks to one. */
    Optional<Path> socket() {
        return socket;
    }

    /**
     * Whether container {@code name} runs, and its addresses on its networks, answered within
     * {@code atMost} (at least a second).
     */
    public ContainerState container(String name, Duration atMost) {
        Duration timeout = Duration.ofMillis(Math.max(1000, atMost.toMillis()));
        if (socket.isPresent()) {
            try {
                EngineHttp.Response r = EngineHttp.get(socket.get(), "/containers/" + name + "/json", timeout);
                if (r.status() == 404) {
                    return ContainerState.notRunning(message(r));
                }
                if (r.ok()) {
                    return fromInspect(JsonParser.parseString(r.body()).getAsJsonObject());
                }
            } catch (EngineHttp.NoAnswer e) {
                // A daemon that took the request and hangs: the client would wait out the time again.
                return ContainerState.notRunning(e.getMessage());
            } catch (IOException | JsonParseException | IllegalStateException | ClassCastException e) {
                // no socket to ask after all: the client answers
            }
        }
        ShortCommand inspect = ShortCommand.run(
                client,
                environment,
                timeout,
                "inspect",
                "--format",
                "{{.State.Running}} {{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}",
                name);
        if (!inspect.ok()) {
            return ContainerState.notRunning(inspect.firstErrorLine());
        }
        String[] found = inspect.out().strip().split(" ");
        if (!found[0].equals("true")) {
            return ContainerState.notRunning("");
        }
        List<String> addresses = new ArrayList<>();
        for (int i = 1; i < found.length; i++) {
            if (!found[i].isEmpty()) {
                addresses.add(found[i]);
            }
        }
        return new ContainerState(true, addresses, "");
    }

    private static ContainerState fromInspect(JsonObject inspect) {
        JsonObject state = object(inspect, "State");
        JsonElement running = state == null ? null : state.get("Running");
        if (running == null || !running.isJsonPrimitive() || !running.getAsBoolean()) {
            return ContainerState.notRunning("");
        }
        List<String> addresses = new ArrayList<>();
        JsonObject settings = object(inspect, "NetworkSettings");
        JsonObject networks = settings == null ? null : object(settings, "Networks");
        if (networks != null) {
            for (Map.Entry<String, JsonElement> network : networks.entrySet()) {
                if (network.getValue().isJsonObject()) {
                    JsonElement ip = network.getValue().getAsJsonObject().get("IPAddress");
                    if (ip != null && ip.isJsonPrimitive() && !ip.getAsString().isEmpty()) {
                        addresses.add(ip.getAsString());
                    }
                }
            }
        }
        return new ContainerState(true, addresses, "");
    }

    /** What the socket said about an image. */
    sealed interface ImageAnswer {
        /** The image is there, with this id. */
        record Found(String id) implements ImageAnswer {}

        /** The engine says there is no such image. */
        record Missing(String message) implements ImageAnswer {}
    }

    /**
     * The socket's answer about {@code image}, or empty where only the client can answer (no socket,
     * refused, an answer this code does not know).
     *
     * @throws EngineHttp.NoAnswer when the daemon took the request and did not answer in time
     */
    Optional<ImageAnswer> image(String image, Duration timeout) throws EngineHttp.NoAnswer {
        if (socket.isEmpty()) {
            return Optional.empty();
        }
        try {
            EngineHttp.Response r = EngineHttp.get(socket.get(), "/images/" + pathSegment(image) + "/json", timeout);
            if (r.status() == 404) {
                return Optional.of(new ImageAnswer.Missing(message(r)));
            }
            if (!r.ok()) {
                return Optional.empty();
            }
            JsonElement id = JsonParser.parseString(r.body()).getAsJsonObject().get("Id");
            if (id == null || !id.isJsonPrimitive()) {
                return Optional.empty();
            }
            // Podman's client prints the id without the algorithm, its docker-compatible API with it:
            // the manifest keeps what the client says.
            String value = id.getAsString();
            return Optional.of(new ImageAnswer.Found(
                    engine.equals("podman") && value.startsWith("sha256:") ? value.substring(7) : value));
        } catch (EngineHttp.NoAnswer e) {
            throw e;
        } catch (IOException | JsonParseException | IllegalStateException | ClassCastException e) {
            return Optional.empty();
        }
    }

    /** The engine's {@code message} of an error answer, else its body. */
    private static String message(EngineHttp.Response r) {
        try {
            JsonElement m = JsonParser.parseString(r.body()).getAsJsonObject().get("message");
            if (m != null && m.isJsonPrimitive()) {
                return m.getAsString();
            }
        } catch (JsonParseException | IllegalStateException e) {
            // not JSON: the body says it
        }
        return "HTTP " + r.status() + " " + r.body().strip();
    }

    /** An image reference in a path: its '/' and ':' stay, as the engines' routes expect. */
    static String pathSegment(String reference) {
        StringBuilder out = new StringBuilder();
        for (byte b : reference.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (c < 0x80 && (Character.isLetterOrDigit(c) || "/:@._-".indexOf(c) >= 0)) {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }

    private static JsonObject object(JsonObject o, String key) {
        JsonElement e = o.get(key);
        return e != null && e.isJsonObject() ? e.getAsJsonObject() : null;
    }
}
