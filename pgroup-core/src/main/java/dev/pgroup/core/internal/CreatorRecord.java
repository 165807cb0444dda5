package dev.pgroup.core.internal;

import dev.pgroup.core.internal.os.TrustedDirectory;
import dev.pgroup.core.internal.runit.GroupLayout;
import dev.pgroup.core.internal.state.Owner;
import dev.pgroup.core.internal.state.OwnerLock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Which JVM made a group dir: the name of its owner lock, written into {@code .pgroup/creator} right
 * before the database record and the registry row. A create killed -9 between its {@code
 * mkdir} and its row (a create waiting for the database lock, say) leaves a dir that no row names
 * and that has none of the state files written later; without this record prune could neither tell
 * it from a create in progress nor prove it pgroup's, and left it there for good.
 */
final class CreatorRecord {
    static final String FILE = "creator";

    private CreatorRecord() {}

    /** Records {@code creator}'s lock; the caller writes the database record next. */
    static void write(GroupLayout layout, Owner creator) throws IOException {
        Files.writeString(file(layout), creator.lockName() + "\n", StandardCharsets.UTF_8);
    }

    /**
     * Whether the dir is a create of {@code database} whose JVM died before it registered the group:
     * both records are there, of this user, the database record names {@code database}, and nobody
     * holds the creator's lock in that database's owners dir. The caller has checked that no row of
     * {@code database} names the dir, and that the dir's name, owner and state dir are pgroup's.
     */
    static boolean diedUnregistered(GroupLayout layout, Path database) {
        Path creator = file(layout);
        Path record = layout.databaseRecord();
        if (!ownFile(creator) || !ownFile(record)) {
            return false;
        }
        try {
            Path recorded = Path.of(Files.readString(record).strip()).normalize();
            if (!recorded.equals(database.toAbsolutePath().normalize())) {
                return false; // another database's create: its prune decides
            }
            String name = Files.readString(creator).strip();
            if (name.isEmpty() || name.equals("null")) {
                return false;
            }
            // Only a plain name: the record never points the liveness check outside the owners dir.
            Path lock = OwnerLock.ownersDir(database).resolve(Path.of(name).getFileName());
            return !OwnerLock.isHeld(lock);
        } catch (IOException | InvalidPathException e) {
            return false;
        }
    }

    private static boolean ownFile(Path file) {
        return Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
                && TrustedDirectory.fileProblem(file).isEmpty();
    }

    private static Path file(GroupLayout layout) {
        return layout.stateDir().resolve(FILE);
    }
}
