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
}
