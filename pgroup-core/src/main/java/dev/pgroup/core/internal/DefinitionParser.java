package dev.pgroup.core.internal;

import dev.pgroup.core.DefinitionException;
import dev.pgroup.core.Durations;
import dev.pgroup.core.internal.ProcessDefinition.ReadySpec;
import dev.pgroup.core.internal.ProcessDefinition.RestartPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
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
import java.util.regex.PatternSyntaxException;
import org.tomlj.Toml;
import org.tomlj.TomlArray;
import org.tomlj.TomlParseError;
import org.tomlj.TomlParseResult;
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
    static final Set<String> READY_KEYS = Set.of("tcp", "http", "log", "command", "exit");
    static final Set<String> STOP_SIGNALS = Set.of("TERM", "INT", "QUIT", "HUP", "KILL", "USR1", "USR2");

    /** Files runit reads in a service dir; a template must not overwrite them. */
    static final Set<String> RUNIT_FILES = Set.of("run", "finish", "check", "down", "log", "supervise", "control");

    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(10);

    private final Path file;
    private final Path directory;

    private DefinitionParser(Path file, Path directory) {
        this.file = file;
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
        return new DefinitionParser(file, realDir).parse(nameOverride);
    }

    private GroupDefinition parse(String nameOverride) {
        TomlParseResult toml;
        try {
            toml = Toml.parse(file);
        } catch (IOException e) {
            throw fail(0, null, null, "cannot read: " + e.getMessage());
        }
        if (toml.hasErrors()) {
            TomlParseError first = toml.errors().get(0);
            String more = toml.errors().size() > 1 ? " (and " + (toml.errors().size() - 1) + " more errors)" : "";
            throw fail(first.position().line(), null, null, "malformed TOML: " + message(first) + more);
        }
        rejectUnknownKeys(toml, GROUP_KEYS, null, "");

        String name = nameOverride != null
                ? nameOverride
                : optionalString(toml, "name", null, Names.fromDirectory(directory));
        int nameLine = nameOverride != null ? 0 : line(toml, "name");
        if (!Names.isValid(name)) {
            if (nameOverride != null) {
                // Not group.toml's fault; CreateOptions checks this first.
                throw new IllegalArgumentException(
                        "the group name '" + name + "' given in the create options " + Names.RULE);
            }
            throw fail(nameLine, null, "name", "'" + name + "' " + Names.RULE);
        }
        Map<String, String> groupEnv = env(toml, null);

        Object processesValue = toml.get(List.of("process"));
        if (processesValue == null) {
            throw fail(0, null, "process", "no [[process]] table: a group needs at least one process");
        }
        if (!(processesValue instanceof TomlArray array)) {
            throw fail(line(toml, "process"), null, "process", "must be an array of tables, written [[process]]");
        }
        List<ProcessDefinition> processes = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < array.size(); i++) {
            if (!(array.get(i) instanceof TomlTable table)) {
                TomlPosition pos = array.inputPositionOf(i);
                throw fail(
                        pos == null ? 0 : pos.line(),
                        null,
                        "process",
                        "must be an array of tables, written [[process]]");
            }
            ProcessDefinition p = process(table, array.inputPositionOf(i));
            Integer earlier = seen.putIfAbsent(p.name(), p.line("name"));
            if (earlier != null) {
                throw fail(
                        p.line("name"),
                        p.name(),
                        "name",
                        "duplicate process name; it is already used on line " + earlier);
            }
            processes.add(p);
        }
        checkAfter(processes);
        checkExportedNames(name, nameLine, processes);
        return new GroupDefinition(file, directory, name, groupEnv, processes);
    }

    private ProcessDefinition process(TomlTable t, TomlPosition tablePosition) {
        Map<String, Integer> lines = new HashMap<>();
        lines.put("", tablePosition == null ? 0 : tablePosition.line());
        for (String key : t.keySet()) {
            lines.put(key, line(t, key));
        }
        Object nameValue = t.get(List.of("name"));
        if (!(nameValue instanceof String name)) {
            throw fail(
                    lines.get(nameValue == null ? "" : "name"),
                    null,
                    "name",
                    nameValue == null ? "every [[process]] needs a name" : "must be a string");
        }
        if (!Names.isValid(name)) {
            throw fail(lines.get("name"), null, "name", "'" + name + "' " + Names.RULE);
        }
        rejectUnknownKeys(t, PROCESS_KEYS, name, "");

        List<String> command = strings(t, "command", name);
        if (command.isEmpty() || command.get(0).isBlank()) {
            throw fail(
                    lines.getOrDefault("command", lines.get("")),
                    name,
                    "command",
                    t.get(List.of("command")) == null
                            ? "missing: say what to run, e.g. command = [\"redis-server\", \"--port\", \"{{port.main}}\"]"
                            : "must not be empty: its first element is the program to run");
        }

        List<String> ports = strings(t, "ports", name);
        Set<String> portSet = new HashSet<>();
        for (String port : ports) {
            if (!Names.isValid(port)) {
                throw fail(lines.get("ports"), name, "ports", "'" + port + "' " + Names.RULE);
            }
            if (!portSet.add(port)) {
                throw fail(lines.get("ports"), name, "ports", "duplicate port name '" + port + "'");
            }
        }

        List<String> templates = new ArrayList<>();
        for (String template : strings(t, "templates", name)) {
            templates.add(sourceFile(template, name, lines.get("templates"), "templates"));
        }
        List<String> files = new ArrayList<>();
        Set<String> targets = new HashSet<>(templates);
        for (String verbatim : strings(t, "files", name)) {
            String relative = sourceFile(verbatim, name, lines.get("files"), "files");
            if (!targets.add(relative)) {
                throw fail(
                        lines.get("files"),
                        name,
                        "files",
                        "'" + verbatim + "' is already written to the process directory"
                                + (templates.contains(relative) ? " as a template" : "")
                                + "; name each file once");
            }
            files.add(relative);
        }

        ListenSpec listen = listen(t, name, ports);
        ReadySpec ready = ready(t, name, ports);
        if (ready.kind() == ReadySpec.Kind.NONE
                && !listen.isEmpty()
                && listen.ports().containsAll(ports)) {
            // Every port already accepts before the daemon runs: nothing to poll.
            ready = ReadySpec.SOCKET_PASSED;
        }
        Map<String, String> env = env(t, name);
        List<String> after = strings(t, "after", name);

        String workdir = optionalString(t, "workdir", name, null);
        String signal = optionalString(t, "stop_signal", name, "TERM").toUpperCase(Locale.ROOT);
        if (signal.startsWith("SIG")) {
            signal = signal.substring(3);
        }
        if (!STOP_SIGNALS.contains(signal)) {
            throw fail(
                    lines.get("stop_signal"),
                    name,
                    "stop_signal",
                    "'" + t.getString("stop_signal") + "' is not one of " + new java.util.TreeSet<>(STOP_SIGNALS));
        }
        Duration stopTimeout = DEFAULT_STOP_TIMEOUT;
        String stopTimeoutText = optionalString(t, "stop_timeout", name, null);
        if (stopTimeoutText != null) {
            try {
                stopTimeout = Durations.parsePositive(stopTimeoutText);
            } catch (IllegalArgumentException e) {
                throw fail(lines.get("stop_timeout"), name, "stop_timeout", e.getMessage());
            }
        }
        // A one-shot step runs once: restarting it when it is done would run it again.
        String restartDefault = ready.kind() == ReadySpec.Kind.EXIT ? "never" : "always";
        String restartText = optionalString(t, "restart", name, restartDefault);
        RestartPolicy restart = null;
        for (RestartPolicy policy : RestartPolicy.values()) {
            if (policy.tomlName().equals(restartText)) {
                restart = policy;
            }
        }
        if (restart == null) {
            throw fail(
                    lines.get("restart"),
                    name,
                    "restart",
                    "'" + restartText + "' is not one of always, on-failure, never");
        }
        if (ready.kind() == ReadySpec.Kind.EXIT && restart != RestartPolicy.NEVER) {
            throw fail(
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
                templates,
                files,
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

    /** {@code listen = ["http"]} and {@code listen_protocol}: ports pgroup binds and passes. */
    private ListenSpec listen(TomlTable t, String process, List<String> ports) {
        List<String> listen = strings(t, "listen", process);
        int line = line(t, "listen");
        Set<String> seen = new HashSet<>();
        for (String port : listen) {
            requirePort(port, ports, process, line, "listen");
            if (!seen.add(port)) {
                throw fail(line, process, "listen", "duplicate port name '" + port + "'");
            }
        }
        String protocolText = optionalString(t, "listen_protocol", process, null);
        if (protocolText == null) {
            return listen.isEmpty() ? ListenSpec.NONE : new ListenSpec(ListenSpec.Protocol.SYSTEMD, listen);
        }
        int protocolLine = line(t, "listen_protocol");
        List<String> names = java.util.Arrays.stream(ListenSpec.Protocol.values())
                .map(ListenSpec.Protocol::tomlName)
                .toList();
        ListenSpec.Protocol protocol = java.util.Arrays.stream(ListenSpec.Protocol.values())
                .filter(p -> p.tomlName().equals(protocolText))
                .findFirst()
                .orElseThrow(() -> fail(
                        protocolLine,
                        process,
                        "listen_protocol",
                        "'" + protocolText + "' is not one of " + String.join(", ", names)
                                + Names.didYouMean(protocolText, names)));
        if (listen.isEmpty()) {
            throw fail(
                    protocolLine,
                    process,
                    "listen_protocol",
                    "has nothing to pass: name the ports too, e.g. listen = [\"http\"]");
        }
        if (protocol == ListenSpec.Protocol.STDIN && listen.size() != 1) {
            throw fail(
                    line,
                    process,
                    "listen",
                    "the stdin protocol passes exactly one socket, on fd 0; listen has " + listen);
        }
        return new ListenSpec(protocol, listen);
    }

    /**
     * Checks a template or verbatim file path: relative, inside the definition dir (symlinks too), a
     * regular file, not one of runit's names.
     */
    private String sourceFile(String template, String process, int line, String key) {
        Path relative = Path.of(template).normalize();
        if (template.isBlank() || relative.isAbsolute() || relative.startsWith("..")) {
            throw fail(
                    line,
                    process,
                    key,
                    "'" + template + "' must be a relative path inside the definition directory " + directory);
        }
        if (RUNIT_FILES.contains(relative.getName(0).toString())) {
            throw fail(
                    line,
                    process,
                    key,
                    "'" + template + "' would overwrite runit's '" + relative.getName(0)
                            + "' in the process directory; rename the file");
        }
        Path source = directory.resolve(relative);
        try {
            Path real = source.toRealPath();
            if (!real.startsWith(directory)) {
                throw fail(
                        line,
                        process,
                        key,
                        "'" + template + "' resolves to " + real + ", outside the definition directory " + directory);
            }
            if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
                throw fail(line, process, key, "'" + template + "' is not a regular file");
            }
        } catch (NoSuchFileException e) {
            throw fail(
                    line,
                    process,
                    key,
                    (key.equals("files") ? "file '" : "template '") + template + "' not found at " + source);
        } catch (IOException e) {
            throw fail(line, process, key, "cannot read '" + template + "': " + e);
        }
        return relative.toString();
    }

    private ReadySpec ready(TomlTable t, String process, List<String> ports) {
        Object value = t.get(List.of("ready"));
        if (value == null) {
            return ReadySpec.NONE;
        }
        int line = line(t, "ready");
        if (!(value instanceof TomlTable ready)) {
            throw fail(line, process, "ready", "must be a table, e.g. ready = { tcp = \"main\" }");
        }
        rejectUnknownKeys(ready, READY_KEYS, process, "ready.");
        if (ready.size() != 1) {
            throw fail(
                    line,
                    process,
                    "ready",
                    "give exactly one of tcp, http, log, command or exit; found " + ready.keySet());
        }
        String kind = ready.keySet().iterator().next();
        if (kind.equals("command")) {
            List<String> command = strings(ready, "command", process, "ready.command");
            if (command.isEmpty()) {
                throw fail(line, process, "ready.command", "must not be empty");
            }
            return new ReadySpec(ReadySpec.Kind.COMMAND, null, command);
        }
        if (kind.equals("exit")) {
            // A one-shot step (a seed, a migration): ready once it has exited with this status.
            if (!(ready.get(List.of("exit")) instanceof Long status) || status < 0 || status > 255) {
                throw fail(
                        line, process, "ready.exit", "must be an exit status from 0 to 255, e.g. ready = { exit = 0 }");
            }
            return new ReadySpec(ReadySpec.Kind.EXIT, Long.toString(status), List.of());
        }
        Object argValue = ready.get(List.of(kind));
        if (!(argValue instanceof String arg)) {
            throw fail(line, process, "ready." + kind, "must be a string");
        }
        noNul(arg, line, process, "ready." + kind);
        switch (kind) {
            case "tcp" -> {
                requirePort(arg, ports, process, line, "ready.tcp");
                return new ReadySpec(ReadySpec.Kind.TCP, arg, List.of());
            }
            case "http" -> {
                int colon = arg.indexOf(':');
                String port = colon < 0 ? arg : arg.substring(0, colon);
                String path = colon < 0 ? "/" : arg.substring(colon + 1);
                requirePort(port, ports, process, line, "ready.http");
                if (!path.startsWith("/")) {
                    throw fail(line, process, "ready.http", "'" + arg + "' must look like \"main:/health\"");
                }
                try {
                    // The same parse start does with the leased port; fail here, before any lease.
                    java.net.URI.create("http://127.0.0.1:1" + path).toURL();
                } catch (IllegalArgumentException | java.net.MalformedURLException e) {
                    throw fail(
                            line,
                            process,
                            "ready.http",
                            "'" + path + "' is not a valid URL path (" + e.getMessage()
                                    + "); escape special characters, e.g. a space as %20");
                }
                return new ReadySpec(ReadySpec.Kind.HTTP, port + ":" + path, List.of());
            }
            default -> {
                try {
                    Pattern.compile(arg);
                } catch (PatternSyntaxException e) {
                    throw fail(line, process, "ready.log", "not a valid regular expression: " + e.getDescription());
                }
                return new ReadySpec(ReadySpec.Kind.LOG, arg, List.of());
            }
        }
    }

    private void requirePort(String port, List<String> ports, String process, int line, String key) {
        if (!ports.contains(port)) {
            throw fail(
                    line,
                    process,
                    key,
                    "'" + port + "' is not one of this process's ports " + ports + Names.didYouMean(port, ports));
        }
    }

    private Map<String, String> env(TomlTable t, String process) {
        Object value = t.get(List.of("env"));
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof TomlTable table)) {
            throw fail(line(t, "env"), process, "env", "must be a table, e.g. env = { LANG = \"C\" }");
        }
        Map<String, String> env = new LinkedHashMap<>();
        for (String key : table.keySet()) {
            Object v = table.get(List.of(key));
            int line = line(table, key);
            if (!ENV_NAME.matcher(key).matches()) {
                throw fail(line, process, "env." + key, "not a valid environment variable name");
            }
            if (v instanceof String s) {
                env.put(key, noNul(s, line, process, "env." + key));
            } else if (v instanceof Long || v instanceof Boolean || v instanceof Double) {
                env.put(key, v.toString());
            } else {
                throw fail(line, process, "env." + key, "must be a string");
            }
        }
        return env;
    }

    private void checkAfter(List<ProcessDefinition> processes) {
        Map<String, ProcessDefinition> byName = new LinkedHashMap<>();
        processes.forEach(p -> byName.put(p.name(), p));
        for (ProcessDefinition p : processes) {
            for (String dep : p.after()) {
                if (dep.equals(p.name())) {
                    throw fail(p.line("after"), p.name(), "after", "a process cannot wait for itself");
                }
                if (!byName.containsKey(dep)) {
                    throw fail(
                            p.line("after"),
                            p.name(),
                            "after",
                            "unknown process '" + dep + "'" + Names.didYouMean(dep, byName.keySet())
                                    + "; the group has " + byName.keySet());
                }
            }
        }
        // Depth-first search for a cycle, reported as a path, e.g. a -> b -> a. Iterative: a chain of
        // thousands of processes must not overflow the stack.
        Map<String, Integer> state = new HashMap<>(); // 1 = on the path, 2 = done
        for (ProcessDefinition p : processes) {
            List<String> cycle = findCycle(p.name(), byName, state);
            if (cycle != null) {
                ProcessDefinition first = byName.get(cycle.get(0));
                throw fail(
                        first.line("after"),
                        first.name(),
                        "after",
                        "processes wait for each other in a cycle: " + describeCycle(cycle));
            }
        }
    }

    private static List<String> findCycle(
            String start, Map<String, ProcessDefinition> byName, Map<String, Integer> state) {
        if (state.containsKey(start)) {
            return null;
        }
        List<String> path = new ArrayList<>();
        List<java.util.Iterator<String>> pending = new ArrayList<>();
        state.put(start, 1);
        path.add(start);
        pending.add(byName.get(start).after().iterator());
        while (!path.isEmpty()) {
            java.util.Iterator<String> deps = pending.get(pending.size() - 1);
            if (!deps.hasNext()) {
                state.put(path.remove(path.size() - 1), 2);
                pending.remove(pending.size() - 1);
                continue;
            }
            String dep = deps.next();
            Integer s = state.get(dep);
            if (s == null) {
                state.put(dep, 1);
                path.add(dep);
                pending.add(byName.get(dep).after().iterator());
            } else if (s == 1) {
                List<String> cycle = new ArrayList<>(path.subList(path.indexOf(dep), path.size()));
                cycle.add(dep);
                return cycle;
            }
        }
        return null;
    }

    /** The cycle as a path; a long one shows its ends, not thousands of names. */
    private static String describeCycle(List<String> cycle) {
        if (cycle.size() <= 12) {
            return String.join(" -> ", cycle);
        }
        return String.join(" -> ", cycle.subList(0, 5)) + " -> ... (" + (cycle.size() - 10) + " more) -> "
                + String.join(" -> ", cycle.subList(cycle.size() - 5, cycle.size()));
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
                    throw fail(
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

    private void rejectUnknownKeys(TomlTable t, Set<String> known, String process, String prefix) {
        for (String key : t.keySet()) {
            if (!known.contains(key)) {
                throw fail(
                        line(t, key),
                        process,
                        prefix + key,
                        "unknown key" + Names.didYouMean(key, known) + " (valid keys: " + new java.util.TreeSet<>(known)
                                + ")");
            }
        }
    }

    private List<String> strings(TomlTable t, String key, String process) {
        return strings(t, key, process, key);
    }

    private List<String> strings(TomlTable t, String key, String process, String shownKey) {
        Object value = t.get(List.of(key));
        if (value == null) {
            return List.of();
        }
        int line = line(t, key);
        if (!(value instanceof TomlArray array)) {
            throw fail(line, process, shownKey, "must be an array of strings, e.g. [\"a\", \"b\"]");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            Object item = array.get(i);
            if (item instanceof String s) {
                TomlPosition pos = array.inputPositionOf(i);
                out.add(noNul(s, pos == null ? line : pos.line(), process, shownKey + "[" + i + "]"));
            } else if (item instanceof Long n) {
                out.add(n.toString());
            } else {
                TomlPosition pos = array.inputPositionOf(i);
                throw fail(pos == null ? line : pos.line(), process, shownKey + "[" + i + "]", "must be a string");
            }
        }
        return out;
    }

    private String optionalString(TomlTable t, String key, String process, String fallback) {
        Object value = t.get(List.of(key));
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof String s)) {
            throw fail(line(t, key), process, key, "must be a string");
        }
        return noNul(s, line(t, key), process, key);
    }

    /** An error in group.toml: every parser error names the file, and the line, process and key it can. */
    private DefinitionException fail(int line, String process, String key, String problem) {
        return new DefinitionException(file, line, process, key, problem);
    }

    /** A NUL cannot be passed in an argument or an environment value: the OS would cut the string there. */
    private String noNul(String value, int line, String process, String key) {
        int at = value.indexOf('\0');
        if (at >= 0) {
            throw fail(
                    line,
                    process,
                    key,
                    "contains a NUL character (\\u0000) at position " + (at + 1)
                            + "; a program's arguments and environment cannot hold one");
        }
        return value;
    }

    private static int line(TomlTable t, String key) {
        TomlPosition p = t.inputPositionOf(List.of(key));
        return p == null ? 0 : p.line();
    }

    private static String message(TomlParseError e) {
        // tomlj appends " (line N, column M)"; the line is already in our prefix.
        return e.getMessage().replaceFirst("\\s*\\(line \\d+, column \\d+\\)$", "") + " (column "
                + e.position().column() + ")";
    }
}
