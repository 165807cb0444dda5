package dev.pgroup.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.pgroup.core.model.DefinitionException;
import dev.pgroup.core.model.PGroupException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A create on a full disk (a real small tmpfs as the base dir) fails with a PGroupException that
 * names the full disk, wherever it runs out of space, and leaves no dir, no row and no lease.
 */
class FullDiskCreateTest {
    private static final String TWO_PROCESSES_WITH_A_TEMPLATE =
            """
            [[process]]
            name = "a"
            command = ["sleep", "100"]
            ports = ["main"]
            templates = ["big.txt"]
            [[process]]
            name = "b"
            command = ["sleep", "100"]
            ports = ["main"]
            """;

    @TempDir
    Path tmp;

    private Leftovers leftovers;
    private Path mounted;

    @BeforeEach
    void marker() {
        leftovers = new Leftovers(tmp);
    }

    @AfterEach
    void unmount() throws Exception {
        leftovers.killAll();
        if (mounted != null) {
            new ProcessBuilder("umount", "-l", mounted.toString()).start().waitFor();
        }
    }

    @Test
    void aCreateThatRunsOutOfSpaceSaysTheDiskIsFullAndLeavesNothing() throws Exception {
        Path base = Files.createDirectories(tmp.resolve("small"));
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=256k,mode=700", "tmpfs", base.toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(mount.getInputStream().readAllBytes());
        Assumptions.assumeTrue(mount.waitFor() == 0, "cannot mount a tmpfs here (needs root): " + out.trim());
        mounted = base;
        Path definition = TestEngines.definition(tmp, TWO_PROCESSES_WITH_A_TEMPLATE);
        Files.writeString(definition.resolve("big.txt"), "x".repeat(20_000) + "{{port.main}}\n");
        List<Throwable> failures = new ArrayList<>();
        try (PGroupEngine engine = PGroupEngine.builder()
                .baseDir(base)
                .database(tmp.resolve("db").resolve("pgroup.db"))
                .environment(leftovers.environment())
                .build()) {
            // Where a create runs out of space depends on how much is left: the dir, the records,
            // the template, a run script, the settings, the manifest.
            for (int pages = 0; pages <= 16; pages++) {
                fill(base, pages);

                Throwable failure =
                        catchThrowable(() -> engine.create(definition).terminate());

                if (failure != null) {
                    failures.add(failure);
                }
                try (var left = Files.list(base)) {
                    assertThat(left.filter(f -> !f.getFileName().toString().equals(".filler")))
                            .as("left in the base dir with %s pages free", pages)
                            .isEmpty();
                }
                assertThat(engine.list()).isEmpty();
                assertThat(engine.leases().allLeasedPorts()).isEmpty();
                Files.delete(base.resolve(".filler"));
            }
        }
        assertThat(failures).as("creates that ran out of space").hasSizeGreaterThan(3);
        assertThat(failures).allSatisfy(f -> assertThat(f)
                .isExactlyInstanceOf(PGroupException.class)
                .isNotInstanceOf(DefinitionException.class)
                .hasMessageContaining("No space left on device")
                .hasMessageContaining("KiB free"));
        assertThat(leftovers.after(Duration.ofSeconds(3))).isEmpty();
    }

    /** Fills {@code dir}'s file system, then frees {@code pages} pages of it. */
    private static void fill(Path dir, int pages) throws IOException {
        byte[] block = new byte[1024];
        Path filler = dir.resolve(".filler");
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(block);
                out.flush();
            }
        } catch (IOException full) {
            assertThat(full.getMessage()).contains("No space left");
        }
        try (FileChannel channel = FileChannel.open(filler, StandardOpenOption.WRITE)) {
            channel.truncate(Math.max(0, channel.size() - pages * 4096L));
        }
    }
}
