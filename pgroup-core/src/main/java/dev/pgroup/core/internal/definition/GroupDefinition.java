package dev.pgroup.core.internal.definition;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A parsed and validated {@code group.toml}.
 *
 * @param file the {@code group.toml} it came from
 * @param directory the definition directory, where templates are read from (real path)
 * @param name the group name, used as the readable part of group ids
 * @param env environment for every process; a process's own {@code env} wins
 * @param processes in definition order
 */
public record GroupDefinition(
        Path file, Path directory, String name, Map<String, String> env, List<ProcessDefinition> processes) {

    public GroupDefinition {
        env = Map.copyOf(env);
        processes = List.copyOf(processes);
    }

    public Optional<ProcessDefinition> process(String name) {
        return processes.stream().filter(p -> p.name().equals(name)).findFirst();
    }
}
