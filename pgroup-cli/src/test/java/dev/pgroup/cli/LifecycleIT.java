package dev.pgroup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgroup.core.Group;
import dev.pgroup.core.PGroupEngine;
import dev.pgroup.core.model.GroupInfo;
import dev.pgroup.core.model.ProcessState;
import dev.pgroup.core.model.ProcessStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The commands of the group lifecycle, run as a person or a script runs them: one process each. */
class LifecycleIT {
    private Cli cli;

    @BeforeEach
    void setUp() throws Exception {
        cli = new Cli();
    }

    @AfterEach
    void tearDown() {
        cli.close();
    }

    @Test
    void aShellScriptCreatesStartsInspectsStopsAndTerminatesAGroup() throws Exception {
        Cli.Result r = cli.sh(
                Cli.script("lifecycle.sh"),
                Cli.LAUNCHER.toString(),
                Cli.definition("redis-single").toString());

        assertThat(r.exitCode()).as(r.toString()).isZero();
        List<String> lines = r.out().lines().toList();
        String id = lines.get(0).substring("created ".length());
        assertThat(id).matches("single-.+");
        int started = lines.indexOf("== started");
        int stopped = lines.indexOf("== stopped");
        assertThat(lines.get(started + 1)).as(r.toString()).matches("run\\s+redis\\s+pid \\d+\\s+main=\\d+\\s+\\S+");
        assertThat(lines.get(stopped + 1)).as(r.toString()).matches("down\\s+redis\\s+-\\s+main=\\d+\\s+\\S+");
        assertThat(lines).contains("== terminated");
        assertThat(cli.baseDir.resolve(id)).doesNotExist();
        try (PGroupEngine engine = cli.engine()) {
            assertThat(engine.list()).isEmpty();
        }
    }

    @Test
    void aStartedGroupKeepsRunningAfterTheCommandExits() throws Exception {
        String id = create();

        Cli.Result start = cli.pgroup("start", id, "--wait", "--timeout", "30s");

        assertThat(start.exitCode()).as(start.toString()).isZero();
        Path dir = cli.baseDir.resolve(id);
        try (PGroupEngine engine = cli.engine()) {
            Group group = engine.open(id);
            assertThat(group.isDetached()).isTrue();
            assertThat(group.isRunning()).isTrue();
            ProcessStatus redis = group.status().get(0);
            assertThat(redis.state()).isEqualTo(ProcessState.RUN);
            assertThat(Cli.alive(redis.pid())).isTrue();
            assertThat(Cli.findProcess("runsvdir", dir))
                    .as("runsvdir of %s", dir)
                    .isPresent();
        }
        Cli.Result status = cli.pgroup("status", id);
        assertThat(status.out()).as(status.toString()).startsWith("run ");
    }

    @Test
    void envExportsPortsThatAShellCanUse() throws Exception {
        String id = create();
        assertThat(cli.pgroup("start", id).exitCode()).isZero();

        Cli.Result r = cli.sh(Cli.script("env-ping.sh"), Cli.LAUNCHER.toString(), id);

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("id " + id, "PONG");
        assertThat(r.out()).contains("manifest " + cli.baseDir.resolve(id));
    }

    @Test
    void envQuotesValuesForTheShell() throws Exception {
        assertThat(EnvCommand.quote("it's $HOME `x`")).isEqualTo("'it'\\''s $HOME `x`'");
        assertThat(EnvCommand.variable("cache-2")).isEqualTo("CACHE_2");
    }

