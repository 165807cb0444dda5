package dev.pgroup.core.internal.runit;

import dev.pgroup.core.internal.os.FileTrees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Set;

/**
 * Deletes a stopped group's dir so that a deletion that fails halfway (a file system gone read-only,
 * a mount left inside a process dir, a process that is not the group's writing there) leaves a dir
 * that is still provably the group's: everything else goes first, the state dir's proof files
 * (manifest, runtime settings, database record) last, so a later terminate or prune finishes the job.
 * A walk in directory order could delete {@code .pgroup} first and leave a dir that prune, rightly,
 * no longer recognises and never deletes.
 */
public final class GroupDirDeletion {
    /** Directories runsv makes in every service dir (and svlogd's service dir, {@code log}). */
    private static final Set<String> RUNIT_DIRS = Set.of("supervise", "log");

    private GroupDirDeletion() {}

    /** Deletes the group dir, if there is one; never follows a symlink out of it. */
    public static void delete(GroupLayout layout) throws IOException {
        Path dir = layout.directory();
        Path stateDir = layout.stateDir();
        Set<Path> proofs = Set.of(layout.manifest(), layout.runtimeSettings(), layout.databaseRecord());
        // Linux, macOS: each dir opened once, relative to its parent; runit's supervise and log dirs
        // are known to be dirs, so none is first tried as a file.
        if (FileTrees.deleteLast(dir, stateDir.getFileName(), names(proofs), RUNIT_DIRS)) {
            return;
        }
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.deleteIfExists(dir); // a symlink in its place: the link goes, never what it points to
            return;
        }
        // Each pass reads its dir once and deletes relative to it (FileTrees.deleteEntries).
        IOException failure = FileTrees.deleteEntries(dir, names(Set.of(stateDir)));
        if (Files.isDirectory(stateDir, LinkOption.NOFOLLOW_LINKS)) {
            IOException inState = FileTrees.deleteEntries(stateDir, names(proofs));
            if (inState != null) {
                if (failure == null) {
                    failure = inState;
                } else {
                    failure.addSuppressed(inState);
                }
            }
        }
        if (failure != null) {
            throw failure; // the proofs stay
        }
        FileTrees.deleteTree(stateDir);
        FileTrees.deleteTree(dir);
    }

    private static Set<Path> names(Set<Path> paths) {
        return paths.stream().map(Path::getFileName).collect(java.util.stream.Collectors.toSet());
    }
}
