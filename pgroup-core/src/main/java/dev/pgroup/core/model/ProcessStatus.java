package dev.pgroup.core.model;

import java.time.Duration;
import java.util.Map;

/**
 * The state of one process of a group at one moment.
 *
 * @param name the process name
 * @param state what runit says
 * @param pid the process id while it runs, else 0
 * @param since how long it has been in this state, or {@link Duration#ZERO} when unknown
 * @param ports its leased ports by name
 */
public record ProcessStatus(String name, ProcessState state, long pid, Duration since, Map<String, Integer> ports) {
    public ProcessStatus {
        ports = Map.copyOf(ports);
    }
}
