package dev.pgroup.core.internal.definition;

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
 * @param user the account it runs as when pgroup runs as root, or null for pgroup's own
 * @param seed the files prepared once per machine that its process dir gets a copy of, or null
 * @param container the image and its ports for a process that runs as a container; null for a
 *     local binary
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
        Map<String, Integer> lines,
        String user,
        SeedSpec seed,
        ContainerSpec container) {

    public ProcessDefinition {
        command = List.copyOf(command);
        ports = List.copyOf(ports);
        templates = List.copyOf(templates);
        files = List.copyOf(files);
        env = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(env));
        after = List.copyOf(after);
        lines = Map.copyOf(lines);
    }

    /** Whether it runs as a container ({@code image}) rather than a local binary. */
    public boolean isContainer() {
        return container != null;
    }

    /** The line of {@code key}, or of the process table when the key was not written. */
    public int line(String key) {
        return lines.getOrDefault(key, lines.getOrDefault("", 0));
    }

    /** What runit does when the process exits on its own. */
    public enum RestartPolicy implements TomlSpelled {
        /** Restart it, whatever its exit status (runit's own behaviour). */
        ALWAYS,
        /** Restart it only when it failed: a non-zero exit status or a signal. */
        ON_FAILURE,
        /** Leave it down. */
        NEVER
    }
}
