package dev.pgroup.core.internal.definition;

import java.net.MalformedURLException;
import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.tomlj.TomlTable;

/**
 * A ready check as written: {@code tcp = "main"}, {@code http = "main:/health"}, {@code log =
 * "regex"} or {@code command = [...]}.
 *
 * @param kind which check
 * @param argument the port name (tcp), {@code port:path} (http) or regex (log); null for command
 * @param command the command for {@code command} checks
 */
public record ReadySpec(Kind kind, String argument, List<String> command) {
    static final Set<String> KEYS = Set.of("tcp", "http", "log", "command", "exit");

    public static final ReadySpec NONE = new ReadySpec(Kind.NONE, null, List.of());
    public static final ReadySpec SOCKET_PASSED = new ReadySpec(Kind.SOCKET_PASSED, null, List.of());

    public ReadySpec {
        command = List.copyOf(command);
    }

    public enum Kind {
        NONE,
        TCP,
        HTTP,
        LOG,
        COMMAND,
        /** A one-shot step: ready once it has exited with the status in the target. */
        EXIT,
        /**
         * Not written: every port of the process is passed, so it is ready as soon as pgroup's
         * launcher has bound them and exec'd it.
         */
        SOCKET_PASSED
    }

    /** {@code ready = { ... }} of a process whose ports are {@code ports}; {@link #NONE} when not written. */
    static ReadySpec parse(DefinitionToml toml, TomlTable t, String process, List<String> ports) {
        Object value = t.get(List.of("ready"));
        if (value == null) {
            return NONE;
        }
        int line = DefinitionToml.line(t, "ready");
        if (!(value instanceof TomlTable ready)) {
            throw toml.fail(line, process, "ready", "must be a table, e.g. ready = { tcp = \"main\" }");
        }
        toml.rejectUnknownKeys(ready, KEYS, process, "ready.");
        if (ready.size() != 1) {
            throw toml.fail(
                    line,
                    process,
                    "ready",
                    "give exactly one of tcp, http, log, command or exit; found " + ready.keySet());
        }
        String kind = ready.keySet().iterator().next();
        if (kind.equals("command")) {
            List<String> command = toml.strings(ready, "command", process, "ready.command");
            if (command.isEmpty()) {
                throw toml.fail(line, process, "ready.command", "must not be empty");
            }
            return new ReadySpec(ReadySpec.Kind.COMMAND, null, command);
        }
        if (kind.equals("exit")) {
            // A one-shot step (a seed, a migration): ready once it has exited with this status.
            if (!(ready.get(List.of("exit")) instanceof Long status) || status < 0 || status > 255) {
                throw toml.fail(
                        line, process, "ready.exit", "must be an exit status from 0 to 255, e.g. ready = { exit = 0 }");
            }
            return new ReadySpec(ReadySpec.Kind.EXIT, Long.toString(status), List.of());
        }
        Object argValue = ready.get(List.of(kind));
        if (!(argValue instanceof String arg)) {
            throw toml.fail(line, process, "ready." + kind, "must be a string");
        }
        toml.noNul(arg, line, process, "ready." + kind);
        switch (kind) {
            case "tcp" -> {
                toml.requirePort(arg, ports, process, line, "ready.tcp");
                return new ReadySpec(ReadySpec.Kind.TCP, arg, List.of());
            }
            case "http" -> {
                int colon = arg.indexOf(':');
                String port = colon < 0 ? arg : arg.substring(0, colon);
                String path = colon < 0 ? "/" : arg.substring(colon + 1);
                toml.requirePort(port, ports, process, line, "ready.http");
                if (!path.startsWith("/")) {
                    throw toml.fail(line, process, "ready.http", "'" + arg + "' must look like \"main:/health\"");
                }
                try {
                    // The same parse start does with the leased port; fail here, before any lease.
                    URI.create("http://127.0.0.1:1" + path).toURL();
                } catch (IllegalArgumentException | MalformedURLException e) {
                    throw toml.fail(
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
                    throw toml.fail(
                            line, process, "ready.log", "not a valid regular expression: " + e.getDescription());
                }
                return new ReadySpec(ReadySpec.Kind.LOG, arg, List.of());
            }
        }
    }
}
