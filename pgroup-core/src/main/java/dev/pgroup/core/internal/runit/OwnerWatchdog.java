package dev.pgroup.core.internal.runit;

import dev.pgroup.core.internal.os.Spawning;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Runs every group's runsvdir under a small perl watchdog ({@code owner-watchdog.pl}), which
 *
 * <ul>
 *   <li>ties the group to the JVM that starts it: its stdin is a pipe from this JVM, which the
 *       kernel closes when the JVM dies, however it dies; the watchdog reads EOF and tears the
 *       group down. This works on Linux and macOS alike, unlike {@code PR_SET_PDEATHSIG}, which
 *       fires when the spawning <em>thread</em> exits. An owned group keeps the lease until it is
 *       stopped; a detached group (the CLI's) keeps it only until its start succeeded, so a start
 *       that fails or is killed -9 still takes down what it launched;
 *   <li>on Linux is a child subreaper: a service's double-forked, {@code setsid} or otherwise
 *       orphaned children are re-parented to it, so stop finds them as its descendants and nothing
 *       escapes to init. Elsewhere process groups are the reach (see the script);
 *   <li>carries "hup" to runsvdir: the JDK can only send TERM and KILL, and spawning {@code kill}
 *       costs a process.
 * </ul>
 *
 * <p>The pipe is the lease: the {@link Process} holding it is kept in a static map, strongly
 * reachable, until the group is stopped or detached; were it garbage collected, its stream would
 * be closed and the group torn down.
 */
public final class OwnerWatchdog {
    private static final String SCRIPT_RESOURCE = "owner-watchdog.pl";
    private static final Map<Path, Process> OWNED = new ConcurrentHashMap<>();

    /**
     * A watchdog that runs a group's runsvdir.
     *
     * @param watchdog the watchdog process
     * @param runsvdirPid runsvdir, the watchdog's child
     * @param subreaper whether the watchdog is a child subreaper (Linux), so that every orphan of
     *     the group is its descendant
     */
    public record Launched(ProcessHandle watchdog, long runsvdirPid, boolean subreaper) {}

    private OwnerWatchdog() {}

    /**
     * Starts runsvdir under a watchdog owned by this JVM until {@link #release} or {@link #detach}.
     * The watchdog first binds every passed socket of the group, so they listen before any runsv
     * exists; one it cannot bind fails the launch before runsvdir is run.
     *
     * @param sockets the group's passed sockets, which runsvdir inherits on fds 3, 4, ...
     * @param log where the watchdog's, runsvdir's and runsv's own messages go
     * @throws PassedSockets.BindFailure when a socket cannot be bound; nothing was launched
     */
    public static Launched launch(
            Path runsvdir, GroupLayout layout, Map<String, String> environment, PassedSockets sockets, Path log)
            throws IOException {
        Path script = layout.stateDir().resolve(SCRIPT_RESOURCE);
        writeScript(script);
        List<String> command = new java.util.ArrayList<>(List.of(
                "perl",
                script.toString(),
                runsvdir.toString(),
                layout.directory().toString(),
                System.getProperty("os.arch", "")));
        command.addAll(sockets.watchdogArguments());
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(layout.directory().toFile())
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().clear();
        pb.environment().putAll(environment);
        Process watchdog = Spawning.start(pb);
        OWNED.put(layout.directory(), watchdog);
        String line;
        try {
            BufferedReader out =
                    new BufferedReader(new InputStreamReader(watchdog.getInputStream(), StandardCharsets.US_ASCII));
            line = out.readLine();
        } catch (IOException e) {
            release(layout.directory());
            throw e;
        }
        if (line != null && line.startsWith("listen ")) {
            // "listen <index> <message>": socket <index> could not be bound, and the watchdog exited.
            release(layout.directory());
            String[] parts = line.split(" ", 3);
            PassedSockets.Socket socket;
            try {
                socket = sockets.sockets().get(Integer.parseInt(parts[1]));
            } catch (RuntimeException e) {
                throw new IOException("the owner watchdog could not bind a socket (" + line + "); see " + log, e);
            }
            throw new PassedSockets.BindFailure(socket, parts.length > 2 ? parts[2] : line);
        }
        if (line == null || !line.matches("\\d+ [01]")) {
            release(layout.directory());
            throw new IOException("the owner watchdog did not start runsvdir; see " + log);
        }
        String[] parts = line.split(" ");
        return new Launched(watchdog.toHandle(), Long.parseLong(parts[0]), parts[1].equals("1"));
    }

    /**
     * Writes the script unless it is there already (a restart). perl reads it; nothing execs it, so
     * unlike a run script it cannot make a concurrent exec fail with "text busy", and needs neither
     * {@link Spawning}'s lock, which every spawn of the JVM shares, nor the executable bit.
     */
    private static void writeScript(Path script) throws IOException {
        byte[] text = scriptText();
        try {
            if (java.util.Arrays.equals(Files.readAllBytes(script), text)) {
                return;
            }
        } catch (IOException e) {
            // Not written yet.
        }
        Files.write(script, text);
    }

    private static byte[] scriptText() throws IOException {
        byte[] text = scriptText;
        if (text == null) {
            try (InputStream in = OwnerWatchdog.class.getResourceAsStream(SCRIPT_RESOURCE)) {
                if (in == null) {
                    throw new IOException("resource " + SCRIPT_RESOURCE + " is missing from pgroup-core");
                }
                text = in.readAllBytes();
            }
            scriptText = text;
        }
        return text;
    }

    private static volatile byte[] scriptText;

    /** Whether this JVM owns the running group in {@code groupDir}. */
    public static boolean owns(Path groupDir) {
        Process p = OWNED.get(groupDir);
        return p != null && p.isAlive();
    }

    /** Asks the watchdog to send HUP to runsvdir; false if this JVM has no watchdog for the group. */
    public static boolean hup(Path groupDir) {
        return send(groupDir, "hup\n");
    }

    /**
     * Ends this JVM's lease without stopping the group: the watchdog goes on supervising runsvdir
     * and reaping orphans, and ignores the pipe's EOF. False when the message could not be sent.
     */
    public static boolean detach(Path groupDir) {
        if (!send(groupDir, "detach\n")) {
            return false;
        }
        Process p = OWNED.remove(groupDir);
        try {
            p.getOutputStream().close();
        } catch (IOException ignored) {
            // The line is written and flushed; the watchdog has it.
        }
        return true;
    }

    private static boolean send(Path groupDir, String line) {
        Process p = OWNED.get(groupDir);
        if (p == null || !p.isAlive()) {
            return false;
        }
        try {
            OutputStream in = p.getOutputStream();
            in.write(line.getBytes(StandardCharsets.US_ASCII));
            in.flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Ends the lease: closes the pipe and reaps the watchdog. After a stop it has already exited or
     * is about to; otherwise EOF makes it tear down whatever of the group still runs (a start that
     * failed halfway relies on that).
     */
    public static void release(Path groupDir) {
        Process p = OWNED.remove(groupDir);
        if (p == null) {
            return;
        }
        try {
            p.getOutputStream().close();
        } catch (IOException ignored) {
            // Already closed: the watchdog has exited.
        }
        try {
            // The teardown TERMs, waits up to 2 s and KILLs; give it that and a margin.
            if (!p.waitFor(6, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Groups this JVM owns; for tests. */
    static List<Path> owned() {
        return List.copyOf(OWNED.keySet());
    }
}
