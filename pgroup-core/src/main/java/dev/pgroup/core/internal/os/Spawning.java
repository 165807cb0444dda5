package dev.pgroup.core.internal.os;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Keeps this JVM's process spawns apart from its writes of files that will be executed.
 *
 * <p>A child forked while another thread has a script open for writing inherits that descriptor
 * until it execs (the JDK's spawn helper closes it only then). If runsv execs the script in that
 * window, exec fails with "text busy" (ETXTBSY), which was seen here with 50 groups started from 50
 * threads. Writing scripts and spawning processes under one lock closes the window for every spawn
 * pgroup makes. Both are short: a write, or a fork and an exec.
 */
public final class Spawning {
    private static final Object LOCK = new Object();

    private Spawning() {}

    public static Process start(ProcessBuilder pb) throws IOException {
        synchronized (LOCK) {
            return pb.start();
        }
    }

    /** Runs a short command, output discarded; true when it exits 0. */
    public static boolean runQuietly(java.util.List<String> command) {
        try {
            Process p = start(new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD));
            return p.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Writes a file that will be executed, and makes it executable for the user only. */
    public static void writeExecutable(Path file, CharSequence text) throws IOException {
        writeExecutable(file, text.toString().getBytes(StandardCharsets.UTF_8));
    }

    public static void writeExecutable(Path file, byte[] bytes) throws IOException {
        synchronized (LOCK) {
            Files.write(file, bytes);
        }
        FilePermissions.makeExecutable(file);
    }
}
