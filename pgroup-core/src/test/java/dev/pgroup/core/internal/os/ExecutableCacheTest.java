package dev.pgroup.core.internal.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lookups a create repeats come from the cache, and the cache never hides a change for long. */
class ExecutableCacheTest {
    @TempDir
    Path dir;

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final ExecutableCache cache = new ExecutableCache(now::get);

    @Test
    void aProgramInstalledAfterAFailedLookupIsFoundAtOnce() throws IOException {
        Path bin = Files.createDirectory(dir.resolve("bin"));
        String path = bin.toString();
        assertEquals(Optional.empty(), cache.lookUp("tool", path));
        Path tool = executable(bin.resolve("tool"));
        assertEquals(Optional.of(tool), cache.lookUp("tool", path), "a failed lookup is not remembered");
    }

    @Test
    void anotherPathIsLookedUpOnItsOwn() throws IOException {
        Path first = Files.createDirectory(dir.resolve("first"));
        Path second = Files.createDirectory(dir.resolve("second"));
        Path inFirst = executable(first.resolve("tool"));
        Path inSecond = executable(second.resolve("tool"));
        assertEquals(Optional.of(inFirst), cache.lookUp("tool", first + ":" + second));
        assertEquals(Optional.of(inSecond), cache.lookUp("tool", second.toString()));
        assertEquals(Optional.of(inSecond), cache.lookUp("tool", second + ":" + first));
    }

    @Test
    void aFoundProgramIsRememberedUntilItsEntryIsOld() throws IOException {
        Path early = Files.createDirectory(dir.resolve("early"));
        Path late = Files.createDirectory(dir.resolve("late"));
        String path = early + ":" + late;
        Path inLate = executable(late.resolve("tool"));
        assertEquals(Optional.of(inLate), cache.lookUp("tool", path));
        // Shadowed now; within the TTL the cache still answers without walking PATH.
        Path inEarly = executable(early.resolve("tool"));
        now.addAndGet(ExecutableCache.TTL_NANOS - 1);
        assertEquals(Optional.of(inLate), cache.lookUp("tool", path), "served from the cache");
        now.addAndGet(1);
        assertEquals(Optional.of(inEarly), cache.lookUp("tool", path), "looked up again once the entry is old");
    }

    @Test
    void aRemovedProgramIsNotFoundOnceItsEntryIsOld() throws IOException {
        Path bin = Files.createDirectory(dir.resolve("bin"));
        Path tool = executable(bin.resolve("tool"));
        assertEquals(Optional.of(tool), cache.lookUp("tool", bin.toString()));
        Files.delete(tool);
        now.addAndGet(ExecutableCache.TTL_NANOS);
        assertEquals(Optional.empty(), cache.lookUp("tool", bin.toString()));
    }

    @Test
    void aNameWithASlashIsCheckedEachTime() throws IOException {
        Path tool = executable(dir.resolve("tool"));
        assertEquals(Optional.of(tool), cache.lookUp(tool.toString(), ""));
        Files.delete(tool);
        assertTrue(cache.lookUp(tool.toString(), "").isEmpty());
    }

    private static Path executable(Path file) throws IOException {
        Files.writeString(file, "#!/bin/sh\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        return file.toAbsolutePath();
    }
}
