package dev.pgroup.core.internal.runit;

import dev.pgroup.core.internal.os.FileTrees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
    private GroupDirDeletion() {}

    /** Deletes the group dir, if there is one; never follows a symlink out of it. */
    public static void delete(GroupLayout layout) throws IOException {
        Path dir = layout.directory();
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.deleteIfExists(dir); // a symlink in its place: the link goes, never what it points to
            return;
        }
        Path stateDir = layout.stateDir();
        Set<Path> proofs = Set.of(layout.manifest(), layout.runtimeSettings(), layout.databaseRecord());
        IOException failure = deleteEntries(dir, Set.of(stateDir), null);
        if (Files.isDirectory(stateDir, LinkOption.NOFOLLOW_LINKS)) {
            failure = deleteEntries(stateDir, proofs, failure);
        }
        if (failure != null) {
            throw failure; // the proofs stay
        }
        FileTrees.deleteTree(stateDir);
        FileTrees.deleteTree(dir);
    }

    /** Deletes each entry of {@code dir} but {@code kept}, all of them even when one fails. */
    private static IOException deleteEntries(Path dir, Set<Path> kept, IOException failure) {
        List<Path> entries = new ArrayList<>();
        try (var list = Files.list(dir)) {
            list.forEach(entries::add);
        } catch (NoSuchFileException e) {
            return failure;
        } catch (IOException e) {
            return first(failure, e);
        }
        for (Path entry : entries) {
            if (kept.contains(entry)) {
                continue;
            }
            try {
                FileTrees.deleteTree(entry);
            } catch (IOException e) {
                failure = first(failure, e);
            }
        }
        return failure;
    }

    private static IOException first(IOException failure, IOException e) {
        if (failure == null) {
            return e;
        }
        failure.addSuppressed(e);
        return failure;
    }
}
