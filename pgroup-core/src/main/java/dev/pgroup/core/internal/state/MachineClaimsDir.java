package dev.pgroup.core.internal.state;

import dev.pgroup.core.internal.os.TrustedDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Finds the dir of {@link MachineClaims} and decides whether to trust it. Every user writes there,
 * so it is used only as /tmp itself would be: a real dir (no symlink), writable by everyone with
 * the sticky bit (so that no one deletes or replaces another's files), and owned by root or this
 * user (the sticky bit does not bind a dir's owner). Anything else gets one line on stderr per JVM
 * and reason, saying how to fix it, and leases carry on without it.
 */
final class MachineClaimsDir {
    /** Where the dir is; the default is {@link #DEFAULT_DIR}. */
    static final String DIR_VARIABLE = "PGROUP_MACHINE_CLAIMS";

    /** /tmp on macOS too, where {@code java.io.tmpdir} is a dir of the user's own. */
    static final Path DEFAULT_DIR = Path.of("/tmp", "pgroup-port-claims");

    private static final int STICKY_AND_WORLD_WRITABLE = 01002;
    /** Each reason a dir is unusable is printed once per JVM, not once per lease. */
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

    private MachineClaimsDir() {}

    /**
     * The machine's claims dir, created (mode 1777) when missing; empty, after one line on stderr
     * saying why, when it is not a real dir that is sticky, writable by everyone and owned by root
     * or this user. pgroup then keeps other users off by the probe-bind alone, as before.
     */
    static Optional<Path> locate(Map<String, String> environment) {
        String configured = System.getProperty(MachineClaims.TEST_DIR, environment.get(DIR_VARIABLE));
        Path dir = configured == null || configured.isBlank()
                ? DEFAULT_DIR
                : Path.of(configured).toAbsolutePath().normalize();
        return usable(dir);
    }

    /**
     * {@code dir} made when missing and checked, as {@link #locate} does: also for a dir that
     * went away while this JVM used it (a /tmp cleaner).
     */
    static Optional<Path> usable(Path dir) {
        int uid;
        try {
            uid = TrustedDirectory.currentUid();
        } catch (RuntimeException e) {
            return unusable(dir, "this process's uid cannot be told: " + e.getMessage());
        }
        try {
            if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                create(dir);
            }
            Optional<String> problem = problem(dir, uid);
            if (problem.isPresent()) {
                return unusable(dir, problem.get());
            }
        } catch (IOException | RuntimeException e) {
            return unusable(dir, "it cannot be created or read: " + e);
        }
        return Optional.of(dir);
    }

    /**
     * Created under another name and renamed into place, so that no other user ever sees it before
     * it is mode 1777 (they would take it for unusable).
     */
    private static void create(Path dir) throws IOException {
        Path parent = dir.getParent();
        Files.createDirectories(parent);
        Path fresh = parent.resolve("." + dir.getFileName() + "-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        Files.createDirectory(fresh);
        try {
            Files.setAttribute(fresh, "unix:mode", 01777, LinkOption.NOFOLLOW_LINKS);
            Files.move(fresh, dir, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            // Someone else made it first (or the rename failed): theirs is checked like any other.
            Files.deleteIfExists(fresh);
            if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                throw e;
            }
        }
    }

    private static Optional<String> problem(Path dir, int uid) throws IOException {
        Map<String, Object> a =
                Files.readAttributes(dir, "unix:uid,mode,isSymbolicLink,isDirectory", LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) a.get("mode");
        int owner = (Integer) a.get("uid");
        if ((Boolean) a.get("isSymbolicLink")) {
            return Optional.of("it is a symlink");
        }
        if (!(Boolean) a.get("isDirectory")) {
            return Optional.of("it is not a directory");
        }
        if ((mode & STICKY_AND_WORLD_WRITABLE) != STICKY_AND_WORLD_WRITABLE) {
            return Optional.of("it is not writable by everyone with the sticky bit (mode "
                    + String.format("%04o", mode & 07777) + ", like /tmp's 1777 is needed)");
        }
        if (owner != 0 && owner != uid) {
            // The sticky bit does not bind a dir's owner: it could delete everyone's claims.
            return Optional.of("it is owned by uid " + owner + ", neither root nor you, and its owner could delete"
                    + " other users' claims");
        }
        return Optional.empty();
    }

    private static Optional<Path> unusable(Path dir, String why) {
        String line = "pgroup: other users' leases are kept off your ports only by the probe-bind: the machine's"
                + " port claims dir " + dir + " is unusable (" + why + "). Fix: remove it (pgroup recreates it) or"
                + " as root run: install -d -m 1777 -o root " + dir + "; or set " + DIR_VARIABLE
                + " to another dir all users share";
        if (WARNED.add(line)) {
            System.err.println(line);
        }
        return Optional.empty();
    }
}
