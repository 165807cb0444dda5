package dev.pgroup.cli;

import dev.pgroup.core.Group;
import dev.pgroup.core.PGroupEngine;
import dev.pgroup.core.model.GroupInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Runs the packaged {@code pgroup} launcher as a subprocess against a base dir and database of
 * its own under {@code target/}, and terminates every group left there when the test is done.
 */
final class Cli implements AutoCloseable {
    static final Path LAUNCHER =
            Path.of(System.getProperty("pgroup.launcher", "target/pgroup")).toAbsolutePath();
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(90);

    final Path root;
    final Path baseDir;
    final Path database;

    Cli() throws IOException {
        Path testDir = Path.of(System.getProperty("pgroup.testDir", "target/cli-it"));
        Files.createDirectories(testDir);
        root = Files.createTempDirectory(testDir.toAbsolutePath(), "it-");
        baseDir = root.resolve("groups");
        database = root.resolve("pgroup.db");
    }

    /** The output of one finished command. */
    record Result(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout:\n" + out + "--- stderr:\n" + err;
        }
    }

    static Path definition(String name) {
        return Path.of("src/test/resources/groups", name).toAbsolutePath();
    }

    static Path script(String name) {
        return Path.of("src/test/resources/scripts", name).toAbsolutePath();
    }

    /** Runs {@code pgroup ARGS} and waits for it to exit. */
    Result pgroup(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(LAUNCHER.toString());
        command.addAll(List.of(args));
        return run(command);
    }

    /** Runs {@code sh SCRIPT ARGS} with this test's environment. */
    Result sh(Path script, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("sh", script.toString()));
        command.addAll(List.of(args));
        return run(command);
    }

    /** Starts {@code pgroup ARGS} without waiting; stdout and stderr go to files in {@link #root}. */
    Process spawn(Path out, Path err, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(LAUNCHER.toString());
        command.addAll(List.of(args));
        return builder(command)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
    }

    /**
     * Starts {@code pgroup ARGS} in {@code workdir} as a person would in a project: without
     * $PGROUP_BASE_DIR, so the command picks its own default.
     */
    Process spawnIn(Path workdir, Path out, Path err, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(LAUNCHER.toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = builder(command)
                .directory(workdir.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        pb.environment().remove("PGROUP_BASE_DIR");
        return pb.start();
    }

    private Result run(List<String> command) throws IOException, InterruptedException {
        Path out = Files.createTempFile(root, "out-", ".txt");
        Path err = Files.createTempFile(root, "err-", ".txt");
        Process p = builder(command)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        if (!p.waitFor(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            p.waitFor();
            throw new AssertionError(command + " did not exit within " + COMMAND_TIMEOUT + "; stderr:\n"
                    + Files.readString(err, StandardCharsets.UTF_8));
        }
        return new Result(
                p.exitValue(),
                Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    private ProcessBuilder builder(List<String> command) {
        ProcessBuilder pb =
                new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Map<String, String> env = pb.environment();
        env.put("PGROUP", LAUNCHER.toString());
        env.put("PGROUP_BASE_DIR", baseDir.toString());
        env.put("PGROUP_DATABASE", database.toString());
        return pb;
    }

    /** An engine on this test's base dir and database, to check what the command did. */
    PGroupEngine engine() {
        return PGroupEngine.builder().baseDir(baseDir).database(database).build();
    }

    /** The live process whose command line names the group directory and starts with {@code program}. */
    static Optional<ProcessHandle> findProcess(String program, Path groupDir) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().orElse("").contains(groupDir.toString()))
                .filter(p -> p.info().command().orElse("").endsWith("/" + program))
                .findFirst();
    }

    /** Whether the process runs: a zombie waiting for init to reap it has stopped running. */
    static boolean alive(long pid) {
        return ProcessHandle.of(pid)
                .map(dev.pgroup.core.internal.os.Processes::isRunning)
                .orElse(false);
    }

    /** Waits, with a deadline, until none of the processes runs; returns those that still do. */
    static List<Long> awaitGone(List<Long> pids, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<Long> running = pids.stream().filter(Cli::alive).toList();
            if (running.isEmpty() || System.nanoTime() > deadline) {
                return running;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(
                    Duration.ofMillis(10).toNanos());
        }
    }

    /** Terminates every group this test left, whatever happened, and reports what could not be cleaned. */
    @Override
    public void close() {
        RuntimeException failure = null;
        try (PGroupEngine engine = engine()) {
            Set<String> ids = new LinkedHashSet<>(engine.groupIds());
            if (Files.exists(database)) {
                engine.list().stream().map(GroupInfo::id).forEach(ids::add);
            }
            for (String id : ids) {
                try {
                    Group g = engine.open(id);
                    g.terminate();
                } catch (RuntimeException e) {
                    if (failure == null) {
                        failure = new IllegalStateException("could not terminate every group of the test");
                    }
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
