package dev.pgroup.core.internal.container;

import java.util.List;

/**
 * What the engine said about a container while its group starts.
 *
 * @param running whether it runs
 * @param addresses its addresses on its networks, in the engine's order; empty on a network of
 *     its own that the host cannot see (a rootless engine's)
 * @param problem why the engine could not say, e.g. {@code No such container: ...}; empty when it said
 */
public record ContainerState(boolean running, List<String> addresses, String problem) {
    public ContainerState {
        addresses = List.copyOf(addresses);
    }

    static ContainerState notRunning(String problem) {
        return new ContainerState(false, List.of(), problem);
    }
}
