package dev.pgroup.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SQLite's native library runs as the user, so pgroup loads its cached copy only from a dir chain
 * that no one else can write (issue 9, item 4). Which library a JVM mapped is read from its
 * /proc/self/maps, in a fresh JVM per case since a library loads once per JVM.
 */
class NativeLibraryTrustTest {
    @TempDir
    Path tmp;

    /** Runs {@link NativeLibraryChild}; returns its output lines. */
    private List<String> child(Path database) throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self")), "reads /proc/self/maps");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(
                        java,
                        "-XX:TieredStopAtLevel=1",
                        "-cp",
                        System.getProperty("java.class.path"),
                        NativeLibraryChild.class.getName(),
                        tmp.resolve("base").toString(),
                        database.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        return out.lines().toList();
    }

    private static Path cachedLibrary(Path databaseDir) throws Exception {
        try (var files = Files.walk(databaseDir.resolve("native"))) {
            return files.filter(f -> f.getFileName().toString().startsWith("libsqlitejdbc"))
                    .findFirst()
                    .orElseThrow();
        }
    }

    @Test
    void aLibraryInTheUsersOwnCacheIsLoadedFromThere() throws Exception {
        Path dir = tmp.resolve("db");

        List<String> out = child(dir.resolve("pgroup.db"));

        assertThat(out).contains("opened", "mapped: " + cachedLibrary(dir));
    }

    @Test
    void aCachedLibraryOwnedByAnotherUserIsNotLoaded() throws Exception {
        Path dir = tmp.resolve("db");
        child(dir.resolve("pgroup.db")); // unpacks the real library into the cache
        Path planted = cachedLibrary(dir);
        OtherUser.chown(planted); // as if another user had put it there

        List<String> out = child(dir.resolve("pgroup.db"));

        assertThat(out).contains("opened");
        assertThat(out)
                .filteredOn(l -> l.startsWith("mapped: "))
                .isNotEmpty()
                .noneMatch(l -> l.contains(planted.toString()));
    }

    @Test
    void aCachedLibraryInADirOthersCanWriteIsNotLoaded() throws Exception {
        Path dir = tmp.resolve("db");
        child(dir.resolve("pgroup.db"));
        Path planted = cachedLibrary(dir);
        Files.setPosixFilePermissions(planted.getParent(), PosixFilePermissions.fromString("rwxrwxrwx"));

        List<String> out = child(dir.resolve("pgroup.db"));

        assertThat(out).contains("opened");
        assertThat(out)
                .filteredOn(l -> l.startsWith("mapped: "))
                .isNotEmpty()
                .noneMatch(l -> l.contains(planted.toString()));
    }

    @Test
    void aDatabaseInASharedDirIsRefusedBeforeAnyNativeCodeLoads() throws Exception {
        // The layout: PGROUP_DATABASE=/tmp/pgroup.db, with a library another user planted.
        Path shared = Files.createDirectory(tmp.resolve("shared"));
        Path planted = Files.createDirectories(shared.resolve("native/sqlite-x/Linux/x86_64"))
                .resolve("libsqlitejdbc.so");
        Files.writeString(planted, "planted");
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));

        List<String> out = child(shared.resolve("pgroup.db"));

        assertThat(out)
                .containsExactly("error: refusing the database dir " + shared
                        + ": it is writable by others (mode 0777), so another user could plant files in it or move"
                        + " yours; run chmod go-w " + shared + ", or use another directory");
        assertThat(shared.resolve("pgroup.db")).doesNotExist();
    }

    @Test
    void theDatabaseAndItsWalAndShmFilesAreReadableOnlyByTheUserAfterAWrite() throws Exception {
        Path db = tmp.resolve("state/pgroup.db");
        try (PGroupEngine engine = PGroupEngine.builder()
                        .baseDir(tmp.resolve("base"))
                        .database(db)
                        .build();
                Group group = engine.create(TestEngines.definition("redis-single"))) {
            for (String suffix : List.of("", "-wal", "-shm")) {
                Path file = Path.of(db + suffix);
                assertThat(Files.getPosixFilePermissions(file))
                        .as(file.toString())
                        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
            }
        }
    }
}
