package dev.pgroup.core.internal.runit;

import java.nio.file.Path;

/**
 * What runit's scripts and pgroup's stop need to know about a process that runs as a container.
 * Its {@link ProcessPlan#command()} is already the engine's attached {@code run}.
 *
 * @param engine the engine client, absolute ({@code docker} or {@code podman})
 * @param name the container's name, unique on the engine: {@code <group id>-<process>}
 * @param image the image reference as written
 * @param imageId the image's id when create checked it, e.g. {@code sha256:...}
 */
public record ContainerPlan(Path engine, String name, String image, String imageId) {
    /** The label every container of a group carries, with the group id as its value. */
    public static final String GROUP_LABEL = "dev.pgroup.group";
    /** The label with the group's directory: prune checks whether that group still runs. */
    public static final String DIR_LABEL = "dev.pgroup.dir";
    /** The label with the pid of the JVM that created the group. */
    public static final String OWNER_LABEL = "dev.pgroup.owner";
    /** The label with the uid of the user who created the group: prune touches only the user's own. */
    public static final String UID_LABEL = "dev.pgroup.uid";
}
