package dev.pgroup.core.internal;

import dev.pgroup.core.internal.definition.GroupDefinition;
import dev.pgroup.core.internal.definition.ProcessDefinition;
import dev.pgroup.core.internal.os.ExecutableCache;
import dev.pgroup.core.model.DefinitionException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Finds a process's programs (its command, its ready command) and checks that they can run. */
final class ProgramResolver {
    private final GroupDefinition definition;
    private final Map<String, String> environment;

    /** @param environment the environment pgroup runs in: its PATH is used where a process sets none */
    ProgramResolver(GroupDefinition definition, Map<String, String> environment) {
        this.definition = definition;
        this.environment = environment;
    }

    /**
     * Finds a program the way a shell would: a bare name on the PATH (the process's own {@code env}
     * first), a name with a slash against the workdir.
     */
    Path resolve(
            String program, Path workdir, Map<String, String> env, ProcessDefinition p, String lineKey, String key) {
        if (program.contains("/")) {
            return workdir.resolve(program).normalize();
        }
        String path = env.getOrDefault("PATH", environment.getOrDefault("PATH", ""));
        return ExecutableCache.find(program, path)
                .orElseThrow(() -> new DefinitionException(
                        definition.file(),
                        p.line(lineKey),
                        p.name(),
                        key,
                        "program '" + program + "' not found on PATH (" + path + ")"));
    }

    /** The program exists and can be run: checked at create, as a missing one would only fail at start. */
    void requireExecutable(ProcessDefinition p, Path program, String lineKey, String key) {
        if (!Files.isExecutable(program) || Files.isDirectory(program)) {
            throw new DefinitionException(
                    definition.file(),
                    p.line(lineKey),
                    p.name(),
                    key,
                    "program " + program + " does not exist or is not executable");
        }
    }
}
