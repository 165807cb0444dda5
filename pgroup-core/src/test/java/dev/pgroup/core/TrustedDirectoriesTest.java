package dev.pgroup.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.pgroup.core.internal.EngineDefaults;
import dev.pgroup.core.model.PGroupException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * The base dir and the database dir must be the user's alone, as ssh's StrictModes and
 * XDG_RUNTIME_DIR demand: another user who owns or can write one could plant a pid file that prune
 * signals, or rename a running group away from stop and terminate (issue 9, item 3).
 */
class TrustedDirectoriesTest {
    @TempDir
    Path tmp;

    private PGroupEngine engine(Path base, Path database) {
        return PGroupEngine.builder().baseDir(base).database(database).build();
    }

    /** Every engine use that touches the base dir refuses it, naming it and what is wrong. */
    private void assertBaseDirRefused(Path base, String why) throws Exception {
        try (PGroupEngine engine = engine(base, tmp.resolve("db/pgroup.db"))) {
            List<Executable> uses = List.of(
                    () -> engine.create(TestEngines.definition("redis-single")),
                    engine::prune,
                    engine::list,
                    engine::groupIds,
                    () -> engine.open("cache-host-abc123"));
            for (Executable use : uses) {
                PGroupException e = catchThrowableOfType(PGroupException.class, use::execute);
                assertThat(e).isNotNull();
                assertThat(e.getMessage())
                        .contains("refusing the base dir " + base)
                        .contains(why);
            }
        }
        try (var left = Files.list(base)) {
            assertThat(left.toList())
                    .as("nothing was created in the refused dir")
                    .isEmpty();
        }
    }

    @Test
    void aBaseDirOwnedByAnotherUserIsRefused() throws Exception {
        Path base = Files.createDirectory(tmp.resolve("base"));
        OtherUser.chown(base);

        assertBaseDirRefused(base, "it is owned by " + OtherUser.NAME);
    }

    @Test
    void aWorldWritableBaseDirIsRefused() throws Exception {
        Path base = Files.createDirectory(tmp.resolve("base"));
        Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxrwxrwx"));

        assertBaseDirRefused(
                base,
                "writable by others (mode 0777), so another user could plant files in it or move yours;"
                        + " run chmod go-w " + base);
    }

    @Test
    void aGroupWritableBaseDirIsRefused() throws Exception {
        Path base = Files.createDirectory(tmp.resolve("base"));
        Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxrwx---"));

        assertBaseDirRefused(base, "writable by its group (mode 0770)");
    }

    @Test
    void aBaseDirThatIsASymlinkIsRefused() throws Exception {
        Path real = Files.createDirectory(tmp.resolve("real"));
        Path base = Files.createSymbolicLink(tmp.resolve("base"), real);

        assertBaseDirRefused(base, "it is a symlink (to " + real + ")");
    }

