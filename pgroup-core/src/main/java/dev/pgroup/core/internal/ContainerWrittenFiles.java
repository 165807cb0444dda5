package dev.pgroup.core.internal;

import dev.pgroup.Manifest;
import dev.pgroup.core.internal.container.ContainerEngine;
import dev.pgroup.core.internal.os.Executables;
import dev.pgroup.core.internal.os.ShortCommand;
import dev.pgroup.core.internal.os.TrustedDirectory;
import dev.pgroup.core.internal.runit.ContainerPlan;
import dev.pgroup.core.internal.runit.GroupDirDeletion;
import dev.pgroup.core.internal.runit.GroupLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Deletes a group's dir when its containers wrote there as another user. A container runs as its
 * image's user, often root, with its process dir mounted; under a rootful engine what it writes
 * there is that user's, and a group of a user who is not root holds a dir that user cannot empty
 * (a directory the container made, with files in it). The engine made those files, so the engine
 * gives them back: a one-off container of the process's image, as root, with only the process dir
 * mounted, runs {@code chown -R -h <uid>:<gid>} on it, and the deletion is tried once more. Only
 * when a deletion failed, so a terminate that can delete pays nothing.
 *
 * <p>An image without {@code chown} (a distroless one), or an engine that refuses, leaves the
 * files: the error then names the dir, the process and the way out, and the group stays
 * registered with its proof files, so a terminate or prune after the way out finishes.
 */
public final class ContainerWrittenFiles {
    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(120);

    private ContainerWrittenFiles() {}

    /** Why a group dir could not be deleted, with what the user can do about it. */
    public static final class NotDeleted extends IOException {
        NotDeleted(String message, IOException cause) {
            super(message, cause);
        }
    }

    /**
     * Deletes the group dir ({@link GroupDirDeletion}); when that fails and the group has container
     * processes, has the engine give their process dirs to this user and deletes again.
     *
     * @throws NotDeleted when the dir stays, saying which process's dir and how to remove it
     * @throws IOException when the dir stays and no container wrote there
     */
    public static void delete(GroupLayout layout, Map<String, String> environment) throws IOException {
        try {
            GroupDirDeletion.delete(layout);
            return;
        } catch (IOException first) {
            Manifest manifest = manifest(layout);
            List<Manifest.ProcessInfo> containers = manifest == null
                    ? List.of()
                    : manifest.processes().stream()
                            .filter(p -> p.image() != null)
                            .toList();
            if (containers.isEmpty()) {
                throw first;
            }
            List<String> problems = new ArrayList<>();
            for (Manifest.ProcessInfo p : containers) {
                reclaim(layout, manifest.groupId(), p, environment).ifPresent(problems::add);
            }
            try {
                GroupDirDeletion.delete(layout);
            } catch (IOException again) {
                again.addSuppressed(first);
                throw new NotDeleted(
                        "cannot delete " + layout.directory() + ": " + again
                                + (problems.isEmpty() ? "" : "; " + String.join("; ", problems))
                                + ". A container process writes its process dir as its image's user (root, for"
                                + " most images): delete what is left as that user (sudo rm -rf "
                                + String.join(" ", dirs(layout, containers))
                                + "), then terminate or prune again finishes",
                        again);
            }
        }
    }

    /** The group's manifest, a proof file that a failed deletion keeps; null when unreadable. */
    private static Manifest manifest(GroupLayout layout) {
        try {
            return Manifest.read(layout.manifest());
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static List<String> dirs(GroupLayout layout, List<Manifest.ProcessInfo> containers) {
        return containers.stream()
                .map(p -> layout.serviceDir(p.name()).toString())
                .toList();
    }

    /** Has the engine give {@code p}'s process dir to this user; returns why it could not. */
    private static Optional<String> reclaim(
            GroupLayout layout, String groupId, Manifest.ProcessInfo p, Map<String, String> environment) {
        // One dir of the group's own, whatever a tampered manifest names: the chown runs as root.
        Path dir = layout.serviceDir(p.name());
        if (!layout.directory().equals(dir.getParent())
                || p.name().startsWith(".")
                || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        Optional<Path> client = ContainerPlan.readMarker(layout, p.name())
                .map(ContainerPlan::engine)
                .or(() -> defaultClient(environment));
        if (client.isEmpty()) {
            return Optional.of("process '" + p.name() + "' ran as a container, and no docker or podman is on PATH to"
                    + " give its files back");
        }
        String owner;
        try {
            owner = TrustedDirectory.currentUid() + ":" + Files.getAttribute(layout.directory(), "unix:gid");
        } catch (IOException | UnsupportedOperationException e) {
            owner = Integer.toString(TrustedDirectory.currentUid());
        }
        String image = ContainerPlan.imageOf(p.image(), p.imageId());
        List<String> args = new ArrayList<>(List.of("run", "--rm", "--network", "none", "--user", "0:0"));
        args.addAll(ContainerPlan.labelArguments(groupId, layout.directory()));
        args.addAll(List.of("-v", dir + ":" + dir, "--entrypoint", "chown", image, "-R", "-h", owner, dir.toString()));
        ShortCommand run = ShortCommand.run(client.get(), environment, RUN_TIMEOUT, args.toArray(String[]::new));
        return run.ok()
                ? Optional.empty()
                : Optional.of("process '" + p.name() + "' (image " + p.image() + ") wrote there as its image's user,"
                        + " and its engine could not give the files back ("
                        + client.get().getFileName()
                        + " run ... --entrypoint chown " + image + " -R -h " + owner + " " + dir + ": "
                        + run.firstErrorLine() + ")");
    }

    /** The client the group's engine most likely was: the variable's, else docker, else podman. */
    private static Optional<Path> defaultClient(Map<String, String> environment) {
        String path = environment.getOrDefault("PATH", "");
        String named = environment.get(ContainerEngine.ENGINE_VARIABLE);
        if (named != null && !named.isBlank()) {
            return Executables.find(named, path);
        }
        return Executables.find("docker", path).or(() -> Executables.find("podman", path));
    }
}
