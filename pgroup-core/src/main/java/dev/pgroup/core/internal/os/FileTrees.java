package dev.pgroup.core.internal.os;

import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Recursive delete that never follows a symlink out of the tree.
 *
 * <p>Where the JDK offers a {@link SecureDirectoryStream} (Linux, macOS) each entry is removed
 * relative to its open directory: one {@code unlinkat} per file, and only a directory (whose unlink
 * fails) costs the open that reads it. {@link Files#walkFileTree} with {@link Files#deleteIfExists}
 * paid a stat in the walk and another in the delete for every file, plus a full path lookup each
 * time: at 200 groups terminating at once that was most of the stat calls of a terminate. Working
 * relative to directory fds opened with {@code O_NOFOLLOW} also means no symlink swapped in halfway
 * can redirect the delete. Elsewhere the walk stays the portable path.
 */
public final class FileTrees {
    private FileTrees() {}

    public static void deleteTree(Path root) throws IOException {
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(root, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return;
        }
        if (!attrs.isDirectory()) {
            Files.deleteIfExists(root); // a file, or a symlink: the link goes, never what it points to
            return;
        }
        DirectoryStream<Path> up = openParent(root);
        if (up instanceof SecureDirectoryStream<Path> secureParent) {
            try (secureParent) {
                deleteDirectory(secureParent, root.getFileName());
            }
            return;
        }
        if (up != null) {
            up.close();
        }
        walkAndDelete(root);
    }

    /**
     * Deletes every entry of {@code dir} (with what is in it) whose name is not in {@code keptNames},
     * all of them even when one fails; returns the first failure with the others suppressed, or null.
     * A missing {@code dir} has nothing to delete.
     */
    public static IOException deleteEntries(Path dir, Set<Path> keptNames) {
        DirectoryStream<Path> stream;
        try {
            stream = Files.newDirectoryStream(dir);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            return e;
        }
        List<Path> names = new ArrayList<>();
        try (stream) {
            for (Path entry : stream) {
                if (!keptNames.contains(entry.getFileName())) {
                    names.add(entry.getFileName());
                }
            }
            IOException failure = null;
            for (Path name : names) {
                try {
                    if (stream instanceof SecureDirectoryStream<Path> secure) {
                        deleteEntry(secure, name);
                    } else {
                        deleteTree(dir.resolve(name));
                    }
                } catch (IOException e) {
                    failure = first(failure, e);
                }
            }
            return failure;
        } catch (IOException | DirectoryIteratorException e) {
            return e instanceof DirectoryIteratorException d ? d.getCause() : (IOException) e;
        }
    }

    /**
     * Deletes the directory {@code root} with everything in it, {@code lastDir} (an entry of it) last
     * and in it {@code lastNames} last of all: when something cannot be deleted, this throws before
     * {@code lastNames} go, so they still mark what is left (a group's proof files). Every
     * directory is opened once, relative to its parent, never through a symlink, and read once.
     * Returns false, having deleted nothing, where the JDK has no {@link SecureDirectoryStream}
     * (the caller's portable path), or when {@code root} is not a directory.
     *
     * @param dirNames names below that are expected to be directories: each is looked at, not
     *     first tried as a file (see {@link #deleteEntry(SecureDirectoryStream, Path, boolean, Set)})
     */
    public static boolean deleteLast(Path root, Path lastDir, Set<Path> lastNames, Set<String> dirNames)
            throws IOException {
        DirectoryStream<Path> up = openParent(root);
        if (!(up instanceof SecureDirectoryStream<Path> parent)) {
            if (up != null) {
                up.close();
            }
            return false;
        }
        try (parent) {
            Path rootName = root.getFileName();
            BasicFileAttributes attrs = attributesOf(parent, rootName);
            if (attrs == null) {
                return true;
            }
            if (!attrs.isDirectory()) {
                return false;
            }
            SecureDirectoryStream<Path> dir;
            try {
                dir = parent.newDirectoryStream(rootName, LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException e) {
                return true;
            }
            try (dir) {
                IOException failure = null;
                boolean hasLast = false;
                for (Path name : names(dir)) {
                    if (name.equals(lastDir)) {
                        hasLast = true;
                        continue;
                    }
                    try {
                        deleteEntry(dir, name, true, dirNames);
                    } catch (IOException e) {
                        failure = first(failure, e);
                    }
                }
                if (hasLast) {
                    deleteLastDir(dir, lastDir, lastNames, failure);
                }
                if (failure != null) {
                    throw failure;
                }
            }
            removeEmptied(parent, rootName);
        }
        return true;
    }

    /** {@code lastDir} of {@link #deleteLast}; throws {@code failure} before {@code lastNames} go. */
    private static void deleteLastDir(
            SecureDirectoryStream<Path> dir, Path lastDir, Set<Path> lastNames, IOException failure)
            throws IOException {
        BasicFileAttributes attrs = attributesOf(dir, lastDir);
        if (attrs == null) {
            return;
        }
        if (!attrs.isDirectory()) {
            if (failure != null) {
                throw failure;
            }
            deleteEntry(dir, lastDir);
            return;
        }
        SecureDirectoryStream<Path> last;
        try {
            last = dir.newDirectoryStream(lastDir, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return;
        }
        try (last) {
            List<Path> names = names(last);
            for (Path name : names) {
                if (!lastNames.contains(name)) {
                    try {
                        deleteEntry(last, name);
                    } catch (IOException e) {
                        failure = first(failure, e);
                    }
                }
            }
            if (failure != null) {
                throw failure; // the last names stay
            }
            for (Path name : names) {
                if (lastNames.contains(name)) {
                    deleteEntry(last, name);
                }
            }
        }
        removeEmptied(dir, lastDir);
    }

    /** Removes the directory {@code name} of {@code parent}, emptied just now; what appeared meanwhile goes too. */
    private static void removeEmptied(SecureDirectoryStream<Path> parent, Path name) throws IOException {
        try {
            parent.deleteDirectory(name);
        } catch (NoSuchFileException e) {
            // gone already
        } catch (DirectoryNotEmptyException e) {
            deleteDirectory(parent, name); // read it again
        }
    }

    /** {@code name}'s attributes in {@code dir}, no symlink followed (one {@code fstatat}); null when it is gone. */
    private static BasicFileAttributes attributesOf(SecureDirectoryStream<Path> dir, Path name) throws IOException {
        try {
            return dir.getFileAttributeView(name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .readAttributes();
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** The names in {@code dir}, read once. */
    private static List<Path> names(SecureDirectoryStream<Path> dir) throws IOException {
        List<Path> names = new ArrayList<>();
        try {
            for (Path entry : dir) {
                names.add(entry.getFileName());
            }
        } catch (DirectoryIteratorException e) {
            throw e.getCause();
        }
        return names;
    }

    private static IOException first(IOException failure, IOException e) {
        if (failure == null) {
            return e;
        }
        failure.addSuppressed(e);
        return failure;
    }

    /** The parent's stream, or null: none, or one this user may search but not read (mode 711). */
    private static DirectoryStream<Path> openParent(Path root) {
        Path parent = root.toAbsolutePath().getParent();
        if (parent == null) {
            return null;
        }
        try {
            return Files.newDirectoryStream(parent);
        } catch (IOException e) {
            return null;
        }
    }

    /** Deletes {@code name}, a directory in {@code parent}, with everything in it. */
    private static void deleteDirectory(SecureDirectoryStream<Path> parent, Path name) throws IOException {
        deleteDirectory(parent, name, Set.of());
    }

    private static void deleteDirectory(SecureDirectoryStream<Path> parent, Path name, Set<String> dirNames)
            throws IOException {
        SecureDirectoryStream<Path> dir;
        try {
            dir = parent.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return;
        }
        try (dir) {
            deleteContents(dir, dirNames);
        }
        try {
            parent.deleteDirectory(name);
        } catch (NoSuchFileException e) {
            // gone already
        }
    }

    private static void deleteContents(SecureDirectoryStream<Path> dir) throws IOException {
        deleteContents(dir, Set.of());
    }

    private static void deleteContents(SecureDirectoryStream<Path> dir, Set<String> dirNames) throws IOException {
        try {
            for (Path entry : dir) {
                // The iterator's paths are resolved against the directory's path; relative names
                // make every call below relative to the open directory.
                Path name = entry.getFileName();
                deleteEntry(dir, name, dirNames.contains(name.toString()), dirNames);
            }
        } catch (DirectoryIteratorException e) {
            throw e.getCause();
        }
    }

    /** Deletes {@code name} in {@code dir}: a file (or link) by one unlink, a directory with its contents. */
    private static void deleteEntry(SecureDirectoryStream<Path> dir, Path name) throws IOException {
        deleteEntry(dir, name, false, Set.of());
    }

    /**
     * As {@link #deleteEntry(SecureDirectoryStream, Path)}; a name the caller expects to be a
     * directory ({@code likelyDir}) is looked at first (one {@code fstatat}, no symlink followed)
     * instead of being tried as a file, whose failure costs a thrown exception as well.
     *
     * @param dirNames names expected to be directories below (runit's {@code supervise}, {@code log})
     */
    private static void deleteEntry(SecureDirectoryStream<Path> dir, Path name, boolean likelyDir, Set<String> dirNames)
            throws IOException {
        if (likelyDir) {
            BasicFileAttributes attrs = attributesOf(dir, name);
            if (attrs == null) {
                return;
            }
            if (attrs.isDirectory()) {
                deleteDirectory(dir, name, dirNames);
                return;
            }
        }
        IOException notAFile;
        try {
            dir.deleteFile(name);
            return;
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException e) {
            notAFile = e; // EISDIR on Linux, EPERM on macOS; or a real failure
        }
        // Opening it (O_NOFOLLOW, O_DIRECTORY) is the stat: what is no directory fails here.
        SecureDirectoryStream<Path> sub;
        try {
            sub = dir.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException e) {
            notAFile.addSuppressed(e);
            throw notAFile;
        }
        try (sub) {
            deleteContents(sub, dirNames);
        }
        try {
            dir.deleteDirectory(name);
        } catch (NoSuchFileException e) {
            // gone already
        }
    }

    /** The portable path: a walk that deletes each file and, after its entries, each directory. */
    private static void walkAndDelete(Path root) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null && !(e instanceof NoSuchFileException)) {
                    throw e;
                }
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
