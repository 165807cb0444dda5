package dev.pgroup.core.internal.runit;

import dev.pgroup.core.internal.os.TrustedDirectory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

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

    /**
     * The {@code --label} arguments every container of the group carries, its own and the one-off
     * ones pgroup runs for it: prune finds them by these and removes only what is left over.
     */
    public static List<String> labelArguments(String groupId, Path groupDir) {
        return List.of(
                "--label", GROUP_LABEL + "=" + groupId,
                "--label", DIR_LABEL + "=" + groupDir,
                "--label", OWNER_LABEL + "=" + ProcessHandle.current().pid(),
                "--label", UID_LABEL + "=" + TrustedDirectory.currentUid());
    }

    /** The image a container process runs: its id where create recorded one (the tag may have moved since). */
    public static String imageOf(String image, String imageId) {
        return imageId != null && !imageId.isEmpty() ? imageId : image;
    }

    /** Where start finds a process's engine and container name: {@code .pgroup/<process>.container}. */
    public static Path marker(GroupLayout layout, String process) {
        return layout.stateDir().resolve(process + ".container");
    }

    /** Writes the marker: the engine client on the first line, the container's name on the second. */
    void writeMarker(GroupLayout layout, String process) throws IOException {
        Files.writeString(marker(layout, process), engine + "\n" + name + "\n", StandardCharsets.UTF_8);
    }

    /** The engine and name of a container process, from its marker; empty for a local binary. */
    public static Optional<ContainerPlan> readMarker(GroupLayout layout, String process) {
        try {
            List<String> lines = Files.readAllLines(marker(layout, process), StandardCharsets.UTF_8);
            return lines.size() < 2
                    ? Optional.empty()
                    : Optional.of(new ContainerPlan(Path.of(lines.get(0)), lines.get(1), "", ""));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