    @Test
    void aBaseDirInAWorldWritableParentWithoutTheStickyBitIsRefused() throws Exception {
        Path open = Files.createDirectory(tmp.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path base = Files.createDirectory(open.resolve("base"));

        assertBaseDirRefused(
                base, "its parent " + open.toRealPath() + " is writable by everyone without the sticky bit");
    }

    @Test
    void aBaseDirReachedThroughAnotherUsersSymlinkIsRefused() throws Exception {
        // The /tmp/pgroup-<you> attack one level up: the other user's link decides where it lives.
        Path theirs = Files.createDirectory(tmp.resolve("theirs"));
        Path link = Files.createSymbolicLink(tmp.resolve("link"), theirs);
        OtherUser.chown(link);
        Path base = Files.createDirectory(link.resolve("base"));

        assertBaseDirRefused(base, "its path goes through the symlink " + link + " of " + OtherUser.NAME);
    }

    @Test
    void aBaseDirReachedThroughTheUsersOwnSymlinkIsAccepted() throws Exception {
        Path real = Files.createDirectory(tmp.resolve("real"));
        Path link = Files.createSymbolicLink(tmp.resolve("link"), real);
        try (PGroupEngine engine = engine(link.resolve("base"), tmp.resolve("db/pgroup.db"));
                Group group = engine.create(TestEngines.definition("redis-single"))) {
            assertThat(group.directory()).startsWith(link.resolve("base"));
        }
    }

    @Test
    void aBaseDirInAStickyWorldWritableParentIsAccepted() throws Exception {
        Path shared = Files.createDirectory(tmp.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        new ProcessBuilder("chmod", "+t", shared.toString()).start().waitFor();
        try (PGroupEngine engine = engine(shared.resolve("base"), tmp.resolve("db/pgroup.db"));
                Group group = engine.create(TestEngines.definition("redis-single"))) {
            assertThat(group.directory()).startsWith(shared.resolve("base"));
        }
    }

    /** The database dir is checked when the database opens, which the first registry use does. */
    private void assertDatabaseDirRefused(Path database, String why) throws Exception {
        try (PGroupEngine engine = engine(tmp.resolve("base"), database)) {
            List<Executable> uses =
                    List.of(() -> engine.create(TestEngines.definition("redis-single")), engine::prune, engine::list);
            for (Executable use : uses) {
                PGroupException e = catchThrowableOfType(PGroupException.class, use::execute);
                assertThat(e).isNotNull();
                assertThat(e.getMessage())
                        .contains("refusing the database dir " + database.getParent())
                        .contains(why);
            }
        }
        assertThat(database).doesNotExist();
    }

    @Test
    void aDatabaseDirOwnedByAnotherUserIsRefused() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("db"));
        OtherUser.chown(dir);

        assertDatabaseDirRefused(dir.resolve("pgroup.db"), "it is owned by " + OtherUser.NAME);
    }

    @Test
    void aWorldWritableDatabaseDirIsRefused() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("db"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));

        assertDatabaseDirRefused(dir.resolve("pgroup.db"), "writable by others (mode 0777)");
    }

    @Test
    void aDatabaseDirThatIsASymlinkIsRefused() throws Exception {
        Path real = Files.createDirectory(tmp.resolve("real"));
        Path dir = Files.createSymbolicLink(tmp.resolve("db"), real);

        assertDatabaseDirRefused(dir.resolve("pgroup.db"), "it is a symlink (to " + real + ")");
    }

    @Test
    void theDefaultBaseDirIsUnderXdgRuntimeDirWhenThatIsTheUsersAlone() throws Exception {
        Path runtime = Files.createDirectory(tmp.resolve("run-user"));
        Files.setPosixFilePermissions(runtime, PosixFilePermissions.fromString("rwx------"));

        assertThat(EngineDefaults.baseDir(Map.of("XDG_RUNTIME_DIR", runtime.toString())))
                .isEqualTo(runtime.resolve("pgroup"));
    }

    @Test
    void theDefaultBaseDirIsTheTempDirWhenXdgRuntimeDirIsUnsetOrNotTheUsers() throws Exception {
        Path tmpDefault = Path.of(System.getProperty("java.io.tmpdir"), "pgroup-" + System.getProperty("user.name"));
        Path shared = Files.createDirectory(tmp.resolve("shared-run"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));

        assertThat(EngineDefaults.baseDir(Map.of())).isEqualTo(tmpDefault);
        assertThat(EngineDefaults.baseDir(Map.of("XDG_RUNTIME_DIR", shared.toString())))
                .isEqualTo(tmpDefault);
        assertThat(EngineDefaults.baseDir(
                        Map.of("XDG_RUNTIME_DIR", tmp.resolve("missing").toString())))
                .isEqualTo(tmpDefault);
        assertThat(EngineDefaults.baseDir(Map.of("XDG_RUNTIME_DIR", shared.toString(), "PGROUP_BASE_DIR", "/x/y")))
                .isEqualTo(Path.of("/x/y"));
    }
}
