package dev.pgroup.core.internal.state;

import dev.pgroup.core.internal.os.FilePermissions;
import dev.pgroup.core.internal.os.TrustedDirectory;
import dev.pgroup.core.model.PGroupException;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The files of a {@link StateDatabase} on disk: a trusted private dir, the native library loaded
 * from it, and a database file (with its {@code -wal} and {@code -shm}) only its user can read.
 */
final class DatabaseFiles {
    private DatabaseFiles() {}

    /** The dir checks and the native library: once per database object, before the first open. */
    static void prepare(Path file) {
        Path dir = file.getParent();
        // Checked before anything loads: the native library comes from this dir.
        TrustedDirectory.check(dir, "database dir");
        try {
            FilePermissions.createPrivateDirectories(dir);
            TrustedDirectory.check(dir, "database dir");
            createPrivateFile(file);
        } catch (IOException e) {
            throw new PGroupException("cannot create the directory of the pgroup database " + file + ": " + e, e);
        }
        SqliteNativeLibrary.load(dir.resolve("native"));
    }

    /** After the first open: databases made before pgroup created the file itself may have 644 files. */
    static void makePrivate(Path file) throws IOException {
        FilePermissions.makePrivate(file);
        FilePermissions.makePrivate(Path.of(file + "-wal"));
        FilePermissions.makePrivate(Path.of(file + "-shm"));
    }

    /**
     * SQLite creates the database with mode 644 and its {@code -wal} and {@code -shm} files with the
     * database's mode, so the file is created first, 600, and they follow.
     */
    private static void createPrivateFile(Path file) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException | UnsupportedOperationException e) {
            // An existing database is made private after the open; a non-POSIX one cannot be.
        }
    }
}
