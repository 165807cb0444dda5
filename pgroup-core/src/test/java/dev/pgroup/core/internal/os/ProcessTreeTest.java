package dev.pgroup.core.internal.os;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A process tree read from the tree itself finds what the JDK's walk of the whole table finds. */
class ProcessTreeTest {
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        for (Process p : started) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly().waitFor();
        }
    }

    @Test
    void theDescendantsOfANestedTreeAreTheOnesTheJdkFinds() throws Exception {
        Process root = start("sh", "-c", "sleep 60 & sh -c 'sleep 61 & sleep 62 & wait' & wait");
        assertThat(Deadline.in(Duration.ofSeconds(20))
                        .await(() -> root.descendants().count() == 4, Duration.ofMillis(10)))
                .isTrue();

        Set<Long> found = pids(ProcessTree.descendants(root.toHandle()));

        assertThat(found).isEqualTo(pids(root.descendants().toList())).hasSize(4);
    }

    @Test
    void aChildStartedByAnotherThreadOfTheParentIsFound() throws Exception {
        // Linux files a child under the thread that forked it, not under the process's main thread.
        // The thread stays alive meanwhile: when it exits, the kernel moves its children to another
        // thread, and a read in that moment sees them under neither (see ProcessTree).
        AtomicReference<Process> child = new AtomicReference<>();
        CountDownLatch spawned = new CountDownLatch(1);
        CountDownLatch checked = new CountDownLatch(1);
        Thread spawner = new Thread(
                () -> {
                    child.set(startUnchecked("sleep", "60"));
                    spawned.countDown();
                    awaitQuietly(checked);
                },
                "spawner");
        spawner.start();
        try {
            assertThat(spawned.await(20, TimeUnit.SECONDS)).isTrue();

            assertThat(pids(ProcessTree.descendants(ProcessHandle.current())))
                    .contains(child.get().pid());
            assertThat(pids(ProcessTree.childrenOfAny(
                            List.of(ProcessHandle.current().pid()))))
                    .contains(child.get().pid());
        } finally {
            checked.countDown();
            spawner.join();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aProcessThatIsGoneHasNoDescendants() throws Exception {
        Process gone = start("true");
        gone.waitFor();

        assertThat(ProcessTree.descendants(gone.toHandle())).isEmpty();
        assertThat(ProcessTree.childrenOfAny(List.of(gone.pid()))).isEmpty();
    }

    private Process start(String... command) throws java.io.IOException {
        Process p = new ProcessBuilder(command).start();
        synchronized (started) {
            started.add(p);
        }
        return p;
    }

    private Process startUnchecked(String... command) {
        try {
            return start(command);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Set<Long> pids(List<ProcessHandle> handles) {
        return handles.stream().map(ProcessHandle::pid).collect(Collectors.toSet());
    }
}
