package dev.pgroup.core.internal.os;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessesTest {
    @TempDir
    Path tmp;

    @Test
    void aProcessWorkingInsideTheGroupDirBelongsToIt() throws Exception {
        Path group = Files.createDirectories(tmp.resolve("cache-host-abc123"));
        Process p = new ProcessBuilder("sleep", "60").directory(group.toFile()).start();
        try {
            ProcessHandle h = p.toHandle();
            assertThat(Processes.findInGroup(h.pid(), Processes.startMillis(h), group))
                    .contains(h);
        } finally {
            p.destroyForcibly().waitFor();
        }
    }

    @Test
    void aProcessNamingTheGroupDirInItsArgumentsBelongsToIt() throws Exception {
        Path group = Files.createDirectories(tmp.resolve("cache-host-abc123"));
        Process p = new ProcessBuilder(
                        "sh", "-c", "sleep 60", group.resolve("primary").toString())
                .directory(new File("/"))
                .start();
        try {
            assertThat(Processes.findInGroup(p.pid(), 0, group)).isPresent();
        } finally {
            p.destroyForcibly().waitFor();
        }
    }

    @Test
    void anUnrelatedProcessOfThisUserIsNotTheGroups() throws Exception {
        Path group = Files.createDirectories(tmp.resolve("cache-host-abc123"));
        Path elsewhere = Files.createDirectories(tmp.resolve("cache-host-abc1234"));
        Process p =
                new ProcessBuilder("sleep", "60").directory(elsewhere.toFile()).start();
        try {
            assertThat(Processes.findInGroup(p.pid(), 0, group)).isEmpty();
        } finally {
            p.destroyForcibly().waitFor();
        }
    }

    @Test
    void aReusedPidWithAnotherStartTimeIsNotTheProcess() throws Exception {
        Path group = Files.createDirectories(tmp.resolve("cache-host-abc123"));
        Process p = new ProcessBuilder("sleep", "60").directory(group.toFile()).start();
        try {
            long wrongStart = Processes.startMillis(p.toHandle()) - 3_600_000;
            assertThat(Processes.findInGroup(p.pid(), wrongStart, group)).isEmpty();
        } finally {
            p.destroyForcibly().waitFor();
        }
    }

    @Test
    void theJvmItselfIsNotInAGroupDir() {
        ProcessHandle self = ProcessHandle.current();
        assertThat(Processes.findInGroup(self.pid(), 0, tmp.resolve("cache-host-abc123")))
                .isEmpty();
    }
}
