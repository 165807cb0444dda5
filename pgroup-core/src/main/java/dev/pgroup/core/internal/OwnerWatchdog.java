package dev.pgroup.core.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Ties a group to the JVM that owns it, so that the group dies with its owner even when the JVM is
 * SIGKILLed and no shutdown hook runs.
 *
 * <p>runsvdir is started through a small perl watchdog ({@code owner-watchdog.pl}) whose stdin is a
 * pipe from this JVM. The kernel closes the pipe when the JVM dies, however it dies; the watchdog
 * reads EOF and tears the group down. This works on Linux and macOS alike, unlike {@code
 * PR_SET_PDEATHSIG}, which fires when the spawning <em>thread</em> exits. The pipe is the lease:
 * the {@link Process} holding it is kept in a static map, strongly reachable, until the group is
 * stopped; were it garbage collected, its stream would be closed and the group torn down.
 *
 * <p>The pipe also carries "hup" to the watchdog, which signals runsvdir: the JDK can only send
 * TERM and KILL, and spawning {@code kill} costs a process.
 */
public final class OwnerWatchdog {
    private static final String SCRIPT_RESOURCE = "owner-watchdog.pl";
    private static final Map<Path, Process> OWNED = new ConcurrentHashMap<>();

    private OwnerWatchdog() {}

    /**
     * Starts runsvdir under a watchdog owned by this JVM and returns runsvdir's pid.
     *
     * @param log where the watchdog's, runsvdir's and runsv's own messages go
     */
    public static long launch(Path runsvdir, GroupLayout layout, Map<String, String> environment, Path log)
            throws IOException {
        Path script = layout.stateDir().resolve(SCRIPT_RESOURCE);
        try (InputStream in = OwnerWatchdog.class.getResourceAsStream(SCRIPT_RESOURCE)) {
            if (in == null) {
                throw new IOException("resource " + SCRIPT_RESOURCE + " is missing from pgroup-core");
            }
            Spawning.writeExecutable(script, in.readAllBytes());
        }
        ProcessBuilder pb = new ProcessBuilder(
                        "perl",
                        script.toString(),
                        runsvdir.toString(),
                        layout.directory().toString())
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
        if (line == null || !line.matches("\\d+")) {
            release(layout.directory());
            throw new IOException("the owner watchdog did not start runsvdir; see " + log);
        }
        return Long.parseLong(line);
    }

    /** Whether this JVM owns the running group in {@code groupDir}. */
    public static boolean owns(Path groupDir) {
        Process p = OWNED.get(groupDir);
        return p != null && p.isAlive();
    }

    /** Asks the watchdog to send HUP to runsvdir; false if this JVM has no watchdog for the group. */
    public static boolean hup(Path groupDir) {
        Process p = OWNED.get(groupDir);
        if (p == null || !p.isAlive()) {
            return false;
        }
        try {
            OutputStream in = p.getOutputStream();
            in.write("hup\n".getBytes(StandardCharsets.US_ASCII));
            in.flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Ends the lease once the group is stopped: closes the pipe and reaps the watchdog, which exits
     * on its own when runsvdir has exited.
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
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
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
