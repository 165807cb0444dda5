package dev.pgroup.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.pgroup.Manifest;
import dev.pgroup.PGroup;
import dev.pgroup.core.internal.os.Deadline;
import dev.pgroup.core.internal.os.ShortCommand;
import dev.pgroup.core.model.DefinitionException;
import dev.pgroup.core.model.ProcessState;
import dev.pgroup.core.model.StartException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Processes that run as containers, under a real Docker daemon: the test images are built locally
 * by {@code ./setup-docker.sh}. Every test checks that no container of its groups is left.
 */
@ExtendWith({ContainerEngineAvailable.class, GroupsExtension.class})
class ContainerGroupTest {
    /** A redis container with a tcp ready check on its one published port. */
    private static final String REDIS_CONTAINER =
            """
            [[process]]
            name = "cache"
            image = "pgroup-test/redis:7"
            ports = ["main"]
            publish = { main = 6379 }
            ready = { tcp = "main" }
            """;

    @Test
    void containerReplicaReplicatesFromALocalPrimaryOnItsLeasedPort(Groups groups) throws Exception {
        Group group = groups.started(
                """
                name = "mixed"
                [[process]]
                name = "primary"
                # 0.0.0.0: the container reaches the host through the bridge's gateway
                command = ["redis-server", "--port", "{{port.main}}", "--bind", "0.0.0.0", "--protected-mode", "no",
                           "--save", ""]
                ports = ["main"]
                ready = { tcp = "main" }

                [[process]]
                name = "replica"
                image = "pgroup-test/redis:7"
                command = ["redis-server", "--port", "6379", "--protected-mode", "no", "--save", "",
                           "--replicaof", "HOST_ALIAS", "{{ports.primary.main}}"]
                ports = ["main"]
                publish = { main = 6379 }
                ready = { tcp = "main" }
                after = ["primary"]
                """
                        .replace("HOST_ALIAS", hostAlias()));
        int primary = group.port("primary", "main");
        int replica = group.port("replica", "main");

        assertThat(RedisPairTest.redis(primary, "SET", "greeting", "from-the-host"))
                .isEqualTo("+OK");
        String[] read = {null};
        Deadline.in(Duration.ofSeconds(10))
                .await(
                        () -> {
                            try {
                                read[0] = RedisPairTest.redis(replica, "GET", "greeting");
                            } catch (IOException e) {
                                read[0] = e.toString();
                            }
                            return "from-the-host".equals(read[0]);
                        },
                        Duration.ofMillis(20));
        assertThat(read[0]).as("read from the container replica").isEqualTo("from-the-host");

        // The runtime sees a container's host port as it sees a binary's, and the manifest records the image.
        PGroup runtime = PGroup.load(group.manifestFile());
        assertThat(runtime.port("replica", "main")).isEqualTo(replica);
        Manifest.ProcessInfo info = runtime.manifest().process("replica").orElseThrow();
        assertThat(info.image()).isEqualTo("pgroup-test/redis:7");
        assertThat(info.imageId())
                .isEqualTo(ContainerEngineAvailable.docker(
                                "image", "inspect", "--format", "{{.Id}}", "pgroup-test/redis:7")
                        .out()
                        .strip());
        assertThat(runtime.manifest().process("primary").orElseThrow().image()).isNull();
        assertThat(containers(group.id())).hasSize(1);

        group.stop();
        assertThat(containers(group.id())).as("containers after stop").isEmpty();
    }

    @Test
    void templateRenderedIntoTheProcessDirIsReadInsideTheContainer(Groups groups) throws Exception {
        Path definition = groups.definition(
                """
                [[process]]
                name = "cache"
                image = "pgroup-test/redis:7"
                templates = ["redis.conf"]
                command = ["redis-server", "{{process.dir}}/redis.conf"]
                ports = ["main"]
                publish = { main = 6379 }
                ready = { tcp = "main" }
                """);
        Files.writeString(
                definition.resolve("redis.conf"),
                "port 6379\nprotected-mode no\nsave \"\"\ndir {{process.dir}}\ndbfilename {{group.name}}-{{process.name}}.rdb\n");
        Group group = groups.started(definition);
        int port = group.port("cache", "main");
        Path processDir = group.directory().resolve("cache");

        assertThat(RedisPairTest.redis(port, "SAVE")).isEqualTo("+OK");
        // The dump is written inside the container, to the process dir mounted at the same path.
        assertThat(processDir.resolve(definition.getFileName() + "-cache.rdb")).exists();
    }

