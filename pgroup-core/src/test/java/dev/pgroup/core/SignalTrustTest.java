package dev.pgroup.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgroup.core.internal.os.Processes;
import dev.pgroup.core.internal.runit.GroupLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * pgroup signals only what it started: a pid file naming another process of the user is never
 * acted on by stop, terminate or prune (issue 9, item 3's last sentence; DESIGN.md, "Trust
 * boundaries").
 */
@ExtendWith(GroupsExtension.class)
class SignalTrustTest {
    @TempDir
    Path tmp;

    @Test
    void plantedPidFilesNamingAnUnrelatedProcessAreNeverSignalled() throws Exception {
        Process victim = new ProcessBuilder("sleep", "1000").start();
        try {
            ProcessHandle h = victim.toHandle();
            String pidLine = h.pid() + " " + Processes.startMillis(h) + "\n";
            // A database of its own: its prune must not touch other tests' groups.
            try (PGroupEngine engine = PGroupEngine.builder()
                    .baseDir(tmp.resolve("base"))
                    .database(tmp.resolve("db").resolve("pgroup.db"))
                    .build()) {
                Group group = engine.create(TestEngines.definition("redis-single"));
                GroupLayout layout = new GroupLayout(group.directory());
                // Right pid, right start time, right user: only the command line and cwd tell.
                Files.writeString(layout.runsvdirPidFile(), pidLine);
                Files.writeString(layout.watchdogPidFile(), pidLine.trim() + " 1\n");

                assertThat(group.isRunning())
                        .as("a planted runsvdir is not the group's")
                        .isFalse();
                group.stop();
                engine.prune();
                group.terminate();
            }

            assertThat(victim.waitFor(200, java.util.concurrent.TimeUnit.MILLISECONDS))
                    .as("the unrelated sleep got no signal")
                    .isFalse();
            assertThat(victim.isAlive()).isTrue();
        } finally {
            victim.destroyForcibly().waitFor();
        }
    }

    @Test
    void aServiceWhoseWorkdirIsOutsideTheGroupDirIsStillStopped(Groups groups) throws Exception {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Path def = groups.definition(
                """
                [[process]]
                name = "away"
                command = ["sleep", "1000"]
                workdir = "%s"
                """
                        .formatted(outside));
        Group group = groups.started(def);
        long pid = group.manifest().processes().get(0).pid();
        ProcessHandle service = ProcessHandle.of(pid).orElseThrow();
        assertThat(Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "cwd")))
                .isEqualTo(outside);

        group.stop();

        assertThat(Processes.isRunning(service)).isFalse();
    }
}
