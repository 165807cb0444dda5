package dev.pgroup.core;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A JVM that starts an existing group, as {@code pgroup start ID} does. Arguments: base dir,
 * database, group id, timeout in ms. Prints "ready", waits for a line on stdin (so that several
 * children start at once), starts the group, prints "started" or "failed: <message>", and exits.
 */
public final class StarterChild {
    public static void main(String[] args) throws Exception {
        try (PGroupEngine engine = PGroupEngine.builder()
                .baseDir(Path.of(args[0]))
                .database(Path.of(args[1]))
                .build()) {
            Group group = engine.open(args[2]);
            System.out.println("ready");
            System.out.flush();
            System.in.read();
            try {
                group.start(Duration.ofMillis(Long.parseLong(args[3])));
                System.out.println("started");
            } catch (RuntimeException e) {
                System.out.println("failed: " + e.getMessage().replace('\n', ' '));
            }
            System.out.flush();
        }
    }

    /** Runs this class in a JVM of its own with {@code environment}, and waits until it is ready. */
    static Child launch(
            Path base, Path database, String id, Duration timeout, java.util.Map<String, String> environment)
            throws java.io.IOException {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(
                        javaBin,
                        "-XX:TieredStopAtLevel=1",
                        "-cp",
                        System.getProperty("java.class.path"),
                        StarterChild.class.getName(),
                        base.toString(),
                        database.toString(),
                        id,
                        Long.toString(timeout.toMillis()))
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().clear();
        pb.environment().putAll(environment);
        Process p = pb.start();
        java.io.BufferedReader out = new java.io.BufferedReader(
                new java.io.InputStreamReader(p.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
        String line = out.readLine();
        if (!"ready".equals(line)) {
            p.destroyForcibly();
            throw new java.io.IOException("the starter JVM said " + line + " instead of ready");
        }
        return new Child(p, out);
    }

    /** A started child JVM. */
    record Child(Process process, java.io.BufferedReader out) implements AutoCloseable {
        void go() throws java.io.IOException {
            process.getOutputStream().write('\n');
            process.getOutputStream().flush();
        }

        /** "started" or "failed: ..." */
        String result() throws java.io.IOException {
            String line = out.readLine();
            return line == null ? "no answer (exit)" : line;
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }
}