    @Test
    void httpReadyCheckOnThePublishedPortServesARenderedPage(Groups groups) throws Exception {
        Path definition = groups.definition(
                """
                [[process]]
                name = "web"
                image = "pgroup-test/busybox"
                templates = ["www/index.html"]
                command = ["httpd", "-f", "-p", "8080", "-h", "{{process.dir}}/www"]
                ports = ["http"]
                publish = { http = 8080 }
                ready = { http = "http:/index.html" }
                stop_timeout = "2s"
                """);
        Files.createDirectories(definition.resolve("www"));
        Files.writeString(definition.resolve("www/index.html"), "served by {{process.id}} on {{port.http}}\n");
        Group group = groups.started(definition);
        int port = group.port("web", "http");

        HttpResponse<String> page = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/index.html"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).isEqualTo("served by " + group.id() + ".web on " + port + "\n");
    }

    @Test
    void containerWithoutAReadyCheckRunsWhenStartReturns(Groups groups) throws Exception {
        // The engine client runs ~0.3 s before its container does: 200 ms of client uptime proves nothing.
        Group group = groups.started(
                """
                [[process]]
                name = "idle"
                image = "pgroup-test/busybox"
                command = ["sleep", "1000"]
                """);

        assertThat(running(group.id()))
                .as("running containers when start returned")
                .hasSize(1);
    }

    @Test
    void logReadyCheckWaitsForTheContainersLine(Groups groups) throws Exception {
        Group group = groups.started(
                """
                [[process]]
                name = "slow"
                image = "pgroup-test/busybox"
                command = ["sh", "-c", "sleep 0.5; echo 'service up on {{process.name}}'; exec sleep 1000"]
                ready = { log = "service up on slow" }
                stop_timeout = "2s"
                """);

        // Its stdout reaches svlogd like a binary's, and start returned only once the line was there.
        assertThat(Files.readString(group.directory().resolve(".logs/slow/current")))
                .contains("service up on slow");
        assertThat(group.status()).allSatisfy(s -> assertThat(s.state()).isEqualTo(ProcessState.RUN));
        String id = group.id();
        group.stop();
        assertThat(containers(id)).isEmpty();
    }

    @Test
    void containerThatFailsToStartFailsTheStartWithItsLogTail(Groups groups) throws Exception {
        Group group = groups.create(
                groups.definition(
                        """
                [[process]]
                name = "broken"
                image = "pgroup-test/busybox"
                command = ["sh", "-c", "echo 'config error: no such table' >&2; exit 3"]
                ports = ["main"]
                publish = { main = 8080 }
                ready = { tcp = "main" }
                """));

        StartException e = catchThrowableOfType(StartException.class, () -> group.start(Groups.START_TIMEOUT));

        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("broken").contains("config error: no such table");
        assertThat(containers(group.id()))
                .as("containers after the failed start")
                .isEmpty();
    }

    @Test
    void tcpReadyCheckWaitsBehindTheEnginesProxyUntilTheContainerListens(Groups groups) throws Exception {
        // The proxy accepts on the published port at once; the server inside listens only after 1 s.
        Group group = groups.started(
                """
                [[process]]
                name = "late"
                image = "pgroup-test/busybox"
                command = ["sh", "-c", "sleep 1; echo listening; exec httpd -f -p 8080 -h {{process.dir}}"]
                ports = ["http"]
                publish = { http = 8080 }
                ready = { tcp = "http" }
                stop_timeout = "2s"
                """);

        // Ready means it answers now: through the proxy, a request before httpd listens is closed unanswered.
        HttpResponse<String> page = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + group.port("late", "http") + "/"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(404); // httpd answers; the dir has no index.html
    }

