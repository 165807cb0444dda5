package dev.pgroup.core.internal.container;

import dev.pgroup.core.internal.definition.ContainerSpec;
import dev.pgroup.core.internal.runit.ContainerPlan;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The engine's attached {@code run} that a container process's runit {@code run} script execs, as an
 * argv: each value is one argument, never seen by a shell.
 *
 * <ul>
 *   <li>attached, not {@code -d}: runit supervises the client, whose stdout and stderr are the
 *       container's, so they reach svlogd like any process's output, and whose signals ({@code
 *       stop_signal}, runit's TERM) are forwarded to the container;
 *   <li>{@code --rm} and a name unique on the engine, {@code <group id>-<process>}: a second run
 *       after a crash does not collide with the first, and the finish script removes by name;
 *   <li>labels with the group id, its dir, the creating JVM and the uid: stop, the owner watchdog
 *       and prune find every container pgroup made;
 *   <li>{@code --init}: a tiny init as pid 1 passes the stop signal on, where a shell as pid 1 would
 *       ignore TERM and make every stop wait out its stop_timeout;
 *   <li>the process dir bind-mounted at the same path: rendered templates and
 *       {@code {{process.dir}}} mean the same inside and outside;
 *   <li>{@code -e NAME} for each variable of {@code env}: the run script exports the values, and the
 *       client passes them on, so values stay out of the argv (and of {@code ps}).
 * </ul>
 */
public final class ContainerRun {
    /** The host, as seen from a Docker container: binaries of the group listen there. */
    public static final String HOST_ALIAS = "host.pgroup.internal";

    private ContainerRun() {}

    /**
     * @param ports the process's leased host ports by name
     * @param envNames the variables the run script exports
     * @param command the rendered {@code command}, empty for the image's own
     */
    public static List<String> argv(
            ContainerEngine engine,
            String groupId,
            Path groupDir,
            String process,
            ContainerSpec spec,
            Map<String, Integer> ports,
            Path serviceDir,
            Path workdir,
            Collection<String> envNames,
            List<String> command) {
        List<String> argv = new ArrayList<>();
        argv.add(engine.client().toString());
        argv.add("run");
        argv.add("--rm");
        argv.add("--init");
        argv.add("--name");
        argv.add(containerName(groupId, process));
        argv.addAll(ContainerPlan.labelArguments(groupId, groupDir));
        if (engine.name().equals("docker")) {
            // Podman has host.containers.internal on its own.
            argv.add("--add-host");
            argv.add(HOST_ALIAS + ":host-gateway");
        }
        spec.publish().forEach((name, containerPort) -> {
            argv.add("-p");
            argv.add("127.0.0.1:" + ports.get(name) + ":" + containerPort);
        });
        argv.add("-v");
        argv.add(serviceDir + ":" + serviceDir);
        argv.add("-w");
        argv.add(workdir.toString());
        for (String name : envNames) {
            argv.add("-e");
            argv.add(name);
        }
        argv.add(spec.image());
        argv.addAll(command);
        return argv;
    }

    /** Unique on the engine: group ids are, and process names are unique in a group. */
    public static String containerName(String groupId, String process) {
        return groupId + "-" + process;
    }
}
