package dev.pgroup.core;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A {@link UserClaimsChild} JVM run as the real second user ({@link OtherUser}), through {@code
 * setpriv}, which execs: the process the test holds is the JVM itself, so killing it kills the JVM.
 * The test's classpath is copied where that user can read it (Maven's repository is root's alone).
 */
final class OtherUserJvm implements AutoCloseable {
    final Process process;
    final List<String> lines = new ArrayList<>();
    private final BufferedReader out;

    private OtherUserJvm(Process process) {
        this.process = process;
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /**
     * Starts the child and waits for its "ready"; {@code root} is a dir of the test's that the other
     * user may enter (mode 0711), where the classpath copy goes.
     */
    static OtherUserJvm run(Path root, Map<String, String> environment, Path home, String... args)
            throws IOException, InterruptedException {
        return run(root, environment, home, List.of(), args);
    }

    /**
     * As {@link #run(Path, Map, Path, String...)}, with the user also in {@code groups}, e.g. {@code
     * docker} for the daemon's socket.
     */
    static OtherUserJvm run(Path root, Map<String, String> environment, Path home, List<String> groups, String... args)
            throws IOException, InterruptedException {
        OtherUser.principal();
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv (util-linux)");
        List<String> command = new ArrayList<>(List.of(
                "/usr/bin/setpriv",
                "--reuid=" + OtherUser.NAME,
                "--regid=" + OtherUser.NAME,
                groups.isEmpty() ? "--clear-groups" : "--groups=" + String.join(",", groups),
                "--",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1",
                "-Duser.home=" + home,
                "-cp",
                classpath(root),
                UserClaimsChild.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().clear();
        pb.environment().put("PATH", System.getenv("PATH"));
        pb.environment().putAll(environment);
        OtherUserJvm child = new OtherUserJvm(pb.start());
        String line;
        while ((line = child.out.readLine()) != null && !line.equals("ready")) {
            child.lines.add(line);
        }
        if (line == null) {
            throw new IOException("the other user's JVM exited before it was ready (exit " + child.process.waitFor()
                    + "): " + child.lines);
        }
        return child;
    }

    /** Sends the child a line (its "go"), then reads what it prints until it exits. */
    List<String> go() throws IOException, InterruptedException {
        process.getOutputStream().write('\n');
        process.getOutputStream().flush();
        return rest();
    }

    /** What the child prints after "ready", until it exits (successfully). */
    List<String> rest() throws IOException, InterruptedException {
        List<String> rest = new ArrayList<>();
        for (String line; (line = out.readLine()) != null; ) {
            rest.add(line);
        }
        if (process.waitFor() != 0) {
            throw new IOException("the other user's JVM failed (exit " + process.exitValue() + "): " + rest);
        }
        return rest;
    }

    /** The ports a line of the child's output names. */
    List<Integer> ports(int line) {
        return java.util.Arrays.stream(lines.get(line).trim().split(" "))
                .map(Integer::valueOf)
                .toList();
    }

    /** Kills the JVM (SIGKILL) and waits until it is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }

    private static String classpath(Path root) throws IOException {
        Path dir = root.resolve("classpath");
        List<String> entries = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        int i = 0;
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path p = Path.of(entry).toAbsolutePath();
            if (Files.isDirectory(p)) {
                entries.add(p.toString()); // the build's own classes: readable by everyone
            } else if (Files.isRegularFile(p)) {
                Path copy = dir.resolve((i++) + "-" + p.getFileName());
                if (!Files.exists(copy)) {
                    Files.copy(p, copy);
                    Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-r--r--"));
                }
                entries.add(copy.toString());
            }
        }
        return String.join(java.io.File.pathSeparator, entries);
    }
}
