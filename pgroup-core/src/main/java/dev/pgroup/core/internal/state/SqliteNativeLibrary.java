package dev.pgroup.core.internal.state;

import dev.pgroup.core.internal.os.FilePermissions;
import dev.pgroup.core.internal.os.TrustedDirectory;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.sqlite.SQLiteJDBCLoader;
import org.sqlite.util.OSInfo;

/**
 * Loads sqlite-jdbc's native library from a per-user cache instead of letting every JVM unpack it
 * into the temp dir: unpacking cost 120-280 ms of each Maven build's first {@code create} here.
 * The library is unpacked once per sqlite-jdbc version, next to the database.
 *
 * <p>Native code runs as this user, so the cached library is loaded only when every dir from the
 * database dir down to it, and the file itself, is this user's alone ({@link TrustedDirectory}):
 * with a database in a shared dir, another user could plant the file. Otherwise pgroup falls back to
 * sqlite-jdbc's own loading (unpacked to a fresh randomly named temp file and checked against the
 * bundled copy) rather than refusing: that is safe, only slower, and a stray chmod in the cache must
 * not stop every build.
 *
 * <p>sqlite-jdbc reads the {@code org.sqlite.lib.*} system properties once, when it loads. They are
 * set only around that load, so that other sqlite-jdbc users in the same JVM (another Maven plugin,
 * perhaps another version) are not pointed at this library.
 */
final class SqliteNativeLibrary {
    private static boolean loaded;

    /** Every level of the cache is created private, or the trust check would refuse it. */
    private static final FileAttribute<?> PRIVATE_DIRS =
            PosixFilePermissions.asFileAttribute(FilePermissions.EXECUTABLE);

    private SqliteNativeLibrary() {}

    /**
     * Why the library at {@code lib} may not be loaded, or empty when it may: the first dir on the
     * way down from {@code databaseDir} (which the database already checked) or the file itself that
     * is not this user's alone.
     */
    static Optional<String> untrusted(Path databaseDir, Path lib) {
        java.util.List<Path> chain = new java.util.ArrayList<>();
        for (Path p = lib.getParent(); p != null && !p.equals(databaseDir); p = p.getParent()) {
            chain.add(0, p);
        }
        for (Path dir : chain) {
            Optional<String> problem = TrustedDirectory.problem(dir);
            if (problem.isPresent()) {
                return Optional.of(dir + ": " + problem.get());
            }
        }
        return TrustedDirectory.fileProblem(lib).map(p -> lib + ": " + p);
    }

    static synchronized void load(Path cacheRoot) {
        if (loaded) {
            return;
        }
        loaded = true;
        if (System.getProperty("org.sqlite.lib.path") != null) {
            return; // the user chose a library
        }
        try {
            String folder = OSInfo.getNativeLibFolderPathForCurrentOS();
            String name = System.mapLibraryName("sqlitejdbc");
            if (name.endsWith(".jnilib")) {
                name = name.replace(".jnilib", ".dylib");
            }
            Path dir =
                    cacheRoot.resolve("sqlite-" + SQLiteJDBCLoader.getVersion()).resolve(folder);
            Path lib = dir.resolve(name);
            if (!Files.exists(lib, LinkOption.NOFOLLOW_LINKS)) {
                try (InputStream in =
                        SQLiteJDBCLoader.class.getResourceAsStream("/org/sqlite/native/" + folder + "/" + name)) {
                    if (in == null) {
                        return; // no bundled library for this platform: let sqlite-jdbc find one
                    }
                    Files.createDirectories(dir, PRIVATE_DIRS);
                    Path tmp = Files.createTempFile(dir, name, ".tmp");
                    Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                    Files.move(tmp, lib, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            if (untrusted(cacheRoot.getParent(), lib).isPresent()) {
                return; // someone else could have written it: never load it
            }
            System.setProperty("org.sqlite.lib.path", dir.toString());
            System.setProperty("org.sqlite.lib.name", name);
            try {
                SQLiteJDBCLoader.initialize();
            } finally {
                System.clearProperty("org.sqlite.lib.path");
                System.clearProperty("org.sqlite.lib.name");
            }
        } catch (Exception | LinkageError e) {
            // The cache is only a speed-up: sqlite-jdbc's own loading still works.
        }
    }
}
