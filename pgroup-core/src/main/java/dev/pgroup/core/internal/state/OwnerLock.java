package dev.pgroup.core.internal.state;

import dev.pgroup.core.internal.os.FilePermissions;
import dev.pgroup.core.model.PGroupException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;

/**
 * An owner's liveness as a kernel-held file lock: each owner JVM locks a file of its own, {@code
 * <state dir>/owners/<random>.lock}, for as long as it lives, and the kernel drops the lock on any
 * death. Unlike a pid, this holds across PID namespaces and containers that share the file system.
 *
 * <p>A lock file is created under a temporary name, locked, and only then renamed to its {@code
 * .lock} name, so an unlocked {@code .lock} file always means a dead owner: a checker never mistakes
 * a JVM that is still setting up its lock for a dead one, and may delete any {@code .lock} file it
 * can lock.
 *
 * <p>POSIX record locks belong to the process, and closing <em>any</em> descriptor of a file drops
 * them. So this JVM never opens its own lock files a second time: it knows them by device and inode
 * in {@link #HELD}, and takes the locks of other owners' files only through a channel it closes at
 * once.
 */
public final class OwnerLock {
    private static final String SUFFIX = ".lock";
    private static final char[] ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * This JVM's locks, by owners dir. Static on purpose: the channel must stay strongly reachable
     * for the JVM's life, or the garbage collector would close it and release the lock.
     */
    private static final Map<Path, Held> HELD = new HashMap<>();

    /** @param fileKey the file's identity (device and inode), which no path spelling changes */
    private record Held(Path file, Object fileKey, FileChannel channel, FileLock lock) {}

    private OwnerLock() {}

    /** The owners dir of a database: next to it, so every JVM sharing the database shares it. */
    public static Path ownersDir(Path databaseFile) {
        return databaseFile.toAbsolutePath().getParent().resolve("owners");
    }

    /**
     * This JVM's lock file in {@code ownersDir}, created and locked on first use. Unlocked lock files
     * of dead owners found there are deleted on the way, so the dir does not grow with every JVM.
     */
    public static synchronized Path acquire(Path ownersDir) {
        Path dir = ownersDir.toAbsolutePath().normalize();
        Held held = HELD.get(dir);
        if (held != null && held.lock().isValid() && Files.exists(held.file())) {
            return held.file();
        }
        if (held != null) {
            // Someone deleted our file (rm -rf of the state dir): a fresh one, or we would count as dead.
            closeQuietly(held.channel());
        }
        try {
            FilePermissions.createPrivateDirectories(dir);
            deleteDeadLocks(dir);
            Path temporary = dir.resolve("." + randomName() + ".tmp");
            FileChannel channel = FileChannel.open(
                    temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
            try {
                FilePermissions.makePrivate(temporary);
                FileLock lock = channel.lock();
                Path file = dir.resolve(randomName() + SUFFIX);
                try {
                    Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temporary, file);
                }
                Object key = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                        .fileKey();
                HELD.put(dir, new Held(file, key, channel, lock));
                return file;
            } catch (IOException | RuntimeException e) {
                closeQuietly(channel);
                Files.deleteIfExists(temporary);
                throw e;
            }
        } catch (IOException e) {
            throw new PGroupException("cannot create this JVM's owner lock in " + dir + ": " + e, e);
        }
    }

    /**
     * True when the lock file's owner is alive: the file exists and its lock is held by some process.
     * A missing file means a dead owner, since lock files are only deleted once nobody holds them.
     */
    public static synchronized boolean isHeld(Path lockFile) {
        return !lockIfDead(lockFile, false);
    }

    /** Deletes the lock file of a dead owner; does nothing while the owner lives. */
    public static synchronized void deleteIfDead(Path lockFile) {
        lockIfDead(lockFile, true);
    }

    /** Deletes every lock file in {@code ownersDir} that nobody holds; for prune. */
    public static synchronized void deleteDeadLocks(Path ownersDir) throws IOException {
        if (!Files.isDirectory(ownersDir)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(ownersDir, "*" + SUFFIX)) {
            for (Path file : files) {
                lockIfDead(file, true);
            }
        }
    }

    /** @return true when nobody holds the lock (the file may then be deleted, if {@code delete}) */
    private static boolean lockIfDead(Path lockFile, boolean delete) {
        Path file = lockFile.toAbsolutePath().normalize();
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return true;
        } catch (IOException e) {
            return false; // cannot tell: never take a live owner for dead
        }
        if (!attributes.isRegularFile()) {
            return false; // not one of ours (a symlink, say); never follow it, never delete through it
        }
        // Ours, under whatever path: by identity, since a second channel's close would drop our lock.
        Object key = attributes.fileKey();
        if (HELD.values().stream()
                .anyMatch(h ->
                        h.lock().isValid() && (h.file().equals(file) || (key != null && key.equals(h.fileKey()))))) {
            return false;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                return false;
            }
            if (delete) {
                // While holding the lock: its owner is dead, and names are never reused.
                Files.deleteIfExists(file);
            }
            return true;
        } catch (NoSuchFileException e) {
            return true;
        } catch (OverlappingFileLockException e) {
            return false; // another thread of this JVM is testing it right now
        } catch (IOException e) {
            return false; // cannot tell (e.g. not ours to open): never take a live owner for dead
        }
    }

    private static String randomName() {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            s.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
        }
        return s.toString();
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // Already unusable; a new lock replaces it.
        }
    }
}
