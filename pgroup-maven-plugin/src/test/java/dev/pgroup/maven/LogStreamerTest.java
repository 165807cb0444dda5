package dev.pgroup.maven;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogStreamerTest {
    @TempDir
    Path tmp;

    private final List<String> out = new CopyOnWriteArrayList<>();

    /** Waits, with a deadline, until the streamer has printed {@code n} lines. */
    private void awaitLines(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        synchronized (out) {
            while (out.size() < n && System.nanoTime() < deadline) {
                out.wait(10);
            }
        }
        assertThat(out).hasSizeGreaterThanOrEqualTo(n);
    }

    private void print(String line) {
        synchronized (out) {
            out.add(line);
            out.notifyAll();
        }
    }

    @Test
    void linesArePrefixedWithTheirProcessAndAPartialLineWaitsForItsNewline() throws Exception {
        Path log = Files.createDirectories(tmp.resolve("redis")).resolve("current");
        Files.writeString(log, "one\ntw");
        try (LogStreamer streamer = LogStreamer.start(Map.of("redis", log), this::print)) {
            awaitLines(1);
            assertThat(out).containsExactly("[redis] one");

            Files.writeString(log, "o\nthree\n", StandardOpenOption.APPEND);
            awaitLines(3);
        }
        assertThat(out).containsExactly("[redis] one", "[redis] two", "[redis] three");
    }

    @Test
    void aRotatedLogIsReadFromItsStart() throws Exception {
        Path log = Files.createDirectories(tmp.resolve("web")).resolve("current");
        Files.writeString(log, "a long line before the rotation\n");
        try (LogStreamer streamer = LogStreamer.start(Map.of("web", log), this::print)) {
            awaitLines(1);
            // svlogd renames current away and starts a new, shorter one
            Files.writeString(log, "new\n");
            awaitLines(2);
        }
        assertThat(out).containsExactly("[web] a long line before the rotation", "[web] new");
    }

    @Test
    void closePrintsWhatWasWrittenLast() throws Exception {
        Path log = Files.createDirectories(tmp.resolve("db")).resolve("current");
        LogStreamer streamer = LogStreamer.start(Map.of("db", log), this::print);
        Files.writeString(log, "written just before the stop\n");

        streamer.close();

        assertThat(out).containsExactly("[db] written just before the stop");
    }
}
