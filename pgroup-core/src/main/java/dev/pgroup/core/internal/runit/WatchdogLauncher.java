package dev.pgroup.core.internal.runit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * This JVM's watchdog launcher ({@code watchdog-launcher.pl}): one perl process, started at the
 * first group start, that has the watchdog code compiled and forks each group's {@link
 * OwnerWatchdog} from it. A start is then one request line and one fork, not a JVM spawn (the
 * spawn helper, a PATH search), a perl start and a compile, which was most of a group start's
 * fixed cost.
 *
 * <p>Requests go on the launcher's stdin under a short lock; answers come on one shared pipe,
 * tagged with the request's id, and a reader thread hands each to its waiting caller, so concurrent
 * starts wait for their own watchdog only. The launcher holds each group's lease pipe; when this
 * JVM dies it reads EOF and exits, and the kernel closes every lease. When the launcher dies (killed
 * -9), its groups' leases close too: they tear down, the reader reads EOF, waiting starts fail
 * saying so, and the next start runs a new launcher.
 *
 * <p>The launcher runs with an empty environment in {@code /}, so that nothing of a group's
 * environment or directory marks it as the group's: each start names an environment registered
 * once per launcher, which the forked watchdog, and so runsvdir, gets. It never keeps the JVM alive:
 * the reader is a daemon thread, and the launcher exits on EOF.
 */
final class WatchdogLauncher {
    /** A start waits this long at most for its watchdog's answer; forking and binding take milliseconds. */
    private static final long ANSWER_TIMEOUT_SECONDS = 120;

    private static final Object LOCK = new Object();
    /** The running launcher; replaced when it dies. Guarded by LOCK. */
    private static WatchdogLauncher current;

    private static final AtomicLong IDS = new AtomicLong();

    private final Process process;
    /** The request pipe; writes of whole lines under its monitor. */
    private final OutputStream requests;
    /** Environments sent to this launcher, by id. Guarded by {@code requests}. */
    private final Map<Map<String, String>, Long> environments = new HashMap<>();

    private final Map<Long, CompletableFuture<String>> waiting = new ConcurrentHashMap<>();
    /** Completed when the launcher reaps the watchdog of a request ("ID exit STATUS"), by id. */
    private final Map<Long, CompletableFuture<Void>> exits = new ConcurrentHashMap<>();

    private volatile boolean alive = true;

    private WatchdogLauncher(Process process) {
        this.process = process;
        this.requests = process.getOutputStream();
    }

    /** The running launcher, started if there is none or the last one died. */
    static WatchdogLauncher get() throws IOException {
        synchronized (LOCK) {
            if (current == null || !current.alive) {
                current = start();
            }
            return current;
        }
    }

    boolean isAlive() {
        return alive;
    }

    private static WatchdogLauncher start() throws IOException {
        LauncherProcess.Started started = LauncherProcess.start();
        WatchdogLauncher launcher = new WatchdogLauncher(started.process());
        Thread reader = new Thread(
                () -> launcher.read(started.answers()),
                "pgroup-watchdog-launcher-" + started.process().pid());
        reader.setDaemon(true);
        reader.start();
        return launcher;
    }

    /**
     * Forks a watchdog that runs {@code runsvdir -P groupDir} and returns its first answer:
     * "{@code PID RUNSVDIR_PID SUBREAPER}", "{@code PID listen INDEX MESSAGE}", "{@code exit
     * STATUS}" (it exited before it answered) or "{@code error MESSAGE}". Whatever the answer,
     * the launcher holds the group's lease under {@code id} until {@link #release}.
     *
     * @throws NotSent when the launcher had died before this request: nothing was launched
     * @throws IOException when the launcher died before it answered
     */
    String start(long id, Map<String, String> environment, Path runsvdir, Path groupDir, Path log, List<String> sockets)
            throws IOException {
        CompletableFuture<String> answer = expect(id);
        exits.put(id, new CompletableFuture<>());
        StringBuilder line = new StringBuilder();
        synchronized (requests) {
            Long env = environments.get(environment);
            if (env == null) {
                env = (long) environments.size();
                line.append("env ").append(env);
                for (Map.Entry<String, String> e : environment.entrySet()) {
                    line.append(' ').append(escape(e.getKey() + "=" + e.getValue()));
                }
                line.append('\n');
                environments.put(Map.copyOf(environment), env);
            }
            line.append("start ")
                    .append(id)
                    .append(' ')
                    .append(env)
                    .append(' ')
                    .append(escape(runsvdir.toString()))
                    .append(' ')
                    .append(escape(groupDir.toString()))
                    .append(' ')
                    .append(escape(log.toString()));
            for (String s : sockets) {
                line.append(' ').append(escape(s));
            }
            line.append('\n');
            write(line);
        }
        return await(id, answer);
    }

