package dev.pgroup.core.internal.os;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Copies a tree with everything a server's data dir needs kept (modes, owners, times, symlinks as
 * links) as fast as the file system allows: GNU cp's {@code --reflink=auto} clones the data on
 * btrfs and XFS and copies it elsewhere; macOS's cp {@code -c} clones on APFS. Hard links are never
 * used: a server writes its files in place, and a write through one link is a write to every copy.
 */
public final class TreeCopy {
    private static final boolean POSIX =
            FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private static final List<String> CP = command();

    private TreeCopy() {}

    /** Copies {@code source} to {@code target}, which must not exist yet. */
    public static void copy(Path source, Path target) throws IOException {
        List<String> cp = new ArrayList<>(CP);
        cp.add(source.toString());
        cp.add(target.toString());
        Process p = Spawning.start(new ProcessBuilder(cp).redirectErrorStream(true));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        try {
            if (p.waitFor() != 0) {
                throw new IOException(
                        "cannot copy " + source + " to " + target + ": " + String.join(" ", cp) + ": " + out);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while copying " + source + " to " + target, e);
        }
    }

    /** Whether copies are clones where the file system can make them (always tried, never required). */
    public static String method() {
        return String.join(" ", CP);
    }

    /** Takes every write bit away, files first, so that nothing writes into the tree by mistake. */
    public static void makeReadOnly(Path root) throws IOException {
        changeWrite(root, false);
    }

    /** Gives the owner back the write bit everywhere, e.g. in a copy of a read-only tree. */
    public static void makeOwnerWritable(Path root) throws IOException {
        changeWrite(root, true);
    }

    /** Deletes a tree that may be read-only. */
    public static void deleteReadOnlyTree(Path root) throws IOException {
        if (Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            changeWrite(root, true);
        }
        FileTrees.deleteTree(root);
    }

    /** The bytes the tree's files take, as their sizes add up. */
    public static long size(Path root) throws IOException {
        AtomicLong total = new AtomicLong();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                total.addAndGet(attrs.size());
                return FileVisitResult.CONTINUE;
            }
        });
        return total.get();
    }

    private static void changeWrite(Path root, boolean writable) throws IOException {
        if (!POSIX) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (writable) {
                    set(dir, true); // before its entries, so that a delete after this can remove them
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (attrs.isRegularFile() || attrs.isDirectory()) {
                    set(file, writable);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                if (!writable) {
                    set(dir, false); // after its entries: they are changed while it is still writable
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void set(Path path, boolean writable) throws IOException {
        Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
        perms.addAll(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
        boolean changed = writable
                ? perms.add(PosixFilePermission.OWNER_WRITE)
                : perms.removeAll(Set.of(
                        PosixFilePermission.OWNER_WRITE,
                        PosixFilePermission.GROUP_WRITE,
                        PosixFilePermission.OTHERS_WRITE));
        if (changed) {
            Files.setPosixFilePermissions(path, perms);
        }
    }

    /** GNU cp where it is (Linux), else the BSD cp of macOS, which clones with -c. */
    private static List<String> command() {
        boolean gnu;
        try {
            Process p = Spawning.start(new ProcessBuilder("cp", "--version").redirectErrorStream(true));
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            gnu = p.waitFor() == 0 && out.contains("GNU");
        } catch (IOException e) {
            gnu = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            gnu = false;
        }
        if (gnu) {
            return List.of("cp", "-a", "--reflink=auto", "--");
        }
        String os = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT);
        return os.contains("mac") ? List.of("cp", "-pRc", "--") : List.of("cp", "-pR", "--");
    }
}
