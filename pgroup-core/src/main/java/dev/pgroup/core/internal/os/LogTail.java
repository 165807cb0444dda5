package dev.pgroup.core.internal.os;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The last lines of a log file, read from its end so that a huge log costs no more than a small one. */
public final class LogTail {
    /**
     * Lines of a process's log shown in an error ({@code Group.LOG_TAIL_LINES}): here, below both
     * the API and the start that fills a {@code StartException}, so that neither uses the other.
     */
    public static final int ERROR_LINES = 20;

    private static final int MAX_BYTES = 64 * 1024;

    private LogTail() {}

    public static List<String> read(Path file, int lines) {
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long size = in.length();
            int n = (int) Math.min(size, MAX_BYTES);
            byte[] bytes = new byte[n];
            in.seek(size - n);
            in.readFully(bytes);
            String text = new String(bytes, StandardCharsets.UTF_8);
            List<String> all = new ArrayList<>(List.of(text.split("\n", -1)));
            if (!all.isEmpty() && all.get(all.size() - 1).isEmpty()) {
                all.remove(all.size() - 1);
            }
            if (size > n && !all.isEmpty()) {
                all.remove(0); // probably cut in the middle
            }
            return List.copyOf(all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return List.of();
        }
    }
}
