package dev.pgroup.core.internal;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One {@code [[process]]} of a group definition, before placeholders are rendered.
 *
 * @param name the process name (also its directory name)
 * @param command program and arguments; the program is looked up on PATH at create
 * @param ports names of the ports to lease for it
 * @param templates files of the definition dir to render into the process dir, relative paths
 * @param files files of the definition dir to copy into the process dir as they are, never rendered
 * @param ready how to tell it is ready
 * @param listen ports pgroup binds and passes to it (socket passing)
 * @param env extra environment variables
 * @param after processes that must be ready before this one starts
 * @param workdir working directory, relative to the process dir, or absolute; null for the process dir
 * @param stopSignal the signal that asks it to stop (TERM unless told otherwise)
 * @param stopTimeout how long it may take to exit before it is killed
 * @param restart what runit does when it exits
 * @param lines 1-based line of each key, e.g. {@code command -> 4}, for error messages
 */
public record ProcessDefinition(
        String name,
        List<String> command,
        List<String> ports,
        List<String> templates,
        List<String> files,
        ReadySpec ready,
        ListenSpec listen,
        Map<String, String> env,
        List<String> after,
        String workdir,
        String stopSignal,
        Duration stopTimeout,
        RestartPolicy restart,
        Map<String, Integer> lines) {

    public ProcessDefinition {
        command = List.copyOf(command);
        ports = List.copyOf(ports);
        templates = List.copyOf(templates);
        files = List.copyOf(files);
        env = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(env));
        after = List.copyOf(after);
        lines = Map.copyOf(lines);
    }

    /** The line of {@code key}, or of the process table when the key was not written. */
    public int line(String key) {
        return lines.getOrDefault(key, lines.getOrDefault("", 0));
    }

    /** What runit does when the process exits on its own. */
    public enum RestartPolicy {
        /** Restart it, whatever its exit status (runit's own behaviour). */
        ALWAYS("always"),
        /** Restart it only when it failed: a non-zero exit status or a signal. */
        ON_FAILURE("on-failure"),
        /** Leave it down. */
        NEVER("never");

        private final String tomlName;

        RestartPolicy(String tomlName) {
            this.tomlName = tomlName;
        }

        public String tomlName() {
            return tomlName;
        }
    }

    /**
     * A ready check as written: {@code tcp = "main"}, {@code http = "main:/health"}, {@code log =
     * "regex"} or {@code command = [...]}.
     *
     * @param kind which check
     * @param argument the port name (tcp), {@code port:path} (http) or regex (log); null for command
     * @param command the command for {@code command} checks
     */
    public record ReadySpec(Kind kind, String argument, List<String> command) {
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
    }
}
