package dev.pgroup.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Real daemons for the socket passing tests, found on PATH or in the sbin dirs Debian puts them in.
 * CI runs ./setup.sh first, so a missing daemon fails the test with a message saying so instead of
 * skipping it.
 */
final class Daemons {
    private static final List<String> SBIN = List.of("/usr/sbin", "/sbin", "/usr/local/sbin");

    private Daemons() {}

    /** The daemon's path; fails the test when it is not installed. */
    static Path require(String program) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : (path + ":" + String.join(":", SBIN)).split(":")) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, program);
            if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
                return candidate.toAbsolutePath();
            }
        }
        throw new AssertionError(program + " is not installed (looked on PATH and in " + SBIN
                + "); run ./setup.sh, which installs it, as CI does");
    }

    /** This JVM's environment with the dirs of {@code programs} on PATH, for the engine. */
    static Map<String, String> environmentWith(Path... programs) {
        Map<String, String> env = new HashMap<>(System.getenv());
        StringBuilder path = new StringBuilder(env.getOrDefault("PATH", "/usr/bin:/bin"));
        for (Path p : programs) {
            path.append(':').append(p.getParent());
        }
        env.put("PATH", path.toString());
        return env;
    }

    /**
     * One HTTP/1.0 GET on a fresh connection, no retry: what a test does the moment start returns.
     * Returns the status line and body.
     */
    static String httpGet(int port, String path) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int headerEnd = response.indexOf("\r\n\r\n");
            String statusLine = response.substring(0, Math.max(0, response.indexOf("\r\n")));
            return statusLine + "\n" + (headerEnd < 0 ? "" : response.substring(headerEnd + 4));
        }
    }

    /** Waits, with a deadline, for a log line matching {@code regex}; returns its match. */
    static Matcher awaitLogLine(Group group, String process, String regex, Duration timeout) {
        Pattern pattern = Pattern.compile(regex);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<Matcher> found = group.logTail(process, Group.LOG_TAIL_LINES).stream()
                    .map(pattern::matcher)
                    .filter(Matcher::find)
                    .findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("no line matching /" + regex + "/ in the log of " + process + " within "
                        + timeout + "; it ends with " + group.logTail(process, Group.LOG_TAIL_LINES));
            }
            try {
                Thread.sleep(5); // polling a file for a condition, bounded by the deadline
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }
}
