package dev.pgroup.core.internal.definition;

import dev.pgroup.core.internal.definition.ProcessDefinition.RestartPolicy;
import dev.pgroup.core.model.Durations;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.tomlj.TomlPosition;
import org.tomlj.TomlTable;

/** Reads one {@code [[process]]} table of {@code group.toml} into a {@link ProcessDefinition}. */
final class ProcessTable {
    private static final Set<String> PROCESS_KEYS = Set.of(
            "name",
            "command",
            "ports",
            "listen",
            "listen_protocol",
            "templates",
            "files",
            "ready",
            "env",
            "after",
            "workdir",
            "stop_signal",
            "stop_timeout",
            "restart",
            "user",
            "seed",
            "image",
            "publish",
            "engine",
            "pull");
    private static final Set<String> STOP_SIGNALS = Set.of("TERM", "INT", "QUIT", "HUP", "KILL", "USR1", "USR2");

    private static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(10);

    private final DefinitionToml toml;
    private final Path directory;

    /** @param directory the definition directory, real path: templates and files are found there */
    ProcessTable(DefinitionToml toml, Path directory) {
        this.toml = toml;
        this.directory = directory;
    }

    /**
     * Reads and checks one table on its own; what spans processes (a duplicate name, the {@code
     * after} graph, exported names) {@link DefinitionParser} checks.
     */
    ProcessDefinition parse(TomlTable t, TomlPosition tablePosition) {
        Map<String, Integer> lines = new HashMap<>();
        lines.put("", tablePosition == null ? 0 : tablePosition.line());
        for (String key : t.keySet()) {
            lines.put(key, DefinitionToml.line(t, key));
        }
        Object nameValue = t.get(List.of("name"));
        if (!(nameValue instanceof String name)) {
            throw toml.fail(
                    lines.get(nameValue == null ? "" : "name"),
                    null,
                    "name",
                    nameValue == null ? "every [[process]] needs a name" : "must be a string");
        }
        if (!Names.isValid(name)) {
            throw toml.fail(lines.get("name"), null, "name", "'" + name + "' " + Names.RULE);
        }
        toml.rejectUnknownKeys(t, PROCESS_KEYS, name, "");

        List<String> ports = toml.strings(t, "ports", name);
        // A container's command is optional: the image's own CMD runs when it is left out.
        ContainerSpec container = ContainerSpec.parse(toml, t, name, ports);
        List<String> command = toml.strings(t, "command", name);
        if ((container == null && command.isEmpty())
                || (!command.isEmpty() && command.get(0).isBlank())) {
            throw toml.fail(
                    lines.getOrDefault("command", lines.get("")),
                    name,
                    "command",
                    t.get(List.of("command")) == null
                            ? "missing: say what to run, e.g. command = [\"redis-server\", \"--port\", \"{{port.main}}\"]"
                            : "must not be empty: its first element is the program to run");
        }

        Set<String> portSet = new HashSet<>();
        for (String port : ports) {
            if (!Names.isValid(port)) {
                throw toml.fail(lines.get("ports"), name, "ports", "'" + port + "' " + Names.RULE);
            }
            if (!portSet.add(port)) {
                throw toml.fail(lines.get("ports"), name, "ports", "duplicate port name '" + port + "'");
            }
        }

        SourceFiles sources = SourceFiles.parse(toml, t, name, lines, directory);

        ListenSpec listen = ListenSpec.parse(toml, t, name, ports);
        ReadySpec ready = ReadySpec.parse(toml, t, name, ports);
        if (ready.kind() == ReadySpec.Kind.NONE
                && !listen.isEmpty()
                && listen.ports().containsAll(ports)) {
            // Every port already accepts before the daemon runs: nothing to poll.
            ready = ReadySpec.SOCKET_PASSED;
        }
        Map<String, String> env = EnvTable.parse(toml, t, name);
        List<String> after = toml.strings(t, "after", name);

        String workdir = toml.optionalString(t, "workdir", name, null);
        String signal = toml.optionalString(t, "stop_signal", name, "TERM").toUpperCase(Locale.ROOT);
        if (signal.startsWith("SIG")) {
            signal = signal.substring(3);
        }
        if (!STOP_SIGNALS.contains(signal)) {
            throw toml.fail(
                    lines.get("stop_signal"),
                    name,
                    "stop_signal",
                    "'" + t.getString("stop_signal") + "' is not one of " + new java.util.TreeSet<>(STOP_SIGNALS));
        }
        Duration stopTimeout = DEFAULT_STOP_TIMEOUT;
        String stopTimeoutText = toml.optionalString(t, "stop_timeout", name, null);
        if (stopTimeoutText != null) {
            try {
                stopTimeout = Durations.parsePositive(stopTimeoutText);
            } catch (IllegalArgumentException e) {
                throw toml.fail(lines.get("stop_timeout"), name, "stop_timeout", e.getMessage());
            }
        }
        // A one-shot step runs once: restarting it when it is done would run it again.
        String restartDefault = ready.kind() == ReadySpec.Kind.EXIT ? "never" : "always";
        String restartText = toml.optionalString(t, "restart", name, restartDefault);
        RestartPolicy restart = null;
        for (RestartPolicy policy : RestartPolicy.values()) {
            if (policy.tomlName().equals(restartText)) {
                restart = policy;
            }
        }
        if (restart == null) {
            throw toml.fail(
                    lines.get("restart"),
                    name,
                    "restart",
                    "'" + restartText + "' is not one of always, on-failure, never");
        }
        if (ready.kind() == ReadySpec.Kind.EXIT && restart != RestartPolicy.NEVER) {
            throw toml.fail(
                    lines.get("restart"),
                    name,
                    "restart",
                    "must be \"never\" (or left out) for a one-shot step with ready = { exit = ... }: runit would run it"
                            + " again each time it finishes");
        }
        String user = RunAsUser.parse(toml, t, name);
        SeedSpec seed = SeedSpec.parse(toml, t, name, directory);
        return new ProcessDefinition(
                name,
                command,
                ports,
                sources.templates(),
                sources.files(),
                ready,
                listen,
                env,
                after,
                workdir,
                signal,
                stopTimeout,
                restart,
                lines,
                user,
                seed,
                container);
    }
}
