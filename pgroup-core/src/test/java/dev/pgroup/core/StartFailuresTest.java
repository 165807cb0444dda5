package dev.pgroup.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.pgroup.core.internal.os.Deadline;
import dev.pgroup.core.internal.os.Processes;
import dev.pgroup.core.model.PGroupException;
import dev.pgroup.core.model.ProcessState;
import dev.pgroup.core.model.StartException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Starts that fail end on time, the same way every time, and say why in words. */
@ExtendWith(GroupsExtension.class)
class StartFailuresTest {
    @Test
    @Timeout(60)
    void aReadyCommandThatNeverExitsIsKilledAndStartEndsAtItsTimeout(Groups groups) throws IOException {
        assertHangingReadyCommandEndsOnTime(groups, "[\"sleep\", \"999913\"]", "999913");
    }

    @Test
    @Timeout(60)
    void aReadyCommandThatNeverExitsIsKilledWithTheProcessesItStarted(Groups groups) throws IOException {
        assertHangingReadyCommandEndsOnTime(groups, "[\"sh\", \"-c\", \"sleep 999917; true\"]", "999917");
    }

    private void assertHangingReadyCommandEndsOnTime(Groups groups, String readyCommand, String marker)
            throws IOException {
        Path def = groups.definition(
                """
                [[process]]
                name = "hangs"
                command = ["sleep", "60"]
                ready = { command = %s }
                """
                        .formatted(readyCommand));
        Group group = groups.create(def);
        long started = System.nanoTime();

        StartException e = catchThrowableOfType(StartException.class, () -> group.start(Duration.ofSeconds(3)));

        Duration took = Duration.ofNanos(System.nanoTime() - started);
        // Not a hang (it was for ever): the timeout, the kill and the stop, with room for a loaded
        // 2-core CI machine (5.5 s seen with four builds running beside it).
        assertThat(took).as("start timeout plus a few seconds").isLessThan(Duration.ofSeconds(8));
        assertThat(e.process()).isEqualTo("hangs");
        assertThat(e.getMessage()).contains("was not ready within 3 s").contains("did not exit within");
        boolean noneLeft =
                Deadline.in(Duration.ofSeconds(5)).await(() -> running(marker).isEmpty(), Duration.ofMillis(20));
        assertThat(noneLeft)
                .as("ready command processes left: " + running(marker))
                .isTrue();
    }

    private static List<ProcessHandle> running(String argument) {
        return ProcessHandle.allProcesses()
                .filter(h -> h.info()
                        .arguments()
                        .map(a -> List.of(a).contains(argument)
                                || String.join(" ", a).contains(argument))
                        .orElse(false))
                .filter(Processes::isRunning)
                .toList();
    }

    @Test
    void restartNeverWithAProcessThatExitsAtOnceFailsFastTheSameWayEveryTime(Groups groups) throws IOException {
        Path def = groups.definition(
                """
                [[process]]
                name = "once"
                command = ["true"]
                restart = "never"
                """);
        Group group = groups.create(def);
        for (int i = 0; i < 20; i++) {
            long started = System.nanoTime();

            StartException e = catchThrowableOfType(StartException.class, () -> group.start(Duration.ofSeconds(20)));

            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertThat(took).as("try " + i + " fails fast").isLessThan(Duration.ofSeconds(3));
            assertThat(e.getMessage().lines().findFirst().orElseThrow())
                    .as("try " + i)
                    .isEqualTo("group " + group.id() + ": process \"once\" exited during start with status 0");
            assertThat(group.isRunning()).isFalse();
        }
    }

