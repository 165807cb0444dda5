package dev.pgroup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgroup.core.Group;
import dev.pgroup.core.PGroupEngine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code pgroup up}: a group in the foreground, gone without a trace after Ctrl-C. */
class UpIT {
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    private Cli cli;
    private Process up;

    @BeforeEach
    void setUp() throws Exception {
        cli = new Cli();
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            if (up != null && up.isAlive()) {
                up.destroyForcibly();
                up.waitFor(30, TimeUnit.SECONDS);
            }
        } finally {
            cli.close();
        }
    }

    @Test
    void upPrintsThePortsAndSigintLeavesNothingRunning() throws Exception {
        Path out = cli.root.resolve("up.out");
        Path err = cli.root.resolve("up.err");
        up = cli.spawn(out, err, "up", Cli.definition("redis-single").toString(), "--timeout", "30s");

        List<String> lines = awaitLines(out, err, l -> l.stream().anyMatch(s -> s.startsWith("redis.main=")));
        String id = lines.get(0).substring("id=".length());
        Path dir = cli.baseDir.resolve(id);
        List<Long> pids = new ArrayList<>();
        try (PGroupEngine engine = cli.engine()) {
            Group group = engine.open(id);
            assertThat(group.isDetached()).as("up owns its group").isFalse();
            assertThat(lines).contains("redis.main=" + group.port("redis", "main"));
            pids.add(group.status().get(0).pid());
        }
        ProcessHandle runsvdir = Cli.findProcess("runsvdir", dir).orElseThrow();
        pids.add(runsvdir.pid());
        runsvdir.descendants().forEach(p -> pids.add(p.pid()));
        assertThat(pids).allMatch(Cli::alive).hasSizeGreaterThanOrEqualTo(4); // redis, runsvdir, runsv, svlogd

        Process kill = new ProcessBuilder("kill", "-INT", Long.toString(up.pid())).start();
        assertThat(kill.waitFor()).isZero();

        assertThat(up.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS))
                .as("up exits")
                .isTrue();
        assertThat(up.exitValue()).isEqualTo(130);
        // runsv is killed last and reaped by init, which may take a moment after up has exited.
        assertThat(Cli.awaitGone(pids, Duration.ofSeconds(5)))
                .as("still running of redis, runsvdir, runsv, svlogd %s", pids)
                .isEmpty();
        assertThat(dir).doesNotExist();
        try (PGroupEngine engine = cli.engine()) {
            assertThat(engine.list()).isEmpty();
        }
        assertThat(Files.readString(err, StandardCharsets.UTF_8)).contains("stopping group " + id);
    }

    @Test
    void upInAMavenProjectStartsItsGroupWherePGroupCurrentFindsIt() throws Exception {
        Path project = Files.createDirectories(cli.root.resolve("project"));
        Files.writeString(project.resolve("pom.xml"), "<project/>\n");
        Path definition = Files.createDirectories(project.resolve("src/it/pgroup"));
        Files.copy(Cli.definition("redis-single").resolve("group.toml"), definition.resolve("group.toml"));
        Path out = cli.root.resolve("up.out");
        Path err = cli.root.resolve("up.err");

        up = cli.spawnIn(project, out, err, "up", "--timeout", "30s");

        List<String> lines = awaitLines(out, err, l -> l.stream().anyMatch(s -> s.startsWith("redis.main=")));
        String id = lines.get(0).substring("id=".length());
        Path groupDir = project.resolve("target/pgroup").resolve(id);
        assertThat(groupDir.resolve(".pgroup/manifest.properties")).isRegularFile();
        // What PGroup.current() does in a test run from the IDE with the project as working dir.
        System.setProperty(
                dev.pgroup.PGroup.BASE_DIR_PROPERTY, groupDir.getParent().toString());
        try {
            assertThat(dev.pgroup.PGroup.current().id()).isEqualTo(id);
        } finally {
            System.clearProperty(dev.pgroup.PGroup.BASE_DIR_PROPERTY);
        }

        assertThat(new ProcessBuilder("kill", "-INT", Long.toString(up.pid()))
                        .start()
                        .waitFor())
                .isZero();
        assertThat(up.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS))
                .as("up exits")
                .isTrue();
        assertThat(groupDir).doesNotExist();
    }

    /** Waits, with a deadline, until the command's stdout satisfies {@code done}; fails early if it exits. */
    private List<String> awaitLines(Path out, Path err, java.util.function.Predicate<List<String>> done)
            throws IOException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (true) {
            List<String> lines = read(out);
            if (done.test(lines)) {
                return lines;
            }
            if (!up.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("pgroup up did not print its ports (alive: " + up.isAlive() + ")\nstdout:\n"
                        + String.join("\n", lines) + "\nstderr:\n" + String.join("\n", read(err)));
            }
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        }
    }

    private static List<String> read(Path file) throws IOException {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return List.of();
        }
    }
}
