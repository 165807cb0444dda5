package dev.pgroup.core.internal.definition;

import dev.pgroup.core.DefinitionException;
import dev.pgroup.core.Durations;
import dev.pgroup.core.internal.definition.ProcessDefinition.RestartPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.tomlj.TomlArray;
import org.tomlj.TomlPosition;
import org.tomlj.TomlTable;

/**
 * Reads {@code group.toml} (TOML 1.0, via tomlj) into a {@link GroupDefinition}, checking
 * everything that can be checked before a port is leased. Every error names the file, the line,
 * the process and the key.
 */
public final class DefinitionParser {
    public static final String FILE_NAME = "group.toml";

    static final Set<String> GROUP_KEYS = Set.of("name", "env", "process");
    static final Set<String> PROCESS_KEYS = Set.of(
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
            "restart");
    static final Set<String> STOP_SIGNALS = Set.of("TERM", "INT", "QUIT", "HUP", "KILL", "USR1", "USR2");

    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(10);

    private final DefinitionToml toml;
    private final Path directory;

    private DefinitionParser(DefinitionToml toml, Path directory) {
        this.toml = toml;
        this.directory = directory;
    }

    /**
     * Parses {@code <definitionDir>/group.toml}.
     *
     * @param nameOverride a group name to use instead of the file's {@code name}, or null
     */
    public static GroupDefinition parse(Path definitionDir, String nameOverride) {
        Path dir = definitionDir.toAbsolutePath().normalize();
        Path file = dir.resolve(FILE_NAME);
        if (!Files.isDirectory(dir)) {
            throw new DefinitionException(dir, 0, null, null, "the group definition directory does not exist");
        }
        if (!Files.isRegularFile(file)) {
            throw new DefinitionException(file, 0, null, null, "no " + FILE_NAME + " in the definition directory");
        }
        Path realDir;
        try {
            realDir = dir.toRealPath();
        } catch (IOException e) {
            throw new DefinitionException(dir, 0, null, null, "cannot resolve the definition directory: " + e);
        }
        return new DefinitionParser(DefinitionToml.read(file), realDir).parse(nameOverride);
    }

    private GroupDefinition parse(String nameOverride) {
        TomlTable root = toml.root();
        toml.rejectUnknownKeys(root, GROUP_KEYS, null, "");

        String name = nameOverride != null
                ? nameOverride
                : toml.optionalString(root, "name", null, Names.fromDirectory(directory));
        int nameLine = nameOverride != null ? 0 : DefinitionToml.line(root, "name");
        if (!Names.isValid(name)) {
            if (nameOverride != null) {
                // Not group.toml's fault; CreateOptions checks this first.
                throw new IllegalArgumentException(
                        "the group name '" + name + "' given in the create options " + Names.RULE);
            }
            throw toml.fail(nameLine, null, "name", "'" + name + "' " + Names.RULE);
        }
        Map<String, String> groupEnv = env(root, null);

        Object processesValue = root.get(List.of("process"));
        if (processesValue == null) {
            throw toml.fail(0, null, "process", "no [[process]] table: a group needs at least one process");
        }
        if (!(processesValue instanceof TomlArray array)) {
            throw toml.fail(
                    DefinitionToml.line(root, "process"),
                    null,
                    "process",
                    "must be an array of tables, written [[process]]");
        }
        List<ProcessDefinition> processes = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < array.size(); i++) {
            if (!(array.get(i) instanceof TomlTable table)) {
                TomlPosition pos = array.inputPositionOf(i);
                throw toml.fail(
                        pos == null ? 0 : pos.line(),
                        null,
                        "process",
                        "must be an array of tables, written [[process]]");
            }
            ProcessDefinition p = process(table, array.inputPositionOf(i));
            Integer earlier = seen.putIfAbsent(p.name(), p.line("name"));
            if (earlier != null) {
                throw toml.fail(
                        p.line("name"),
                        p.name(),
                        "name",
                        "duplicate process name; it is already used on line " + earlier);
            }
            processes.add(p);
        }
        AfterGraph.check(processes, toml);
        checkExportedNames(name, nameLine, processes);
        return new GroupDefinition(toml.file(), directory, name, groupEnv, processes);
    }

    private ProcessDefinition process(TomlTable t, TomlPosition tablePosition) {
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

        List<String> command = toml.strings(t, "command", name);
        if (command.isEmpty() || command.get(0).isBlank()) {
            throw toml.fail(
                    lines.getOrDefault("command", lines.get("")),
                    name,
                    "command",
                    t.get(List.of("command")) == null
                            ? "missing: say what to run, e.g. command = [\"redis-server\", \"--port\", \"{{port.main}}\"]"
                            : "must not be empty: its first element is the program to run");
        }

        List<String> ports = toml.strings(t, "ports", name);
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
        Map<String, String> env = env(t, name);
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
                lines);
    }

    private Map<String, String> env(TomlTable t, String process) {
        Object value = t.get(List.of("env"));
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof TomlTable table)) {
            throw toml.fail(
                    DefinitionToml.line(t, "env"), process, "env", "must be a table, e.g. env = { LANG = \"C\" }");
        }
        Map<String, String> env = new LinkedHashMap<>();
        for (String key : table.keySet()) {
            Object v = table.get(List.of(key));
            int line = DefinitionToml.line(table, key);
            if (!ENV_NAME.matcher(key).matches()) {
                throw toml.fail(line, process, "env." + key, "not a valid environment variable name");
            }
            if (v instanceof String s) {
                env.put(key, toml.noNul(s, line, process, "env." + key));
            } else if (v instanceof Long || v instanceof Boolean || v instanceof Double) {
                env.put(key, v.toString());
            } else {
                throw toml.fail(line, process, "env." + key, "must be a string");
            }
        }
        return env;
    }

    /**
     * Every port is exported as {@code PGROUP_<PROCESS>_<PORT>_PORT} (the CLI's {@code env}), and
     * the manifest as {@code PGROUP_MANIFEST_<GROUP>}. Names that differ only in {@code -} and
     * {@code _}, or in where the process name ends, map to one variable, and the last would silently
     * win.
     */
    private void checkExportedNames(String groupName, int groupNameLine, List<ProcessDefinition> processes) {
        Map<String, String> owners = new HashMap<>();
        Map<String, Integer> ownerLines = new HashMap<>();
        String manifest = dev.pgroup.core.ExportedNames.manifestVariable(groupName);
        owners.put(manifest, "the manifest of group '" + groupName + "'");
        ownerLines.put(manifest, groupNameLine);
        for (ProcessDefinition p : processes) {
            for (String port : p.ports()) {
                String variable = dev.pgroup.core.ExportedNames.portVariable(p.name(), port);
                String owner = "port '" + port + "' of process \"" + p.name() + "\"";
                String earlier = owners.putIfAbsent(variable, owner);
                if (earlier != null) {
                    int earlierLine = ownerLines.get(variable);
                    throw toml.fail(
                            p.line("ports"),
                            p.name(),
                            "ports",
                            owner + " would be exported as " + variable + ", the same variable as " + earlier
                                    + (earlierLine > 0 ? " (line " + earlierLine + ")" : "")
                                    + "; rename one of them");
                }
                ownerLines.put(variable, p.line("ports"));
            }
        }
    }
}
