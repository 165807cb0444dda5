package dev.pgroup.core.internal;

import dev.pgroup.Manifest;
import dev.pgroup.core.internal.runit.GroupLayout;
import dev.pgroup.core.internal.runit.ProcessTreeStop;
import dev.pgroup.core.internal.runit.Supervisor;
import dev.pgroup.core.internal.state.GroupRegistry;
import dev.pgroup.core.model.GroupInfo;
import dev.pgroup.core.model.PGroupException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Finds a group by id: in the base dir first, then in the registry. When it cannot, it says why in
 * words: a dir without a manifest or a registered dir that is gone is not "no group".
 *
 * @param database the database file, for messages
 */
public record GroupFinder(Path baseDir, GroupRegistry registry, Path database) {

    /** A group's files and what its manifest says. */
    public record Found(GroupLayout layout, Manifest manifest) {}

    /**
     * The files of a group created earlier, by this or another JVM, and its manifest.
     *
     * @throws PGroupException when there is no such group, or its manifest cannot be read
     */
    public Found find(String groupId) {
        GroupLayout layout = layoutOf(groupId);
        try {
            return new Found(layout, Manifest.read(layout.manifest()));
        } catch (RuntimeException e) {
            throw new PGroupException(
                    "group '" + groupId + "' has an unreadable manifest " + layout.manifest() + ": " + e.getMessage()
                            + "; 'prune' cleans up a group whose files were damaged",
                    e);
        }
    }

    /** The groups of the registry, oldest first. */
    public List<GroupInfo> all() {
        List<GroupInfo> out = new ArrayList<>();
        for (GroupRegistry.Entry e : registry.all()) {
            // The same test as Group.status() and isRunning(): the group's verified runsvdir (the
            // registry's pid is written only once a start has succeeded); for a group whose dir was
            // deleted while it ran, the runsvdir the registry recorded, verified.
            boolean running = Supervisor.runsvdir(new GroupLayout(e.directory()))
                            .isPresent()
                    || (!Files.isDirectory(e.directory()) && e.runsvdir().isPresent());
            out.add(new GroupInfo(
                    e.id(), e.name(), e.directory(), e.owner().pid(), !e.owner().isDead(), running, e.createdAt()));
        }
        return out;
    }

    private GroupLayout layoutOf(String groupId) {
        // The base dir first: status, env and logs of a local group then never load SQLite.
        GroupLayout layout = new GroupLayout(baseDir.resolve(groupId));
        if (Files.isRegularFile(layout.manifest())) {
            return layout;
        }
        Optional<GroupRegistry.Entry> entry = registry.find(groupId);
        Optional<Path> registered = entry.map(GroupRegistry.Entry::directory);
        return registered
                .map(GroupLayout::new)
                .filter(l -> Files.isRegularFile(l.manifest()))
                .orElseThrow(
                        () -> entry.flatMap(GroupFinder::directoryGone).orElseGet(() -> notFound(groupId, registered)));
    }

    /**
     * Forgets a registered group whose directory is gone ({@code mvn clean} of a kept group, an
     * {@code rm -rf}), after stopping its processes, if any still run, through the runsvdir the
     * registry recorded (verified).
     *
     * @return false when the group's directory is there (or it is not registered): nothing done
     */
    public boolean forgetIfDirectoryGone(String groupId) {
        boolean inBaseDir = Files.isRegularFile(new GroupLayout(baseDir.resolve(groupId)).manifest());
        Optional<GroupRegistry.Entry> entry = inBaseDir ? Optional.empty() : registry.find(groupId);
        if (entry.isEmpty() || Files.exists(entry.get().directory(), LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        GroupRegistry.Entry e = entry.get();
        Optional<ProcessHandle> runsvdir = e.runsvdir();
        if (runsvdir.isPresent() && !ProcessTreeStop.stop(e.directory(), runsvdir.get(), Duration.ofSeconds(10))) {
            throw new PGroupException("cannot stop group " + groupId + " (runsvdir pid "
                    + runsvdir.get().pid() + "), whose directory " + e.directory()
                    + " is gone; its ports stay leased");
        }
        registry.remove(groupId);
        return true;
    }

    /** The ids of the groups under the base dir, oldest first. */
    public List<String> idsInBaseDir() {
        if (!Files.isDirectory(baseDir)) {
            return List.of();
        }
        try (var dirs = Files.list(baseDir)) {
            return dirs.filter(d -> Files.isRegularFile(new GroupLayout(d).manifest()))
                    .map(d -> Manifest.read(new GroupLayout(d).manifest()))
                    .sorted(Comparator.comparing(Manifest::createdAt))
                    .map(Manifest::groupId)
                    .toList();
        } catch (IOException e) {
            throw new PGroupException("cannot list " + baseDir + ": " + e, e);
        }
    }

    /**
     * The failure for a registered group whose directory was deleted while its runsvdir runs on: a
     * Group cannot be opened without its files, and prune is what stops it. One that does not run
     * is left to {@link #notFound}.
     */
    private static Optional<PGroupException> directoryGone(GroupRegistry.Entry e) {
        if (Files.isDirectory(e.directory())) {
            return Optional.empty();
        }
        return e.runsvdir()
                .map(r -> new PGroupException("group '" + e.id() + "' is registered, but its directory " + e.directory()
                        + " is gone while its processes still run (runsvdir pid " + r.pid()
                        + "); prune stops them and releases its ports"));
    }

    /**
     * Why {@code groupId} cannot be opened, in words: a dir without a manifest (a create that did not
     * finish, files deleted) or a registered dir that is gone is not "no group".
     */
    private PGroupException notFound(String groupId, Optional<Path> registered) {
        for (Path dir : registered.isPresent()
                ? List.of(baseDir.resolve(groupId), registered.get())
                : List.of(baseDir.resolve(groupId))) {
            if (Files.isDirectory(dir)) {
                return new PGroupException("group '" + groupId + "' in " + dir + " has no manifest "
                        + new GroupLayout(dir).manifest()
                        + ": its create did not finish or its files were deleted; 'prune' cleans it up");
            }
        }
        if (registered.isPresent()) {
            return new PGroupException("group '" + groupId + "' is registered in " + database + " with the directory "
                    + registered.get() + ", which is gone; 'prune' forgets it");
        }
        return new PGroupException("no group '" + groupId + "' on this machine (looked in " + baseDir
                + " and in the registry " + database + ")" + existingGroupsHint());
    }

    /** The ids open() can find in the base dir: dirs named by id that hold a manifest. */
    private String existingGroupsHint() {
        List<String> ids = new ArrayList<>();
        if (Files.isDirectory(baseDir)) {
            try (var dirs = Files.list(baseDir)) {
                dirs.filter(d -> Files.isRegularFile(new GroupLayout(d).manifest()))
                        .map(d -> d.getFileName().toString())
                        .sorted()
                        .forEach(ids::add);
            } catch (IOException e) {
                return " (cannot list " + baseDir + ": " + e + ")";
            }
        }
        return ids.isEmpty() ? " (it holds no groups)" : "; it holds " + ids;
    }
}
