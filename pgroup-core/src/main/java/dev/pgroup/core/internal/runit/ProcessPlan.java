package dev.pgroup.core.internal.runit;

import dev.pgroup.core.internal.definition.ProcessDefinition.RestartPolicy;
import dev.pgroup.core.internal.definition.ReadySpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One process with every placeholder rendered and every port leased: what the service dir is
 * written from, and what start and stop need to know later.
 *
 * @param name process name
 * @param id node-unique process id
 * @param serviceDir its runit service dir
 * @param logDir where svlogd writes
 * @param workdir absolute working directory
 * @param command rendered command; the program is an absolute path
 * @param env rendered extra environment
 * @param ports leased ports by name
 * @param ready the ready check with its target rendered: a port for tcp, a URL for http, a regex for
 *     log, nothing for command (the generated {@code check} script runs it)
 * @param readyTarget see {@code ready}
 * @param passing how its sockets are bound and passed, or null when none are
 * @param after processes that must be ready first
 * @param stopSignal the signal runit sends to stop it
 * @param stopTimeout how long it may take before it is killed
 * @param restart what runit does when it exits
 * @param container the engine and container of a process that runs as one; null for a local binary
 */
public record ProcessPlan(
        String name,
        String id,
        Path serviceDir,
        Path logDir,
        Path workdir,
        List<String> command,
        Map<String, String> env,
        Map<String, Integer> ports,
        ReadySpec.Kind ready,
        String readyTarget,
        SocketPassing passing,
        List<String> after,
        String stopSignal,
        Duration stopTimeout,
        RestartPolicy restart,
        ContainerPlan container) {

    public ProcessPlan {
        command = List.copyOf(command);
        env = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(env));
        ports = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(ports));
        after = List.copyOf(after);
    }

    public Path logFile() {
        return logDir.resolve("current");
    }
}
