package dev.pgroup.core.internal.os;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The delete that terminate and prune run on group dirs: complete, and never through a symlink. */
class FileTreesTest {
    @TempDir
    Path tmp;

    /** A group dir's shapes: nested service dirs, a FIFO (runit's control), links out of the tree. */
    private Path tree(Path outside) throws Exception {
        Path root = Files.createDirectories(tmp.resolve("group"));
        Path supervise = Files.createDirectories(root.resolve("redis/supervise"));
        Files.writeString(supervise.resolve("pid"), "42\n");
        Files.createDirectories(root.resolve("redis/log/supervise/deeper/still"));
        Files.writeString(root.resolve("redis/log/supervise/deeper/still/file"), "x");
        Files.createDirectories(root.resolve("empty"));
        new ProcessBuilder("mkfifo", supervise.resolve("control").toString())
                .inheritIO()
                .start()
                .waitFor();
        Files.createSymbolicLink(root.resolve("redis/link-to-dir"), outside);
        Files.createSymbolicLink(root.resolve("link-to-file"), outside.resolve("keep.txt"));
        Files.createSymbolicLink(root.resolve("dangling"), tmp.resolve("nothing-here"));
        return root;
    }

    private Path outside() throws IOException {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("keep.txt"), "keep");
        return outside;
    }

    @Test
    void deleteTreeRemovesEverythingAndNothingALinkPointsTo() throws Exception {
        Path outside = outside();
        Path root = tree(outside);

        FileTrees.deleteTree(root);

        assertThat(root).doesNotExist();
        assertThat(outside.resolve("keep.txt")).hasContent("keep");
    }

    @Test
    void aSymlinkAsTheRootGoesAloneAndAMissingRootIsNoError() throws Exception {
        Path outside = outside();
        Path link = Files.createSymbolicLink(tmp.resolve("root-link"), outside);

        FileTrees.deleteTree(link);
        FileTrees.deleteTree(tmp.resolve("never-was"));

        assertThat(Files.exists(link, LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(outside.resolve("keep.txt")).hasContent("keep");
    }

    @Test
    void deleteEntriesKeepsTheNamedOnesAndDeletesTheRest() throws Exception {
        Path outside = outside();
        Path root = tree(outside);
        Files.writeString(root.resolve("manifest"), "proof");

        IOException failure = FileTrees.deleteEntries(root, Set.of(Path.of("manifest"), Path.of("empty")));

        assertThat(failure).isNull();
        try (var left = Files.list(root)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("manifest", "empty");
        }
        assertThat(outside.resolve("keep.txt")).hasContent("keep");
        assertThat(FileTrees.deleteEntries(tmp.resolve("never-was"), Set.of())).isNull();
    }

    @Test
    void deleteLastRemovesEverythingAndNothingALinkPointsToNorBlocksOnAFifoWhereADirIsExpected() throws Exception {
        Path outside = outside();
        Path root = tree(outside);
        Files.createDirectories(root.resolve("state"));
        Files.writeString(root.resolve("state/manifest"), "proof");
        // Where a dir is expected: a link to a dir outside, and a FIFO (opening one for reading blocks).
        Files.createDirectories(root.resolve("other"));
        Files.createSymbolicLink(root.resolve("other/supervise"), outside);
        new ProcessBuilder("mkfifo", root.resolve("other/log").toString())
                .inheritIO()
                .start()
                .waitFor();

        boolean done =
                FileTrees.deleteLast(root, Path.of("state"), Set.of(Path.of("manifest")), Set.of("supervise", "log"));

        assertThat(done).isTrue();
        assertThat(root).doesNotExist();
        assertThat(outside.resolve("keep.txt")).hasContent("keep");
        assertThat(FileTrees.deleteLast(tmp.resolve("never-was"), Path.of("state"), Set.of(), Set.of()))
                .isTrue();
    }

    @Test
    void deleteLastLeavesALinkAsTheRootToTheCaller() throws Exception {
        Path outside = outside();
        Path link = Files.createSymbolicLink(tmp.resolve("root-link"), outside);

        assertThat(FileTrees.deleteLast(link, Path.of("state"), Set.of(), Set.of()))
                .isFalse();

        assertThat(outside.resolve("keep.txt")).hasContent("keep");
    }

    @Test
    void deleteLastKeepsTheLastNamesWhenAnEntryCannotBeDeleted() throws Exception {
        Path outside = outside();
        Path root = tree(outside);
        Files.createDirectories(root.resolve("state"));
        Files.writeString(root.resolve("state/manifest"), "proof");
        Files.writeString(root.resolve("state/other"), "x");
        // A mount point cannot be removed while mounted.
        Path mounted = Files.createDirectories(root.resolve("redis/mnt"));
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", mounted.toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(mount.getInputStream().readAllBytes());
        org.junit.jupiter.api.Assumptions.assumeTrue(mount.waitFor() == 0, "cannot mount a tmpfs (needs root): " + out);
        try {
            IOException failure = org.assertj.core.api.Assertions.catchThrowableOfType(
                    IOException.class,
                    () -> FileTrees.deleteLast(
                            root, Path.of("state"), Set.of(Path.of("manifest")), Set.of("supervise", "log")));

            assertThat(failure).isNotNull();
            assertThat(root.resolve("state/manifest")).hasContent("proof");
            assertThat(root.resolve("state/other")).doesNotExist();
            assertThat(root.resolve("redis/supervise")).doesNotExist();
        } finally {
            new ProcessBuilder("umount", mounted.toString()).start().waitFor();
        }
        assertThat(FileTrees.deleteLast(root, Path.of("state"), Set.of(Path.of("manifest")), Set.of()))
                .isTrue();
        assertThat(root).doesNotExist();
    }
}
