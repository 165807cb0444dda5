package dev.pgroup.core.internal.os;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/** Group dirs and the database are the user's alone: other users could read ports or plant scripts. */
public final class FilePermissions {
    private static final boolean POSIX =
            FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    public static final Set<PosixFilePermission> EXECUTABLE = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> PRIVATE_FILE = PosixFilePermissions.fromString("rw-------");

    private FilePermissions() {}

    /** Creates missing directories; the last one is made rwx for the user only if it is new. */
    public static void createPrivateDirectories(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        Files.createDirectories(dir);
        makePrivate(dir);
    }

    /** Creates one directory (failing if it exists), rwx for the user only. */
    public static Path createPrivateDirectory(Path dir) throws IOException {
        Files.createDirectory(dir);
        makePrivate(dir);
        return dir;
    }

    public static void makePrivate(Path path) throws IOException {
        if (POSIX && Files.exists(path)) {
            Files.setPosixFilePermissions(path, Files.isDirectory(path) ? EXECUTABLE : PRIVATE_FILE);
        }
    }

    public static void makeExecutable(Path file) throws IOException {
        if (POSIX) {
            Files.setPosixFilePermissions(file, EXECUTABLE);
        }
    }
}
