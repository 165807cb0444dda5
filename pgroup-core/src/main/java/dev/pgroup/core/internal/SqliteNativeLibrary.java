package dev.pgroup.core.internal;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.sqlite.SQLiteJDBCLoader;
import org.sqlite.util.OSInfo;

/**
 * Loads sqlite-jdbc's native library from a per-user cache instead of letting every JVM unpack it
 * into the temp dir: unpacking cost 120-280 ms of each Maven build's first {@code create} here.
 * The library is unpacked once per sqlite-jdbc version, next to the database.
 *
 * <p>sqlite-jdbc reads the {@code org.sqlite.lib.*} system properties once, when it loads. They are
 * set only around that load, so that other sqlite-jdbc users in the same JVM (another Maven plugin,
 * perhaps another version) are not pointed at this library.
 */
final class SqliteNativeLibrary {
    private static boolean loaded;

    private SqliteNativeLibrary() {}

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
            if (!Files.isRegularFile(lib)) {
                try (InputStream in =
                        SQLiteJDBCLoader.class.getResourceAsStream("/org/sqlite/native/" + folder + "/" + name)) {
                    if (in == null) {
                        return; // no bundled library for this platform: let sqlite-jdbc find one
                    }
                    FilePermissions.createPrivateDirectories(dir);
                    Path tmp = Files.createTempFile(dir, name, ".tmp");
                    Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                    Files.move(tmp, lib, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                }
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
