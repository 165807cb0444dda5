package dev.pgroup.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.pgroup.core.internal.runit.GroupLayout;
import dev.pgroup.core.model.GroupInfo;
import dev.pgroup.core.model.PGroupException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * terminate never deletes the files of a group whose processes still run, and a terminate that
 * cannot delete every file leaves the group registered and provably pgroup's, so that terminate or
 * prune finishes later.
 */
class TerminateSafetyTest {
    @TempDir
    Path tmp;

    private Leftovers leftovers;
    private Path mounted;

    @BeforeEach
    void marker() {
        leftovers = new Leftovers(tmp);
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (mounted != null) {
            new ProcessBuilder("umount", "-l", mounted.toString()).start().waitFor();
        }
    }

    private PGroupEngine engine() {
        return PGroupEngine.builder()
                .baseDir(tmp.resolve("base"))
                .database(tmp.resolve("db").resolve("pgroup.db"))
                .environment(leftovers.environment())
                .build();
    }

    @Test
    void terminatingARunningGroupWhoseSettingsAreGoneStopsItBeforeItDeletesItsFiles() throws Exception {
        try (PGroupEngine owner = engine();
                PGroupEngine other = engine()) {
            Group group = owner.create(
                    TestEngines.definition("redis-single"),
                    CreateOptions.defaults().withDetached(true));
            group.start(Duration.ofSeconds(30));
            int port = group.port("redis", "main");
            // Half an rm -rf, or a dir an earlier deletion left halfway.
            Files.delete(new GroupLayout(group.directory()).runtimeSettings());

            PGroupException e = catchThrowableOfType(PGroupException.class, () -> other.terminate(group.id()));

            assertThat(e).hasMessageStartingWith("cannot stop group " + group.id() + " cleanly: ");
            assertThat(leftovers.running()).as("running after terminate").isEmpty();
            assertThat(group.directory()).doesNotExist();
            assertThat(other.list()).isEmpty();
            assertThat(other.leases().allLeasedPorts()).doesNotContain(port);
        } finally {
            leftovers.killAll();
        }
    }

    @Test
    void aTerminateThatCannotDeleteEveryFileKeepsTheGroupRegisteredAndATerminateLaterFinishes() throws Exception {
        try (PGroupEngine engine = engine()) {
            Group group = engine.create(TestEngines.definition("redis-single"));
            group.start(Duration.ofSeconds(30));
            int port = group.port("redis", "main");
            // A mount left inside a process dir: its mount point cannot be removed while mounted.
            mounted = Files.createDirectories(group.directory().resolve("redis").resolve("mnt"));
            Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", mounted.toString())
                    .redirectErrorStream(true)
                    .start();
            String out = new String(mount.getInputStream().readAllBytes());
            Assumptions.assumeTrue(mount.waitFor() == 0, "cannot mount a tmpfs here (needs root): " + out.trim());

            PGroupException e = catchThrowableOfType(PGroupException.class, group::terminate);

            assertThat(e).hasMessageStartingWith("cannot delete " + group.directory() + ": ");
            assertThat(leftovers.running()).as("running after terminate").isEmpty();
            GroupLayout layout = new GroupLayout(group.directory());
            assertThat(layout.runtimeSettings())
                    .as("what proves the dir a group's")
                    .exists();
            assertThat(layout.manifest()).exists();
            assertThat(engine.list()).extracting(GroupInfo::id).containsExactly(group.id());
            assertThat(engine.leases().allLeasedPorts()).contains(port);

            assertThat(new ProcessBuilder("umount", mounted.toString()).start().waitFor())
                    .isZero();
            mounted = null;
            engine.terminate(group.id());

            assertThat(group.directory()).doesNotExist();
            assertThat(engine.list()).isEmpty();
            assertThat(engine.leases().allLeasedPorts()).doesNotContain(port);
        } finally {
            leftovers.killAll();
        }
    }

    @Test
    void aPruneBesideAnotherEnginesTerminateNeverStopsItsGroupAsOrphaned() throws Exception {
        // A service that takes a second to exit on TERM: its runsvdir is gone long before it is.
        Path definition = TestEngines.definition(
                tmp,
                """
                [[process]]
                name = "slow"
                command = ["sh", "-c", "trap 'sleep 1; exit 0' TERM; echo up; while :; do sleep 0.1; done"]
                ready = { log = "up" }
                """);
        try (PGroupEngine owner = engine();
                PGroupEngine other = engine()) {
            Group group = owner.create(definition);
            group.start(Duration.ofSeconds(30));
            List<String> actions = new ArrayList<>();

            CompletableFuture<Void> terminate = CompletableFuture.runAsync(group::terminate);
            while (!terminate.isDone()) {
                actions.addAll(other.prune().actions());
            }

            terminate.join();
            // Once the dir is deleted and before the row is, prune may rightly forget the group;
            // it never stops a group whose stop is under way. (A full prune also removes what other
            // suites on this machine left, such as their leftover containers: not this test's business.)
            assertThat(actions.stream().filter(a -> a.contains(group.id())))
                    .as("what prune did meanwhile: %s", actions)
                    .allSatisfy(a -> assertThat(a).startsWith("forgot group " + group.id() + ": its directory"));
            assertThat(group.directory()).doesNotExist();
            assertThat(leftovers.running()).isEmpty();
        } finally {
            leftovers.killAll();
        }
    }
}
