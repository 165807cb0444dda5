package dev.pgroup.core.internal.os;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One short command, such as a container engine client call ({@code docker image inspect ...}), with its output
 * and a deadline: a daemon that hangs must not hang a create or a stop.
 *
 * @param exitCode the client's exit code; -1 when it did not finish in time or could not run
 * @param out what it wrote on stdout
 * @param err what it wrote on stderr, or why it could not run
 */
public record ShortCommand(int exitCode, String out, String err) {

    public boolean ok() {
        return exitCode == 0;
    }

    /** The first line of stderr, for an error message. */
    public String firstErrorLine() {
        String text = err.isBlank() ? out : err;
        return text.strip().lines().findFirst().orElse("exit code " + exitCode);
    }

    /**
     * Runs {@code client args...} in {@code environment} (the engine's {@code DOCKER_HOST} and the
     * like come from it), its stdin closed.
     */
    public static ShortCommand run(Path client, Map<String, String> environment, Duration timeout, String... args) {
        List<String> command = new ArrayList<>();
        command.add(client.toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(nullFile()));
        pb.environment().clear();
        pb.environment().putAll(environment);
        Process p;
        try {
            p = Spawning.start(pb);
        } catch (IOException e) {
            return new ShortCommand(-1, "", "cannot run " + client + ": " + e.getMessage());
        }
        CompletableFuture<String> out = read(p.getInputStream());
        CompletableFuture<String> err = read(p.getErrorStream());
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                        p.destroyForcibly();
                        return new ShortCommand(
                                -1,
                                "",
                                String.join(" ", command) + " did not answer within " + timeout.toSeconds() + " s");
                    }
                    return new ShortCommand(p.exitValue(), out.join(), err.join());
                } catch (InterruptedException e) {
                    // A stop must finish for an interrupted caller too; the deadline still bounds it.
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static java.io.File nullFile() {
        return new java.io.File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
    }

    /**
     * Reads a stream to its end on a thread of its own: on the common pool (one thread on two cores)
     * the stdout reader would block while a full stderr pipe blocks the command.
     */
    private static CompletableFuture<String> read(InputStream in) {
        CompletableFuture<String> text = new CompletableFuture<>();
        Thread reader = new Thread(
                () -> {
                    try (in) {
                        text.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                    } catch (IOException e) {
                        text.complete("");
                    }
                },
                "pgroup-command-output");
        reader.setDaemon(true);
        reader.start();
        return text;
    }
}
