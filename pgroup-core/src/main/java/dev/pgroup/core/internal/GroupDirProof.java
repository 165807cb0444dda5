package dev.pgroup.core.internal;

import dev.pgroup.PGroup;
import dev.pgroup.core.internal.definition.Names;
import dev.pgroup.core.internal.os.TrustedDirectory;
import dev.pgroup.core.internal.runit.GroupLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Says whether a directory is provably a pgroup group dir, which prune must know before it deletes
 * one (DESIGN.md, "Trust boundaries"), and if not, why not.
 */
final class GroupDirProof {
    private GroupDirProof() {}

    /**
     * Why {@code dir} is not provably a pgroup group dir, or empty when it is: its name is a group id
     * ({@code id} if given), it is a directory of this user's and no symlink, and its {@code .pgroup}
     * dir is too. A dir found in the base dir must also hold pgroup's state files ({@link
     * #noStateFiles}); a registered one may lack them (a create killed halfway), since the registry
     * names it.
     */
    static Optional<String> notAGroupDir(Path dir, String id) {
        String name = dir.getFileName().toString();
        if (id != null ? !name.equals(id) : !Names.isValidGroupId(name)) {
            return Optional.of(
                    id != null
                            ? "its name is not the group id " + id
                            : "its name is not a pgroup group id (ids look like cache-host-k3f9qz)");
        }
        Optional<String> problem = ownDirectory(dir);
        if (problem.isPresent()) {
            return problem;
        }
        GroupLayout layout = new GroupLayout(dir);
        if (!Files.exists(layout.stateDir(), LinkOption.NOFOLLOW_LINKS)) {
            if (id != null && isEmpty(dir)) {
                return Optional.empty(); // a registered create killed before it wrote anything
            }
            return Optional.of("it has no " + PGroup.STATE_DIR + " directory, so it is not a pgroup group");
        }
        return ownDirectory(layout.stateDir()).map(p -> layout.stateDir() + ": " + p);
    }

    /** pgroup's manifest or runtime settings, of this user: a home dir's {@code .pgroup} has neither. */
    static Optional<String> noStateFiles(GroupLayout layout) {
        for (Path file : List.of(layout.manifest(), layout.runtimeSettings())) {
            if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
                    && TrustedDirectory.fileProblem(file).isEmpty()) {
                return Optional.empty();
            }
        }
        return Optional.of("its " + PGroup.STATE_DIR + " holds neither "
                + layout.manifest().getFileName() + " nor "
                + layout.runtimeSettings().getFileName() + " of this user, so it is not a pgroup group");
    }

    /**
     * Whether {@code dir} is what a create killed in its first steps leaves: between its {@code
     * mkdir} of {@code .pgroup} and the database record it writes next, the dir holds an empty
     * {@code .pgroup}, or one with only the creator record (CreatorRecord). Nothing of a user's can
     * be lost by deleting such a dir, and no live create stays in that state for more than moments;
     * the caller checks its age and that it is a dir of this user's with a group id's name ({@link
     * #notAGroupDir}). A dir without {@code .pgroup} is never taken for one: a user's empty dir
     * looks the same, and the create makes {@code .pgroup} in the very next step.
     */
    static boolean isFirstStepsOfACreate(GroupLayout layout) {
        Path state = layout.stateDir();
        try (var entries = Files.list(layout.directory())) {
            for (Path entry : entries.toList()) {
                if (!entry.equals(state) || !Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                    return false;
                }
            }
        } catch (IOException e) {
            return false;
        }
        if (!Files.isDirectory(state, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try (var entries = Files.list(state)) {
            for (Path entry : entries.toList()) {
                if (!entry.getFileName().toString().equals(CreatorRecord.FILE)
                        || !Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean isEmpty(Path dir) {
        try (var entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    /** A dir of this user's, not a symlink. Its mode is not checked: the base dir's is. */
    private static Optional<String> ownDirectory(Path dir) {
        try {
            if (Files.isSymbolicLink(dir)) {
                return Optional.of("it is a symlink, and prune never deletes through one");
            }
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                return Optional.of("it is not a directory");
            }
            int uid = (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            if (uid != TrustedDirectory.currentUid()) {
                return Optional.of("it belongs to uid " + uid + ", not to you");
            }
            return Optional.empty();
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return Optional.of("its owner cannot be read: " + e);
        }
    }

    /**
     * Whether {@code dir} is provably the dir of the registered create {@code id} that did not
     * finish: its state files may not be written yet, so the state dir suffices.
     */
    static boolean isUnfinishedGroupDir(Path dir, String id) {
        return Names.isValidGroupId(id)
                && dir.getFileName().toString().equals(id)
                && !Files.isSymbolicLink(dir)
                && Files.isDirectory(dir.resolve(PGroup.STATE_DIR), LinkOption.NOFOLLOW_LINKS);
    }
}
