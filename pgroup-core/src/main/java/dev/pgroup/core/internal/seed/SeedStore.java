package dev.pgroup.core.internal.seed;

import dev.pgroup.core.internal.definition.GroupDefinition;
import dev.pgroup.core.internal.definition.ProcessDefinition;
import dev.pgroup.core.internal.os.FilePermissions;
import dev.pgroup.core.internal.os.TreeCopy;
import dev.pgroup.core.internal.os.TrustedDirectory;
import dev.pgroup.core.model.PGroupException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The seeds dir next to the database: each cached seed's read-only files in {@code <key>/}, and
 * in {@code <key>.info} what made it, whose mtime says when a group last used it.
 */
final class SeedStore {
    private final Path seedsDir;

    SeedStore(Path seedsDir) {
        this.seedsDir = seedsDir;
    }

    Path dir() {
        return seedsDir;
    }

    /** The files of seed {@code key}. */
    Path seed(String key) {
        return seedsDir.resolve(key);
    }

    boolean isCached(String key) {
        return Files.isDirectory(seed(key));
    }

    /** Creates the seeds dir if need be; it must be this user's alone, as the database dir. */
    void open() {
        try {
            TrustedDirectory.check(seedsDir.getParent(), "database dir");
            FilePermissions.createPrivateDirectories(seedsDir);
            TrustedDirectory.check(seedsDir, "seed dir");
        } catch (IOException e) {
            throw new PGroupException("cannot create the seed dir " + seedsDir + ": " + e, e);
        }
    }

    /** The lock of seed {@code key}; see {@link SeedLock#acquire}. */
    SeedLock lock(String key, Duration wait, String what) {
        return SeedLock.acquire(seedsDir, key, wait, what);
    }

    /** Moves a finished work dir into place as seed {@code key}, and records what made it. */
    void publish(String key, Path work, GroupDefinition definition, ProcessDefinition p) throws IOException {
        writeInfo(key, definition, p);
        Path target = seed(key);
        // Into place in one rename; across file systems, copied next to it first and then renamed.
        try {
            Files.move(work, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Path tmp = seedsDir.resolve("." + target.getFileName() + ".tmp");
            TreeCopy.deleteReadOnlyTree(tmp);
            TreeCopy.copy(work, tmp);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    private void writeInfo(String key, GroupDefinition definition, ProcessDefinition p) throws IOException {
        Properties info = new Properties();
        info.setProperty("process", p.name());
        info.setProperty("definition", definition.directory().toString());
        info.setProperty("created", Instant.now().toString());
        info.setProperty("command", String.join(" ", p.seed().command()));
        try (OutputStream out = Files.newOutputStream(infoFile(key))) {
            info.store(out, "pgroup seed " + key);
        }
    }

    Path infoFile(String key) {
        return seedsDir.resolve(key + ".info");
    }

    /** The info file's mtime says when a group last used the seed: prune goes by it. */
    void touch(String key) {
        try {
            Files.setLastModifiedTime(infoFile(key), FileTime.from(Instant.now()));
        } catch (IOException e) {
            // Prune finds an older time and may remove a seed in use sooner; copies stay valid.
        }
    }

    Instant lastUsed(String key) {
        try {
            return Files.getLastModifiedTime(infoFile(key)).toInstant();
        } catch (IOException e) {
            return Instant.EPOCH;
        }
    }

    Properties readInfo(String key) {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(infoFile(key))) {
            p.load(in);
        } catch (IOException e) {
            // An info file lost: the seed is still listed, with what is known.
        }
        return p;
    }

    /** The keys of the cached seeds, sorted. */
    List<String> keys() {
        if (!Files.isDirectory(seedsDir, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        return entries(seedsDir).stream()
                .map(p -> p.getFileName().toString())
                .filter(SeedKey::isKey)
                .filter(k -> Files.isDirectory(seed(k), LinkOption.NOFOLLOW_LINKS))
                .toList();
    }

    /** A dir's entries, sorted; none when it cannot be read. */
    static List<Path> entries(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