    @Test
    void listShowsEveryGroupWithOwnerStateAndPorts() throws Exception {
        String running = create();
        String created = create();
        assertThat(cli.pgroup("start", running).exitCode()).isZero();

        Cli.Result r = cli.pgroup("list");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines.get(0)).matches("ID\\s+OWNER\\s+STATE\\s+AGE\\s+PORTS");
        assertThat(lines).anyMatch(l -> l.matches(running + "\\s+detached\\s+running\\s+\\S+\\s+redis\\.main=\\d+"));
        assertThat(lines).anyMatch(l -> l.matches(created + "\\s+detached\\s+stopped\\s+\\S+\\s+redis\\.main=\\d+"));
        Cli.Result json = cli.pgroup("list", "--json");
        assertThat(json.out()).contains("\"id\":\"" + running + "\"", "\"state\":\"running\"");
    }

    @Test
    void statusWithoutIdCoversEveryGroupAndJsonHasPidsAndPorts() throws Exception {
        String id = create();
        assertThat(cli.pgroup("start", id).exitCode()).isZero();
        int port;
        long pid;
        try (PGroupEngine engine = cli.engine()) {
            Group g = engine.open(id);
            port = g.port("redis", "main");
            pid = g.status().get(0).pid();
        }

        Cli.Result all = cli.pgroup("status");
        Cli.Result json = cli.pgroup("status", id, "--json");

        assertThat(all.out()).as(all.toString()).startsWith("run  " + id + "/redis  pid " + pid);
        assertThat(json.out())
                .as(json.toString())
                .contains(
                        "\"id\":\"" + id + "\"",
                        "\"state\":\"run\"",
                        "\"pid\":" + pid,
                        "\"ports\":{\"main\":" + port + "}");
    }

    @Test
    void logsShowTheProcessOutput() throws Exception {
        String id = create();
        assertThat(cli.pgroup("start", id).exitCode()).isZero();

        Cli.Result r = cli.pgroup("logs", id, "redis", "-n", "50");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("Ready to accept connections");
    }

    @Test
    void theGlobalOptionsChooseTheBaseDirAndDatabase() throws Exception {
        Path other = cli.root.resolve("other");
        Cli.Result created = cli.pgroup(
                "create",
                "--base-dir",
                other.resolve("groups").toString(),
                "--database",
                other.resolve("db").toString(),
                Cli.definition("redis-single").toString());
        assertThat(created.exitCode()).as(created.toString()).isZero();
        String id = created.out().trim();
        try {
            assertThat(other.resolve("groups").resolve(id)).isDirectory();
            assertThat(other.resolve("db")).isRegularFile();
            assertThat(cli.pgroup("status", id).exitCode()).isEqualTo(1);
        } finally {
            Cli.Result t = cli.pgroup(
                    "--base-dir",
                    other.resolve("groups").toString(),
                    "--database",
                    other.resolve("db").toString(),
                    "terminate",
                    id);
            assertThat(t.exitCode()).as(t.toString()).isZero();
        }
        assertThat(other.resolve("groups").resolve(id)).doesNotExist();
    }

    @Test
    void pruneStopsTheOrphansOfAGroupWhoseRunsvdirWasKilled() throws Exception {
        String id = create();
        assertThat(cli.pgroup("start", id).exitCode()).isZero();
        long redis;
        try (PGroupEngine engine = cli.engine()) {
            redis = engine.open(id).status().get(0).pid();
        }
        ProcessHandle runsvdir =
                Cli.findProcess("runsvdir", cli.baseDir.resolve(id)).orElseThrow();
        runsvdir.destroyForcibly();
        runsvdir.onExit().get();
        assertThat(Cli.alive(redis)).as("redis outlives its runsvdir").isTrue();

        Cli.Result r = cli.pgroup("prune");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("stopped the orphaned processes of group " + id);
        assertThat(Cli.alive(redis)).isFalse();
        assertThat(cli.pgroup("prune").out()).contains("nothing to prune");
    }

    private String create() throws Exception {
        Cli.Result r = cli.pgroup("create", Cli.definition("redis-single").toString());
        assertThat(r.exitCode()).as(r.toString()).isZero();
        String id = r.out().trim();
        assertThat(Files.isDirectory(cli.baseDir.resolve(id))).isTrue();
        try (PGroupEngine engine = cli.engine()) {
            assertThat(engine.list()).extracting(GroupInfo::id).contains(id);
        }
        return id;
    }
}
