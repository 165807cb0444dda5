package dev.pgroup.core.internal.start;

import dev.pgroup.core.internal.container.ContainerState;
import dev.pgroup.core.internal.container.EngineApi;
import dev.pgroup.core.internal.definition.ReadySpec;
import dev.pgroup.core.internal.runit.ContainerPlan;
import dev.pgroup.core.internal.runit.GroupLayout;
import java.time.Duration;

/**
 * Holds a container process's http or command check, or its lack of one, back until the engine
 * says the container runs: the engine client runs for a while before the container does, so
 * "running for 200 ms" says nothing about a container. A request to the published port before that reaches the engine's proxy, whose connect into
 * the container then fails its neighbour lookup, and every connect to the container waits about
 * 1 s more (measured; see {@link ContainerTcpCheck}, which gates itself the same way).
 */
final class ContainerGate implements ReadinessCheck {
    private final ReadinessCheck check;
    private final EngineApi engine;
    private final String name;
    private boolean running;
    private String problem = "not tried yet";

    private ContainerGate(ReadinessCheck check, EngineApi engine, String name) {
        this.check = check;
        this.engine = engine;
        this.name = name;
    }

    /** {@code check} gated for a container process's http, command and no check; else {@code check} itself. */
    static ReadinessCheck around(ReadinessCheck check, ReadySpec.Kind kind, GroupLayout layout, String process) {
        if (kind != ReadySpec.Kind.HTTP && kind != ReadySpec.Kind.COMMAND && kind != ReadySpec.Kind.NONE) {
            return check;
        }
        return ContainerPlan.readMarker(layout, process)
                .<ReadinessCheck>map(c -> new ContainerGate(check, EngineApi.of(c.engine(), System.getenv()), c.name()))
                .orElse(check);
    }

    /** It asks the engine, over its socket or with a client call: not for the shared poller. */
    @Override
    public boolean blocks() {
        return true;
    }

    @Override
    public boolean isReady(Duration atMost) {
        if (!running) {
            ContainerState state = engine.container(name, atMost);
            running = state.running();
            if (!running) {
                problem = "the container " + name + " does not run yet"
                        + (state.problem().isEmpty() ? "" : ": " + state.problem());
                return false;
            }
        }
        return check.isReady(atMost);
    }

    @Override
    public String description() {
        return check.description() + ", once the container " + name + " runs";
    }

    @Override
    public String lastProblem() {
        return running ? check.lastProblem() : problem;
    }

    @Override
    public long pauseMillis() {
        return running ? check.pauseMillis() : 5;
    }
}