    @Test
    void anExitDuringStartIsDescribedInWordsWithItsStatus(Groups groups) throws IOException {
        Path def = groups.definition(
                """
                [[process]]
                name = "fails"
                command = ["sh", "-c", "exit 3"]
                restart = "on-failure"
                [[process]]
                name = "killed"
                command = ["sh", "-c", "kill -9 $$"]
                restart = "never"
                """);
        Group group = groups.create(def);
        StartException e = catchThrowableOfType(StartException.class, () -> group.start(Duration.ofSeconds(20)));

        String first = e.getMessage().lines().findFirst().orElseThrow();
        assertThat(first)
                .isIn(
                        "group " + group.id() + ": process \"fails\" exited during start with status 3",
                        "group " + group.id() + ": process \"killed\" exited during start on signal 9");
        assertThat(e.getMessage()).doesNotContain("SupervisedState").doesNotContain("kind=");
    }

    @Test
    void aCrashWithRestartAlwaysIsDescribedInWords(Groups groups) throws IOException {
        Path def = groups.definition(
                """
                [[process]]
                name = "boom"
                command = ["sh", "-c", "exit 3"]
                """);
        Group group = groups.create(def);
        for (int i = 0; i < 5; i++) {
            StartException e = catchThrowableOfType(StartException.class, () -> group.start(Duration.ofSeconds(20)));

            assertThat(e.getMessage().lines().findFirst().orElseThrow())
                    .as("try " + i)
                    .isEqualTo("group " + group.id() + ": process \"boom\" exited during start");
        }
    }

    @Test
    void anAfterProcessWithRestartNeverIsNotTakenForExitedWhileItWaits(Groups groups) throws IOException {
        // Before start brings it up, runit reports it "down, want down" (its down file): that is
        // not an exit.
        Path def = groups.definition(
                """
                [[process]]
                name = "first"
                command = ["sh", "-c", "echo first-up; exec sleep 60"]
                ready = { log = "first-up" }
                [[process]]
                name = "second"
                command = ["sh", "-c", "echo second-up; exec sleep 60"]
                after = ["first"]
                restart = "never"
                ready = { log = "second-up" }
                """);
        Group group = groups.create(def);
        for (int i = 0; i < 5; i++) {
            group.start(Duration.ofSeconds(20));

            assertThat(group.status()).allSatisfy(s -> assertThat(s.state()).isEqualTo(ProcessState.RUN));
            group.stop();
        }
    }

    @Test
    void anAfterProcessWithRestartNeverThatExitsAtOnceFailsFast(Groups groups) throws IOException {
        Path def = groups.definition(
                """
                [[process]]
                name = "first"
                command = ["sh", "-c", "echo first-up; exec sleep 60"]
                ready = { log = "first-up" }
                [[process]]
                name = "second"
                command = ["sh", "-c", "exit 4"]
                after = ["first"]
                restart = "never"
                """);
        Group group = groups.create(def);
        for (int i = 0; i < 5; i++) {
            long started = System.nanoTime();

            StartException e = catchThrowableOfType(StartException.class, () -> group.start(Duration.ofSeconds(20)));

            assertThat(Duration.ofNanos(System.nanoTime() - started))
                    .as("try " + i + " fails fast")
                    .isLessThan(Duration.ofSeconds(3));
            assertThat(e.getMessage().lines().findFirst().orElseThrow())
                    .as("try " + i)
                    .isEqualTo("group " + group.id() + ": process \"second\" exited during start with status 4");
        }
    }

    @Test
    void aManifestThatCannotBeWrittenAtTheEndOfStartIsAnEngineErrorAndStopsTheGroup(Groups groups) throws Exception {
        Path def = groups.definition("[[process]]\nname = \"sleeper\"\ncommand = [\"sleep\", \"60\"]\n");
        Group group = groups.create(def);
        // What a full disk does to the manifest written once the processes are ready.
        Files.delete(group.manifestFile());
        Files.createDirectory(group.manifestFile());

        PGroupException e = catchThrowableOfType(PGroupException.class, () -> group.start(Duration.ofSeconds(10)));

        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("cannot start group " + group.id());
        assertThat(group.isRunning()).isFalse();
        Files.delete(group.manifestFile());
    }
}
