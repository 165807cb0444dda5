package dev.pgroup.core.internal.os;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one-read file read behind every {@code /proc} stat and runit status read of a stop. */
class SmallFilesTest {
    @TempDir
    Path tmp;

    @Test
    void readsAFileOfExactlyTheBufferSizeAndOneLongerThanItWhole() throws Exception {
        for (int size : new int[] {0, 20, 1023, 1024, 1025, 5000}) {
            byte[] content = "x".repeat(size).getBytes(StandardCharsets.ISO_8859_1);
            Path file = Files.write(tmp.resolve("f" + size), content);

            assertThat(SmallFiles.read(file)).as("%s bytes", size).isEqualTo(content);
        }
    }

    @Test
    void readsOnAnInterruptedThreadAndKeepsTheInterrupt() throws Exception {
        Path file = Files.writeString(tmp.resolve("f"), "1 (x) S 2\n");
        Thread.currentThread().interrupt();
        try {
            assertThat(new String(SmallFiles.read(file), StandardCharsets.ISO_8859_1))
                    .isEqualTo("1 (x) S 2\n");
            assertThat(SmallFiles.read(Path.of("/proc/self/stat"))).isNotEmpty();
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
            assertThatThrownBy(() -> SmallFiles.read(tmp.resolve("missing"))).isInstanceOf(NoSuchFileException.class);
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void aMissingFileIsNoSuchFile() {
        assertThatThrownBy(() -> SmallFiles.read(tmp.resolve("missing"))).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void readsAProcStatWhole() throws Exception {
        String stat = new String(SmallFiles.read(Path.of("/proc/self/stat")), StandardCharsets.ISO_8859_1);

        assertThat(stat).startsWith(ProcessHandle.current().pid() + " (").endsWith("\n");
    }
}
