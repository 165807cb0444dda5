package dev.pgroup.maven;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Streams the log files of a running group into the build output, each line prefixed with its
 * process ({@code <showLogs>}, as docker-maven-plugin's {@code showLogs}). One daemon thread polls
 * every file; svlogd rotates {@code current} by renaming it, which shows as a shorter file, and the
 * streamer then reads the new one from its start.
 */
final class LogStreamer implements AutoCloseable {
    private static final long POLL_MILLIS = 100;

    private final Map<String, Tail> tails = new LinkedHashMap<>();
    private final Consumer<String> out;
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Thread thread;

    private LogStreamer(Map<String, Path> logs, Consumer<String> out) {
        logs.forEach((process, file) -> tails.put(process, new Tail(file)));
        this.out = out;
        this.thread = new Thread(this::run, "pgroup-show-logs");
        this.thread.setDaemon(true);
    }

    /** Starts streaming these logs (process name to log file) from their beginning. */
    static LogStreamer start(Map<String, Path> logs, Consumer<String> out) {
        LogStreamer s = new LogStreamer(logs, out);
        s.thread.start();
        return s;
    }

    private void run() {
        try {
            do {
                drain();
            } while (!closed.await(POLL_MILLIS, TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized void drain() {
        tails.forEach((process, tail) -> tail.newLines().forEach(line -> out.accept("[" + process + "] " + line)));
    }

    /** Prints what is left (the group was just stopped: svlogd has written everything) and stops. */
    @Override
    public void close() {
        closed.countDown();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        drain();
    }

    /** Reads one log file on from where it left off, whole lines only (svlogd ends each with a newline). */
    private static final class Tail {
        private final Path file;
        private long offset;

        Tail(Path file) {
            this.file = file;
        }

        List<String> newLines() {
            try {
                if (!Files.isRegularFile(file)) {
                    return List.of();
                }
                long size = Files.size(file);
                if (size < offset) {
                    offset = 0; // rotated: svlogd started a new current
                }
                if (size == offset) {
                    return List.of();
                }
                byte[] bytes;
                try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
                    f.seek(offset);
                    bytes = new byte[(int) Math.min(size - offset, 1 << 20)];
                    f.readFully(bytes);
                }
                int end = bytes.length;
                while (end > 0 && bytes[end - 1] != '\n') {
                    end--;
                }
                if (end == 0) {
                    return List.of(); // a line still being written
                }
                offset += end;
                return List.of(new String(bytes, 0, end - 1, StandardCharsets.UTF_8).split("\n", -1));
            } catch (IOException e) {
                return List.of(); // deleted or rotated under us: the next poll looks again
            }
        }
    }
}
