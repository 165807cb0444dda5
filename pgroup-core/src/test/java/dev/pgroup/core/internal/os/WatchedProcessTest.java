package dev.pgroup.core.internal.os;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A process verified by its stat alone ({@link WatchedProcess#verifiedByStat}) gets a handle only
 * when it is signalled, and only while it is the process that stat showed: a pid now of another
 * process is never signalled.
 */
class WatchedProcessTest {
    @Test
    void aProcessVerifiedByItsStatIsSignalledThroughAHandleMadeThen() throws Exception {
        assumeTrue(ProcStat.AVAILABLE, "Linux /proc");
        Process child = new ProcessBuilder("sleep", "60").start();
        try {
            WatchedProcess w =
                    WatchedProcess.verifiedByStat(ProcStat.read(child.pid()).orElseThrow());
            assertThat(w.isRunning()).isTrue();

            w.destroy();

            assertThat(child.waitFor(10, TimeUnit.SECONDS)).as("exited on TERM").isTrue();
            assertThat(w.isRunning()).isFalse();
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void aPidNowOfAnotherProcessIsNeverSignalled() throws Exception {
        assumeTrue(ProcStat.AVAILABLE, "Linux /proc");
        Process child = new ProcessBuilder("sleep", "60").start();
        try {
            ProcStat now = ProcStat.read(child.pid()).orElseThrow();
            // What a read of an earlier process with the same pid showed: another start time.
            ProcStat earlier = new ProcStat(now.pid(), now.state(), now.parent(), now.startTicks() - 1);
            WatchedProcess w = WatchedProcess.verifiedByStat(earlier);

            w.destroyForcibly();
            w.destroy();

            assertThat(child.waitFor(300, TimeUnit.MILLISECONDS)).as("exited").isFalse();
            assertThat(child.isAlive()).as("the other process still runs").isTrue();
            assertThat(w.isRunning()).isFalse();
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void aProcessThatExitedIsNotSignalledAndIsNotRunning() throws Exception {
        assumeTrue(ProcStat.AVAILABLE, "Linux /proc");
        Process child = new ProcessBuilder("sleep", "60").start();
        WatchedProcess w =
                WatchedProcess.verifiedByStat(ProcStat.read(child.pid()).orElseThrow());
        child.destroyForcibly();
        child.waitFor();

        w.destroyForcibly();

        assertThat(w.isRunning()).isFalse();
    }
}
