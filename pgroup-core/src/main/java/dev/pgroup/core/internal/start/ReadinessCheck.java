package dev.pgroup.core.internal.start;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Tells whether a running process is ready to be used, in the style of Testcontainers' {@code
 * Wait}: one small interface, with static factories for tcp, http, log line, command and
 * socket-passed. A check never throws and never blocks for long; it says what it saw last so that
 * a timeout can explain itself.
 */
public interface ReadinessCheck {

    /**
     * One attempt, which returns within {@code atMost} (plus a few milliseconds): a start must end at
     * its deadline, whatever a check does.
     */
    boolean isReady(Duration atMost);

    /** What is checked, e.g. {@code tcp 127.0.0.1:20001}. */
    String description();

    /** Why the last attempt failed, e.g. {@code Connection refused}. */
    String lastProblem();

    /**
     * How long to wait at least between attempts: a refused connect or a file read costs
     * microseconds, an HTTP request or a spawned command much more.
     */
    default long pauseMillis() {
        return 2;
    }

    /**
     * Whether an attempt may take long (a spawned command, an HTTP request): it then runs on the
     * start's own thread, never on the {@link StartPoller} that all starts of the JVM share.
     */
    default boolean blocks() {
        return false;
    }

    /** What one attempt of a check found: empty when ready, else why not. */
    Optional<String> READY = Optional.empty();

    /** Ready as soon as it runs. */
    static ReadinessCheck running() {
        return new Fixed("running");
    }

    /**
     * Ready as soon as it runs: the group's watchdog bound its sockets at start, before runsv
     * existed, and the process inherited them, so they accept connections (the kernel queues them
     * until the daemon accepts). A bind that failed failed the start before anything ran.
     *
     * @param addresses what was bound, for messages
     */
    static ReadinessCheck socketPassed(String addresses) {
        return new Fixed("socket passed, " + addresses + " listening since start");
    }

    /** Ready once 127.0.0.1:{@code port} accepts a connection; ready-check.pl's tcp means the same. */
    static ReadinessCheck tcp(int port) {
        // A connect to 127.0.0.1 is answered at once (accepted or refused): cheap enough to share.
        return new Attempts("tcp 127.0.0.1:" + port, 2, false, atMost -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), millis(200, atMost));
                return READY;
            }
        });
    }

    /**
     * A tcp target as {@code RuntimeSettings} keeps it: {@code 20001}, or for a container's published
     * port {@link ContainerTcpCheck#target}'s form.
     */
    static ReadinessCheck tcp(String target) {
        return ContainerTcpCheck.isContainerTarget(target)
                ? ContainerTcpCheck.of(target)
                : tcp(Integer.parseInt(target.trim()));
    }

    /**
     * Ready once a GET answers 2xx or 3xx; a redirect is the answer, not followed. ready-check.pl's
     * http means the same (ReadyCheckAgreementTest).
     */
    static ReadinessCheck http(URI uri) {
        return new Attempts("http GET " + uri + " answers 2xx or 3xx", 20, true, atMost -> {
            HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
            try {
                c.setConnectTimeout(millis(200, atMost));
                c.setReadTimeout(millis(2000, atMost));
                c.setInstanceFollowRedirects(false);
                int code = c.getResponseCode();
                return code >= 200 && code < 400 ? READY : Optional.of("HTTP " + code);
            } finally {
                c.disconnect();
            }
        });
    }

    /** Ready once a log line written after {@code fromOffset} matches (svlogd's timestamp is not part of the line). */
    static ReadinessCheck logLine(Path logFile, Pattern pattern, long fromOffset) {
        return new LogLine(logFile, pattern, fromOffset);
    }

    /** Ready when the script exits 0; see {@link ReadyCommand}. */
    static ReadinessCheck command(Path script, Path workdir) {
        return new Attempts(
                "command " + script + " exits 0", 100, true, atMost -> ReadyCommand.attempt(script, workdir, atMost));
    }

    /** One attempt of a check, which returns within {@code atMost}. */
    @FunctionalInterface
    interface Attempt {
        /** @return {@link #READY}, or why not; an exception's message is why not */
        Optional<String> run(Duration atMost) throws IOException;
    }

    /** A check made of one {@link Attempt}, which remembers why its last attempt failed. */
    final class Attempts implements ReadinessCheck {
        private final String description;
        private final long pauseMillis;
        private final boolean blocks;
        private final Attempt attempt;
        private String problem = "not tried yet";

        Attempts(String description, long pauseMillis, boolean blocks, Attempt attempt) {
            this.description = description;
            this.pauseMillis = pauseMillis;
            this.blocks = blocks;
            this.attempt = attempt;
        }

        @Override
        public boolean blocks() {
            return blocks;
        }

        @Override
        public boolean isReady(Duration atMost) {
            Optional<String> notReady;
            try {
                notReady = attempt.run(atMost);
            } catch (IOException e) {
                notReady = Optional.of(String.valueOf(e.getMessage()));
            }
            notReady.ifPresent(why -> problem = why);
            return notReady.isEmpty();
        }

        @Override
        public String description() {
            return description;
        }

        @Override
        public String lastProblem() {
            return problem;
        }

        @Override
        public long pauseMillis() {
            return pauseMillis;
        }
    }

    record Fixed(String description) implements ReadinessCheck {
        @Override
        public boolean isReady(Duration atMost) {
            return true;
        }

        @Override
        public String lastProblem() {
            return "";
        }
    }

    final class LogLine implements ReadinessCheck {
        private static final Pattern SVLOGD_TIMESTAMP =
                Pattern.compile("^\\d{4}-\\d\\d-\\d\\d_\\d\\d:\\d\\d:\\d\\d\\.\\d+ ");
        private final Path file;
        private final Pattern pattern;
        private long offset;
        private final StringBuilder partial = new StringBuilder();

        LogLine(Path file, Pattern pattern, long offset) {
            this.file = file;
            this.pattern = pattern;
            this.offset = offset;
        }

        @Override
        public boolean isReady(Duration atMost) {
            if (!Files.exists(file)) {
                return false;
            }
            try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
                long size = in.length();
                if (size < offset) {
                    offset = 0; // svlogd rotated the file
                    partial.setLength(0);
                }
                if (size == offset) {
                    return false;
                }
                byte[] bytes = new byte[(int) Math.min(size - offset, 1 << 20)];
                in.seek(offset);
                in.readFully(bytes);
                offset += bytes.length;
                partial.append(new String(bytes, StandardCharsets.UTF_8));
                int newline;
                while ((newline = partial.indexOf("\n")) >= 0) {
                    String line = SVLOGD_TIMESTAMP
                            .matcher(partial.substring(0, newline))
                            .replaceFirst("");
                    partial.delete(0, newline + 1);
                    if (pattern.matcher(line).find()) {
                        return true;
                    }
                }
                return false;
            } catch (IOException e) {
                return false;
            }
        }

        @Override
        public String description() {
            return "a log line matching /" + pattern + "/ in " + file;
        }

        @Override
        public String lastProblem() {
            return "no such line yet";
        }
    }

    /** A timeout in milliseconds: {@code preferred}, or less when less time is left (at least 1). */
    private static int millis(int preferred, Duration atMost) {
        return (int) Math.max(1, Math.min(preferred, atMost.toMillis()));
    }
}
