package dev.pgroup.core.internal.start;

import dev.pgroup.core.internal.os.ProcessTree;
import dev.pgroup.core.internal.os.Spawning;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs the generated {@code check} script. One run may take {@link #ATTEMPT_TIMEOUT} at most (or
 * what is left of the start): a check that hangs (a client waiting on a server that never
 * answers, a typo that runs a server) is killed with everything it started, and counts as a
 * failed attempt.
 */
final class ReadyCommand {
    /** How long one run of a ready command may take; documented in group-toml.md. */
    public static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(5);

    /** Output kept for the error message. */
    private static final int MAX_OUTPUT = 2000;

    private ReadyCommand() {}

    static Optional<String> attempt(Path script, Path workdir, Duration atMost) throws IOException {
        Duration limit = atMost.compareTo(ATTEMPT_TIMEOUT) < 0 ? atMost : ATTEMPT_TIMEOUT;
        Process p = Spawning.start(new ProcessBuilder(script.toString())
                .directory(workdir.toFile())
                .redirectErrorStream(true));
        // Read on another thread: a child that outlives the check keeps the pipe open, and a
        // blocking read here would wait for it.
        StringBuilder output = new StringBuilder();
        Thread reader = new Thread(() -> readInto(p, output), "pgroup-ready-command-output");
        reader.setDaemon(true);
        reader.start();
        try {
            if (!p.waitFor(Math.max(limit.toMillis(), 1), TimeUnit.MILLISECONDS)) {
                killTree(p);
                return Optional.of(
                        "did not exit within " + limit.toMillis() + " ms and was killed, with what it started");
            }
            int code = p.exitValue();
            if (code == 0) {
                return ReadinessCheck.READY;
            }
            reader.join(100);
            String out;
            synchronized (output) {
                out = output.toString().strip();
            }
            return Optional.of("exit " + code + (out.isEmpty() ? "" : ": " + out));
        } catch (InterruptedException e) {
            killTree(p);
            Thread.currentThread().interrupt();
            return Optional.of("interrupted");
        }
    }

    private static void readInto(Process p, StringBuilder output) {
        byte[] buffer = new byte[4096];
        try (var in = p.getInputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                synchronized (output) {
                    if (output.length() < MAX_OUTPUT) {
                        output.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                    }
                }
            }
        } catch (IOException e) {
            // The process was killed; what was read is enough.
        }
    }

    /** Kills the check and everything it started: the list is taken before the parent dies. */
    private static void killTree(Process p) {
        List<ProcessHandle> tree = ProcessTree.descendants(p.toHandle());
        p.destroyForcibly();
        tree.forEach(ProcessHandle::destroyForcibly);
        try {
            p.waitFor(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
