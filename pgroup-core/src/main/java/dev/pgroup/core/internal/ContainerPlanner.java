package dev.pgroup.core.internal;

import dev.pgroup.core.internal.container.ContainerEngine;
import dev.pgroup.core.internal.container.ContainerRun;
import dev.pgroup.core.internal.definition.ContainerSpec;
import dev.pgroup.core.internal.definition.GroupDefinition;
import dev.pgroup.core.internal.definition.ProcessDefinition;
import dev.pgroup.core.internal.runit.ContainerPlan;
import dev.pgroup.core.internal.runit.GroupLayout;
import dev.pgroup.core.model.DefinitionException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Plans the processes of a group that run as containers: finds the engine, checks at create that
 * its daemon answers and the image is there (a missing image fails here, not at start), and builds
 * the engine's {@code run} that runit supervises.
 */
final class ContainerPlanner {
    private final GroupDefinition definition;
    private final String groupId;
    private final GroupLayout layout;
    private final Map<String, String> environment;
    /** One inspect per engine and image, however many processes use it. */
    private final Map<String, String> imageIds = new HashMap<>();

    /** A container process's engine argv and what stop and the manifest need. */
    record Planned(List<String> command, ContainerPlan container) {}

    ContainerPlanner(GroupDefinition definition, String groupId, GroupLayout layout, Map<String, String> environment) {
        this.definition = definition;
        this.groupId = groupId;
        this.layout = layout;
        this.environment = environment;
    }

    /**
     * @param command the rendered command, empty for the image's own
     * @param env the rendered environment the run script exports
     * @param workdir the rendered workdir, which must be inside the process dir: that is all the
     *     container sees of the host
     */
    Planned plan(
            ProcessDefinition p,
            List<String> command,
            Map<String, String> env,
            Path workdir,
            Map<String, Integer> ports) {
        ContainerSpec spec = p.container();
        Path serviceDir = layout.serviceDir(p.name());
        if (!workdir.startsWith(serviceDir)) {
            throw fail(
                    p,
                    "workdir",
                    "'" + workdir + "' is outside the process dir, the only host directory mounted into the container");
        }
        ContainerEngine engine;
        String imageId;
        try {
            engine = ContainerEngine.locate(spec, environment);
            String key = engine.name() + " " + spec.image();
            imageId = imageIds.get(key);
            if (imageId == null) {
                imageId = engine.imageId(spec.image(), spec.pull(), environment);
                imageIds.put(key, imageId);
            }
        } catch (ContainerEngine.Unavailable e) {
            throw fail(p, e.key(), e.getMessage());
        }
        List<String> argv = ContainerRun.argv(
                engine, groupId, layout.directory(), p.name(), spec, ports, serviceDir, workdir, env.keySet(), command);
        return new Planned(
                argv,
                new ContainerPlan(
                        engine.client(), ContainerRun.containerName(groupId, p.name()), spec.image(), imageId));
    }

    private DefinitionException fail(ProcessDefinition p, String key, String problem) {
        return new DefinitionException(definition.file(), p.line(key), p.name(), key, problem);
    }
}
