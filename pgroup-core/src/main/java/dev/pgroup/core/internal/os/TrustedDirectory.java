package dev.pgroup.core.internal.os;

import dev.pgroup.core.model.PGroupException;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The base dir, the database dir and the native library's dir must be this user's alone (DESIGN.md,
 * "Trust boundaries"): whoever else can write one can plant a pid file that pgroup signals, a group
 * dir that prune deletes, or a library that runs as this user. The rules are those of ssh's
 * StrictModes and {@code XDG_RUNTIME_DIR}: owned by this user, not writable by group or others, not
 * a symlink. Its parents may be shared (a project checked out in a dir another uid owns is common in
 * containers), but a parent that everyone can write without the sticky bit lets anyone rename the
 * dir and put their own in its place, so that is refused too.
 */
public final class TrustedDirectory {
    private static final boolean UNIX =
            FileSystems.getDefault().supportedFileAttributeViews().contains("unix");
    private static final int GROUP_OR_OTHERS_WRITE = 0022;
    private static final int OTHERS_WRITE = 0002;
    private static final int STICKY = 01000;

    private TrustedDirectory() {}

    /**
     * Refuses {@code dir} unless it is this user's alone; a dir that does not exist yet passes (the
     * caller creates it privately and checks again).
     *
     * @param role what the dir is for, e.g. "base dir", for the message
     * @throws PGroupException naming the dir, what is wrong and how to fix it
     */
    public static void check(Path dir, String role) {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        problem(dir).ifPresent(p -> {
            throw new PGroupException("refusing the " + role + " " + dir + ": " + p);
        });
    }

    /** Why {@code dir} is not this user's alone, or empty when it is (or cannot be told on this OS). */
    public static Optional<String> problem(Path dir) {
        return problem(dir, true);
    }

    /** Why {@code file} (a regular file) could have been written by someone else, or empty. */
    public static Optional<String> fileProblem(Path file) {
        return problem(file, false);
    }

    private static Optional<String> problem(Path path, boolean directory) {
        if (!UNIX) {
            return Optional.empty();
        }
        try {
            Map<String, Object> a = Files.readAttributes(
                    path, "unix:uid,mode,isSymbolicLink,isDirectory,isRegularFile", LinkOption.NOFOLLOW_LINKS);
            if ((Boolean) a.get("isSymbolicLink")) {
                return Optional.of("it is a symlink (to " + Files.readSymbolicLink(path) + "), and whoever can"
                        + " change a link can redirect pgroup's files; use the real directory instead, or"
                        + " remove the link");
            }
            if (directory ? !(Boolean) a.get("isDirectory") : !(Boolean) a.get("isRegularFile")) {
                return Optional.of("it is not a " + (directory ? "directory" : "regular file"));
            }
            int uid = (Integer) a.get("uid");
            int mode = (Integer) a.get("mode");
            if (uid != currentUid()) {
                return Optional.of("it is owned by " + ownerName(path, uid) + ", not by you (uid " + currentUid()
                        + "), so its owner could plant files in it or move yours; use a directory of your own"
                        + " instead");
            }
            if ((mode & GROUP_OR_OTHERS_WRITE) != 0) {
                return Optional.of("it is writable by " + ((mode & OTHERS_WRITE) != 0 ? "others" : "its group")
                        + " (mode " + String.format("%04o", mode & 07777) + "), so another user could plant"
                        + " files in it or move yours; run chmod go-w " + path + ", or use another directory");
            }
            return directory ? openParent(path) : Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.of("it does not exist");
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return Optional.of("its owner and mode cannot be read: " + e);
        }
    }

    /**
     * A parent everyone can write, without the sticky bit that /tmp has, lets anyone replace the dir;
     * a symlink on the way that another user owns (not root: macOS's /tmp and /var are root's links)
     * lets its owner choose where the dir really is.
     */
    private static Optional<String> openParent(Path dir) throws IOException {
        Path parent = dir.toAbsolutePath().getParent();
        for (Path p = parent; p != null; p = p.getParent()) {
            if (Files.isSymbolicLink(p)) {
                int uid = (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
                if (uid != 0 && uid != currentUid()) {
                    return Optional.of("its path goes through the symlink " + p + " of " + ownerName(p, uid)
                            + ", who could point it elsewhere; use a path without it");
                }
            }
        }
        for (Path p = parent == null ? null : parent.toRealPath(); p != null; p = p.getParent()) {
            int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            if ((mode & OTHERS_WRITE) != 0 && (mode & STICKY) == 0) {
                return Optional.of("its parent " + p + " is writable by everyone without the sticky bit (mode "
                        + String.format("%04o", mode & 07777) + "), so anyone could rename it and put their own in"
                        + " its place; run chmod o-w " + p + " (or chmod +t), or use another directory");
            }
        }
        return Optional.empty();
    }

    private static String ownerName(Path path, int uid) {
        try {
            String name = Files.getOwner(path, LinkOption.NOFOLLOW_LINKS).getName();
            return name.equals(Integer.toString(uid)) ? "uid " + uid : name + " (uid " + uid + ")";
        } catch (IOException e) {
            return "uid " + uid;
        }
    }

    /**
     * This process's uid. On Linux the owner of /proc/self (the effective uid); elsewhere the JDK's
     * UnixSystem; failing both, the owner of a file this process creates.
     */
    public static int currentUid() {
        return Uid.VALUE;
    }

    private static final class Uid {
        static final int VALUE = read();

        private static int read() {
            try {
                return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            } catch (IOException | RuntimeException e) {
                // Not Linux: fall through.
            }
            try {
                return (int) new com.sun.security.auth.module.UnixSystem().getUid();
            } catch (RuntimeException | LinkageError e) {
                // A runtime without jdk.security.auth: fall through.
            }
            try {
                Path probe = Files.createTempFile("pgroup-uid", "");
                try {
                    return (Integer) Files.getAttribute(probe, "unix:uid");
                } finally {
                    Files.deleteIfExists(probe);
                }
            } catch (IOException e) {
                throw new PGroupException("cannot tell this process's uid: " + e, e);
            }
        }
    }
}