    @Test
    void stopKillsAndRemovesAContainerThatIgnoresTermAfterItsStopTimeout(Groups groups) throws Exception {
        Group group = groups.started(
                """
                [[process]]
                name = "stubborn"
                image = "pgroup-test/busybox"
                command = ["sh", "-c", "trap '' TERM; echo up; while :; do sleep 1; done"]
                ready = { log = "up" }
                stop_timeout = "1s"
                """);
        assertThat(containers(group.id())).hasSize(1);

        group.stop();

        assertThat(containers(group.id())).as("containers after stop").isEmpty();
    }

    @Test
    void stopRemovesAContainerWhoseSupervisionWasKilled(Groups groups) throws Exception {
        Group group = groups.started(REDIS_CONTAINER);
        // given: the watchdog, runsvdir, the runsv and the engine client all killed -9 (an OOM killer's
        // work), so neither a finish script nor the watchdog's teardown runs, and nothing restarts it
        killSupervision(group, "cache");
        assertThat(running(group.id())).as("the container outlives its client").hasSize(1);

        group.stop();

        assertThat(containers(group.id())).as("containers after stop").isEmpty();
    }

    @Test
    void pruneLeavesTheContainerOfALiveOwnerAloneWhenItsSupervisionWasKilled(Groups groups) throws Exception {
        Group group = groups.started(REDIS_CONTAINER);
        // given: supervision gone under a live owner (this JVM), as in the middle of its stop, or
        // after an OOM kill: the owner's stop removes the container, a prune must not race it
        killSupervision(group, "cache");

        List<String> actions = dev.pgroup.core.internal.container.ContainerPrune.run(
                System.getenv(), groups.dir(), false, groups.dir().resolve("another.db"));

        assertThat(actions).noneSatisfy(a -> assertThat(a).contains(group.id()));
        assertThat(running(group.id())).as("the container, still its owner's").hasSize(1);
        group.stop();
        assertThat(containers(group.id()))
                .as("containers after the owner's stop")
                .isEmpty();
    }

    /** Kills the watchdog, runsvdir, the process's runsv and its engine client with SIGKILL. */
    private static void killSupervision(Group group, String process) throws IOException {
        Path state = group.directory().resolve(".pgroup");
        ProcessHandle watchdog = pidFile(state.resolve("watchdog.pid"));
        ProcessHandle runsvdir = pidFile(state.resolve("runsvdir.pid"));
        ProcessHandle client = pidFile(group.directory().resolve(process + "/supervise/pid"));
        ProcessHandle runsv = client.parent().orElseThrow();
        List<ProcessHandle> killed = List.of(watchdog, runsvdir, runsv, client);
        killed.forEach(ProcessHandle::destroyForcibly);
        Deadline.in(Duration.ofSeconds(5))
                .await(() -> killed.stream().noneMatch(ProcessHandle::isAlive), Duration.ofMillis(5));
    }

    private static ProcessHandle pidFile(Path file) throws IOException {
        return ProcessHandle.of(Long.parseLong(Files.readString(file).strip().split("\\s+")[0]))
                .orElseThrow();
    }

