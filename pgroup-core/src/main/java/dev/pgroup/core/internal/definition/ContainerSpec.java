package dev.pgroup.core.internal.definition;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.tomlj.TomlTable;

/**
 * A process that runs as a container, as written in {@code group.toml}: {@code image}, {@code
 * publish}, {@code engine} and {@code pull}. The engine's attached {@code run} is what runit
 * supervises; see {@code ContainerRun}.
 *
 * @param image the image reference, passed to the engine as one argument
 * @param engine {@code docker} or {@code podman} as the process or the group names it; null when
 *     neither does ({@code PGROUP_CONTAINER_ENGINE}, then auto-detection, decide)
 * @param engineKey where {@code engine} was written: {@code engine} for the process's own key,
 *     {@code engine (group)} for the group's; for error messages
 * @param publish leased port name to the container port it is published to, on 127.0.0.1
 * @param pull whether create may pull a missing image (never silently otherwise)
 */
public record ContainerSpec(String image, String engine, String engineKey, Map<String, Integer> publish, boolean pull) {
    /** The keys only a container takes. */
    static final Set<String> KEYS = Set.of("image", "publish", "engine", "pull");

    public static final List<String> ENGINES = List.of("docker", "podman");

    /**
     * A reference as Docker's grammar allows it: optional registry host (with port), path
     * components, tag, digest. Nothing a shell would treat specially can match, and nothing that
     * starts with '-', which the engine would read as an option.
     */
    private static final Pattern REFERENCE = Pattern.compile("(?:[a-zA-Z0-9][a-zA-Z0-9.-]*(?::[0-9]+)?/)?"
            + "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*"
            + "(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@[a-z0-9]+:[a-f0-9]{32,})?");

    private static final Pattern SHELL_SPECIAL = Pattern.compile("[\\s;&|$`'\"<>()\\\\*?!{}\\[\\]#~]");

    public ContainerSpec {
        publish = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(publish));
    }

    /**
     * The container keys of process table {@code t}, or null for a local binary. Checks what one
     * table can: the image reference, the engine name, and that {@code publish} maps the process's
     * own ports to container ports; and that keys that only make sense for a local binary are absent.
     */
    static ContainerSpec parse(DefinitionToml toml, TomlTable t, String process, List<String> ports) {
        String image = toml.optionalString(t, "image", process, null);
        if (image == null) {
            for (String key : List.of("publish", "engine", "pull")) {
                if (t.get(List.of(key)) != null) {
                    throw toml.fail(
                            DefinitionToml.line(t, key),
                            process,
                            key,
                            "only a container takes it: add image = \"...\", or remove " + key);
                }
            }
            return null;
        }
        int imageLine = DefinitionToml.line(t, "image");
        checkReference(toml, image, imageLine, process);
        for (String key : List.of("listen", "listen_protocol")) {
            if (t.get(List.of(key)) != null) {
                throw toml.fail(
                        DefinitionToml.line(t, key),
                        process,
                        key,
                        "socket passing hands a bound socket to a local binary; a container's ports are"
                                + " published with publish = { <port> = <container port> }");
            }
        }
        if (t.get(List.of("user")) != null) {
            // chpst switches the engine client, not the container: it would run as the image says.
            throw toml.fail(
                    DefinitionToml.line(t, "user"),
                    process,
                    "user",
                    "a container runs as the user its image names, not through chpst; set the user in the"
                            + " image, or remove user");
        }
        String workdir = toml.optionalString(t, "workdir", process, null);
        if (workdir != null && workdir.startsWith("/")) {
            throw toml.fail(
                    DefinitionToml.line(t, "workdir"),
                    process,
                    "workdir",
                    "'" + workdir + "' is outside the process dir, the only host directory mounted into the"
                            + " container; give a path relative to it");
        }

        String engine = toml.optionalString(t, "engine", process, null);
        String engineKey = "engine";
        int engineLine = DefinitionToml.line(t, "engine");
        if (engine == null) {
            engine = toml.optionalString(toml.root(), "engine", null, null);
            engineKey = "engine (group)";
            engineLine = DefinitionToml.line(toml.root(), "engine");
        }
        if (engine != null && !ENGINES.contains(engine)) {
            throw toml.fail(
                    engineLine,
                    engineKey.equals("engine") ? process : null,
                    "engine",
                    "'" + engine + "' is not one of " + String.join(", ", ENGINES) + Names.didYouMean(engine, ENGINES));
        }

        Map<String, Integer> publish = publish(toml, t, process, ports);
        Object pullValue = t.get(List.of("pull"));
        if (pullValue != null && !(pullValue instanceof Boolean)) {
            throw toml.fail(DefinitionToml.line(t, "pull"), process, "pull", "must be true or false");
        }
        return new ContainerSpec(image, engine, engineKey, publish, Boolean.TRUE.equals(pullValue));
    }

    /** The group-level {@code engine}: checked even when no process is a container, so a typo shows. */
    static void checkGroupEngine(DefinitionToml toml) {
        Object engine = toml.root().get(List.of("engine"));
        int line = DefinitionToml.line(toml.root(), "engine");
        if (engine != null && !(engine instanceof String s && ENGINES.contains(s))) {
            throw toml.fail(
                    line,
                    null,
                    "engine",
                    (engine instanceof String s ? "'" + s + "'" : "the value") + " is not one of "
                            + String.join(", ", ENGINES));
        }
    }

    private static void checkReference(DefinitionToml toml, String image, int line, String process) {
        if (image.isEmpty()) {
            throw toml.fail(line, process, "image", "must not be empty, e.g. image = \"redis:7\"");
        }
        var special = SHELL_SPECIAL.matcher(image);
        if (special.find()) {
            throw toml.fail(
                    line,
                    process,
                    "image",
                    "'" + image + "' has the character '" + special.group()
                            + "', which no image reference has (it is passed to the engine as one argument,"
                            + " never through a shell)");
        }
        if (!REFERENCE.matcher(image).matches()) {
            throw toml.fail(
                    line,
                    process,
                    "image",
                    "'" + image + "' is not an image reference such as \"redis:7\" or"
                            + " \"registry.example.com:5000/team/app:1.2\"");
        }
    }

    private static Map<String, Integer> publish(DefinitionToml toml, TomlTable t, String process, List<String> ports) {
        Map<String, Integer> publish = new LinkedHashMap<>();
        Object value = t.get(List.of("publish"));
        int line = DefinitionToml.line(t, "publish");
        if (value != null) {
            if (!(value instanceof TomlTable table)) {
                throw toml.fail(line, process, "publish", "must be a table, e.g. publish = { main = 6379 }");
            }
            for (String port : table.keySet()) {
                int portLine = DefinitionToml.line(table, port);
                toml.requirePort(port, ports, process, portLine, "publish." + port);
                Object number = table.get(List.of(port));
                if (!(number instanceof Long n)) {
                    throw toml.fail(
                            portLine, process, "publish." + port, "must be the container's port number, e.g. 6379");
                }
                if (n < 1 || n > 65535) {
                    throw toml.fail(portLine, process, "publish." + port, n + " is not a port number (1 to 65535)");
                }
                publish.put(port, n.intValue());
            }
        }
        for (String port : ports) {
            if (!publish.containsKey(port)) {
                throw toml.fail(
                        line == 0 ? DefinitionToml.line(t, "ports") : line,
                        process,
                        "publish",
                        "the port '" + port + "' is leased but not published: a container is reached only"
                                + " through published ports, e.g. publish = { " + port + " = 6379 }");
            }
        }
        return publish;
    }
}
