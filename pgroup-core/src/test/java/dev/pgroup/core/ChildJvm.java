package dev.pgroup.core;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs {@link OwnerChild} in a JVM of its own and reads the manifests it prints. */
final class ChildJvm implements AutoCloseable {
    final Process process;
    final List<Path> manifests = new ArrayList<>();

    ChildJvm(Path base, Path database, Path definition, int groups, String mode) throws IOException {
        this(base, database, definition, groups, mode, System.getenv());
    }

    /** With {@code environment} for the child JVM, which its engine passes to its groups. */
    ChildJvm(
            Path base,
            Path database,
            Path definition,
            int groups,
            String mode,
            java.util.Map<String, String> environment)
            throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(
                        java,
                        "-XX:TieredStopAtLevel=1",
                        "-cp",
                        System.getProperty("java.class.path"),
                        OwnerChild.class.getName(),
                        base.toString(),
                        database.toString(),
                        definition.toString(),
                        Integer.toString(groups),
                        mode)
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().clear();
        pb.environment().putAll(environment);
        process = pb.start();
        BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null && !line.equals("ready")) {
            manifests.add(Path.of(line));
        }
        if (line == null) {
            throw new IOException("the child JVM exited before it was ready (exit " + waitExit() + ")");
        }
    }

    private int waitExit() {
        try {
            return process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Asks the child to terminate its groups and exit. */
    void finish() throws IOException, InterruptedException {
        process.getOutputStream().write('\n');
        process.getOutputStream().flush();
        process.waitFor();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