    @Test
    void missingImageFailsCreateWithoutPulling(Groups groups) throws Exception {
        Path definition = groups.definition(
                """
                [[process]]
                name = "ghost"
                image = "pgroup-test/not-built:1"
                ports = ["main"]
                publish = { main = 80 }
                """);

        DefinitionException e = catchThrowableOfType(
                DefinitionException.class, () -> groups.engine().create(definition));

        assertThat(e.key()).contains("image");
        assertThat(e.process()).contains("ghost");
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.getMessage())
                .contains("pgroup-test/not-built:1")
                .contains("not on this machine")
                .contains("pull = true");
        assertThat(groups.engine().list()).isEmpty();
        assertThat(ContainerEngineAvailable.docker("image", "inspect", "pgroup-test/not-built:1")
                        .ok())
                .as("nothing was pulled")
                .isFalse();
    }

    @Test
    void ownerKilledWithSigkillLeavesNoContainerRunningAfterThreeSeconds(Groups groups) throws Exception {
        Path definition = groups.definition(
                """
                [[process]]
                name = "cache"
                image = "pgroup-test/redis:7"
                ports = ["main"]
                publish = { main = 6379 }
                ready = { tcp = "main" }

                [[process]]
                name = "stubborn"
                image = "pgroup-test/busybox"
                command = ["sh", "-c", "trap '' TERM; while :; do sleep 1; done"]
                """);
        String id;
        try (ChildJvm child =
                new ChildJvm(groups.dir().resolve("child-base"), TestEngines.DATABASE, definition, 1, "start")) {
            id = Manifest.read(child.manifests.get(0)).groupId();
            assertThat(containers(id)).as("containers of the running group").hasSize(2);

            child.process.destroyForcibly(); // SIGKILL: the owner's pipe closes, its watchdog tears down
            child.process.waitFor();
        }

        List<String>[] left = new List[] {List.of()};
        Deadline.in(Duration.ofSeconds(3)).await(() -> (left[0] = running(id)).isEmpty(), Duration.ofMillis(20));
        assertThat(left[0])
                .as("containers running 3 s after the owner's SIGKILL")
                .isEmpty();
        Deadline.in(Duration.ofSeconds(10)).await(() -> containers(id).isEmpty(), Duration.ofMillis(50));
        assertThat(containers(id)).as("containers left at all").isEmpty();
        groups.engine().prune(); // the dead owner's group row and leases
    }

    @Test
    void pruneRemovesAContainerWhoseGroupIsGone(Groups groups) throws Exception {
        // A container as pgroup labels them, of a group whose directory no longer exists.
        Path goneDir = groups.dir().resolve("base").resolve("gone-host-abcdef");
        String name = "pgroup-prune-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        ShortCommand run = ContainerEngineAvailable.docker(
                "run",
                "-d",
                "--init",
                "--name",
                name,
                "--label",
                "dev.pgroup.group=gone-host-abcdef",
                "--label",
                "dev.pgroup.dir=" + goneDir,
                "--label",
                "dev.pgroup.owner=999999999",
                "--label",
                "dev.pgroup.uid=" + dev.pgroup.core.internal.os.TrustedDirectory.currentUid(),
                "pgroup-test/busybox",
                "sleep",
                "1000");
        assertThat(run.ok()).as(run.err()).isTrue();
        try {
            PruneReport report = groups.engine().prune();

            assertThat(report.actions()).anySatisfy(a -> assertThat(a)
                    .contains("removed " + ContainerEngineAvailable.ENGINE + " container " + name)
                    .contains("gone-host-abcdef")
                    .contains("is gone"));
            assertThat(ContainerEngineAvailable.docker("ps", "-aq", "--filter", "name=^" + name + "$")
                            .out())
                    .isBlank();
        } finally {
            ContainerEngineAvailable.docker("rm", "-f", name);
        }
    }

    @Test
    void pruneLeavesTheContainersOfARunningGroupAlone(Groups groups) throws Exception {
        Group group = groups.started(REDIS_CONTAINER);

        PruneReport report = groups.engine().prune();

        assertThat(report.actions()).noneSatisfy(a -> assertThat(a).contains(group.id()));
        assertThat(containers(group.id())).hasSize(1);
    }

    /** The ids of the running containers labelled with {@code groupId}. */
    static List<String> running(String groupId) {
        ShortCommand ps = ContainerEngineAvailable.docker("ps", "-q", "--filter", "label=dev.pgroup.group=" + groupId);
        assertThat(ps.ok()).as(ps.err()).isTrue();
        return ps.out().strip().lines().filter(l -> !l.isBlank()).toList();
    }

    /** The ids of the containers labelled with {@code groupId}, running or not. */
    static List<String> containers(String groupId) {
        ShortCommand ps = ContainerEngineAvailable.docker("ps", "-aq", "--filter", "label=dev.pgroup.group=" + groupId);
        assertThat(ps.ok()).as(ps.err()).isTrue();
        return ps.out().strip().lines().filter(l -> !l.isBlank()).toList();
    }

    /** How a container names the host: pgroup's alias on Docker, Podman's own name on Podman (containers.md). */
    private static String hostAlias() {
        return ContainerEngineAvailable.ENGINE.equals("podman") ? "host.containers.internal" : "host.pgroup.internal";
    }
}
