package dev.pgroup.core.internal.os;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ProcStatTest {

    @Test
    void startTimesAreTheJdksOnLinux() throws Exception {
        assumeTrue(ProcStat.AVAILABLE, "no /proc here (macOS): callers keep the JDK's path");
        Process p = new ProcessBuilder("sleep", "60").start();
        try {
            ProcessHandle h = p.toHandle();
            long jdk = h.info().startInstant().orElseThrow().toEpochMilli();
            assertThat(ProcStat.read(p.pid()).orElseThrow().startMillis()).isEqualTo(jdk);
            assertThat(Processes.startMillis(h)).isEqualTo(jdk);
            assertThat(ProcStat.read(p.pid()).orElseThrow().parent())
                    .isEqualTo(ProcessHandle.current().pid());
        } finally {
            p.destroyForcibly().waitFor();
        }
    }

    @Test
    void aCommandNameWithSpacesAndParenthesesDoesNotShiftTheFields() {
        String stat = "4242 (evil ) S 1 2 (x) Z 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25\n";
        ProcStat s = ProcStat.parse(4242, stat).orElseThrow();
        assertThat(s.state()).isEqualTo('Z');
        assertThat(s.parent()).isEqualTo(7);
        assertThat(s.startTicks()).isEqualTo(25);
        assertThat(s.isZombie()).isTrue();
    }

    @Test
    void aGoneProcessHasNoStat() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        assertThat(ProcStat.read(p.pid())).isEmpty();
        assertThat(Processes.isRunning(p.pid())).isFalse();
    }

    /**
     * A zombie (exited, not reaped by its parent) is not running, for the watch as for {@link
     * Processes#isRunning(long)}: the sh below forks a child that exits at once and never reaps it.
     */
    @Test
    void aZombieIsNotRunningForAWatch() throws Exception {
        Process sh = new ProcessBuilder("sh", "-c", "sleep 0 & exec sleep 60").start();
        try {
            AtomicReference<ProcessHandle> found = new AtomicReference<>();
            assertThat(Deadline.in(Duration.ofSeconds(10))
                            .await(
                                    () -> {
                                        ProcessTree.descendants(sh.toHandle()).stream()
                                                .findFirst()
                                                .ifPresent(found::set);
                                        return found.get() != null;
                                    },
                                    Duration.ofMillis(5)))
                    .isTrue();
            ProcessHandle child = found.get();
            WatchedProcess w = WatchedProcess.of(child);
            assertThat(Deadline.in(Duration.ofSeconds(10)).await(() -> !w.isRunning(), Duration.ofMillis(5)))
                    .isTrue();
            assertThat(Processes.isRunning(child.pid())).isFalse();
            assertThat(Processes.isRunning(child)).isFalse();
        } finally {
            sh.destroyForcibly().waitFor();
        }
    }

    /** An interrupted start must still see its runsvdir running (not "runsvdir exited"). */
    @Test
    void anInterruptedThreadStillReads() throws Exception {
        assumeTrue(ProcStat.AVAILABLE, "no /proc here (macOS)");
        Process p = new ProcessBuilder("sleep", "60").start();
        try {
            WatchedProcess w = WatchedProcess.of(p.toHandle());
            Thread.currentThread().interrupt();
            try {
                assertThat(ProcStat.read(p.pid())).isPresent();
                assertThat(w.isRunning()).isTrue();
                assertThat(Processes.isRunning(p.pid())).isTrue();
            } finally {
                Thread.interrupted();
            }
        } finally {
            p.destroyForcibly().waitFor();
        }
    }

    @Test
    void aWatchSeesTheProcessExit() throws Exception {
        Process p = new ProcessBuilder("sleep", "60").start();
        WatchedProcess w = WatchedProcess.of(p.toHandle());
        assertThat(w.isRunning()).isTrue();
        p.destroyForcibly().waitFor();
        assertThat(w.isRunning()).isFalse();
        assertThat(w.isRunning()).isFalse();
    }
}