    /**
     * Completes once the launcher has reaped the watchdog of request {@code id}: it answers "{@code
     * ID exit STATUS}" for every watchdog it forked, and it is the watchdog's parent, so the answer
     * says the watchdog is gone and cannot be mistaken for another process. Completes exceptionally
     * when the launcher dies first (the exit is then unknown), and is empty for an id this
     * launcher never started or whose exit was already reported.
     */
    java.util.Optional<CompletableFuture<Void>> exit(long id) {
        return java.util.Optional.ofNullable(exits.get(id));
    }

    /** Sends "hup" to the group's watchdog; false when the launcher is gone. */
    boolean hup(long id) {
        return send("hup " + id + "\n");
    }

    /** Ends the group's lease; its watchdog tears down what still runs unless it was detached. */
    void release(long id) {
        send("release " + id + "\n");
    }

    /** Relays "detach" and ends the lease; true once the watchdog has the line. */
    boolean detach(long id) {
        CompletableFuture<String> answer = expect(id);
        if (!send("detach " + id + "\n")) {
            waiting.remove(id);
            return false;
        }
        try {
            return await(id, answer).equals("detached");
        } catch (IOException e) {
            return false;
        }
    }

    static long nextId() {
        return IDS.incrementAndGet();
    }

    private CompletableFuture<String> expect(long id) {
        CompletableFuture<String> answer = new CompletableFuture<>();
        waiting.put(id, answer);
        return answer;
    }

    private boolean send(String line) {
        if (!alive) {
            return false;
        }
        try {
            synchronized (requests) {
                write(line);
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Under {@code requests}. A failed write means the launcher is gone. */
    private void write(CharSequence line) throws IOException {
        try {
            requests.write(line.toString().getBytes(StandardCharsets.UTF_8));
            requests.flush();
        } catch (IOException e) {
            died();
            throw new NotSent("the pgroup watchdog launcher (pid " + process.pid() + ") is gone: " + e, e);
        }
    }

    /**
     * The answer for {@code id}. Not interruptible, as a read of a watchdog's line was not: a start
     * interrupted halfway would leave a group nobody holds; the flag is kept.
     */
    private String await(long id, CompletableFuture<String> answer) throws IOException {
        if (!alive && waiting.remove(id) != null) {
            throw gone();
        }
        boolean interrupted = false;
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(ANSWER_TIMEOUT_SECONDS);
        try {
            while (true) {
                try {
                    return answer.get(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    throw gone();
                } catch (TimeoutException e) {
                    waiting.remove(id);
                    throw new IOException("the pgroup watchdog launcher (pid " + process.pid()
                            + ") did not answer request " + id + " within " + ANSWER_TIMEOUT_SECONDS + " s");
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private IOException gone() {
        String status = process.isAlive() ? "" : " with status " + process.exitValue();
        return new IOException(
                "the pgroup watchdog launcher (pid " + process.pid() + ") exited" + status + " before it answered");
    }

    /** The reader thread: hands each answer to its request, until EOF. */
    private void read(BufferedReader answers) {
        try {
            String line;
            while ((line = answers.readLine()) != null) {
                int space = line.indexOf(' ');
                if (space <= 0) {
                    continue;
                }
                long id;
                try {
                    id = Long.parseLong(line.substring(0, space));
                } catch (NumberFormatException e) {
                    continue;
                }
                CompletableFuture<String> answer = waiting.remove(id);
                if (answer != null) {
                    answer.complete(line.substring(space + 1));
                }
                if (line.startsWith("exit ", space + 1)) {
                    CompletableFuture<Void> exit = exits.remove(id);
                    if (exit != null) {
                        exit.complete(null);
                    }
                }
            }
        } catch (IOException e) {
            // Treated as EOF.
        }
        died();
        try {
            answers.close();
            requests.close();
        } catch (IOException ignored) {
            // Closing pipes of a dead process.
        }
    }

    /** Later starts run a new launcher; waiting ones fail. */
    private void died() {
        alive = false;
        synchronized (LOCK) {
            if (current == this) {
                current = null;
            }
        }
        for (Long id : List.copyOf(waiting.keySet())) {
            CompletableFuture<String> answer = waiting.remove(id);
            if (answer != null) {
                answer.completeExceptionally(new IOException("launcher gone"));
            }
        }
        for (Long id : List.copyOf(exits.keySet())) {
            CompletableFuture<Void> exit = exits.remove(id);
            if (exit != null) {
                exit.completeExceptionally(new IOException("launcher gone"));
            }
        }
    }

    /**
     * A request the launcher never read: it had died before (its pipe is broken). Nothing was
     * launched for it, so a start may be tried again with a new launcher.
     */
    static final class NotSent extends IOException {
        private static final long serialVersionUID = 1L;

        NotSent(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Request fields are separated by spaces: a space, %, or line break in a field is %-escaped. */
    static String escape(String field) {
        StringBuilder out = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '%' || c == ' ' || c == '\n' || c == '\r') {
                out.append('%').append(String.format("%02X", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
