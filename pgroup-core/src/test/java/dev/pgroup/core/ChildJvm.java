package dev.pgroup.core;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Runs {@link OwnerChild} in a JVM of its own and reads the manifests it prints. */
final class ChildJvm implements AutoCloseable {
    final Process process;
    final List<Path> manifests = new ArrayList<>();

    ChildJvm(Path base, Path database, Path definition, int groups, String mode) throws IOException {
        this(List.of(), List.of(), System.getenv(), base, database, definition, groups, mode);
    }

    /** With {@code environment} for the child JVM, which its engine passes to its groups. */
    ChildJvm(Path base, Path database, Path definition, int groups, String mode, Map<String, String> environment)
            throws IOException {
        this(List.of(), List.of(), environment, base, database, definition, groups, mode);
    }

    /**
     * A child run through {@code launcher} (e.g. {@code unshare ...}), with extra JVM options and
     * OwnerChild arguments after the mode.
     */
    ChildJvm(
            List<String> launcher,
            List<String> jvmOptions,
            Path base,
            Path database,
            Path definition,
            int groups,
            String mode,
            String... more)
            throws IOException {
        this(launcher, jvmOptions, System.getenv(), base, database, definition, groups, mode, more);
    }

    /** A child run through {@code launcher}, with {@code environment}. */
    ChildJvm(
            List<String> launcher,
            Map<String, String> environment,
            Path base,
            Path database,
            Path definition,
            int groups,
            String mode)
            throws IOException {
        this(launcher, List.of(), environment, base, database, definition, groups, mode);
    }

    private ChildJvm(
            List<String> launcher,
            List<String> jvmOptions,
            Map<String, String> environment,
            Path base,
            Path database,
            Path definition,
            int groups,
            String mode,
            String... more)
            throws IOException {
        List<String> args = new ArrayList<>(
                List.of(base.toString(), database.toString(), definition.toString(), Integer.toString(groups), mode));
        args.addAll(List.of(more));
        process = launch(launcher, jvmOptions, args, environment);
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

    /** Starts {@link OwnerChild} without waiting for it: for tests that stop it before it is ready. */
    static Process launch(List<String> launcher, List<String> jvmOptions, List<String> args) throws IOException {
        return launch(launcher, jvmOptions, args, System.getenv());
    }

    private static Process launch(
            List<String> launcher, List<String> jvmOptions, List<String> args, Map<String, String> environment)
            throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(launcher);
        command.add(java);
        command.add("-XX:TieredStopAtLevel=1");
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), OwnerChild.class.getName()));
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().clear();
        pb.environment().putAll(environment);
        return pb.start();
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
