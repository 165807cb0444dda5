package dev.pgroup.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgroup.core.internal.os.Processes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConcurrentGroupsTest {
    private static final int GROUPS = 50;

    @TempDir
    Path base;

    @Test
    void fiftyGroupsCreatedAndStartedFromThreadsHaveDistinctPortsAndAreAllReady() throws Exception {
        List<Group> groups = new ArrayList<>();
        List<ProcessHandle> processes = new ArrayList<>();
        try (PGroupEngine engine = TestEngines.engine(base)) {
            ExecutorService pool = Executors.newFixedThreadPool(GROUPS);
            try {
                List<Future<Group>> futures = new ArrayList<>();
                for (int i = 0; i < GROUPS; i++) {
                    Callable<Group> createAndStart = () -> {
                        Group g = engine.create(TestEngines.definition("redis-single"));
                        synchronized (groups) {
                            groups.add(g);
                        }
                        g.start(Duration.ofSeconds(60));
                        return g;
                    };
                    futures.add(pool.submit(createAndStart));
                }
                Set<Integer> ports = new HashSet<>();
                for (Future<Group> f : futures) {
                    Group g = f.get();
                    int port = g.port("redis", "main");
                    assertThat(ports.add(port)).as("port %d leased twice", port).isTrue();
                    assertThat(RedisPairTest.redis(port, "PING")).isEqualTo("+PONG");
                    processes.add(
                            ProcessHandle.of(g.manifest().processes().get(0).pid())
                                    .orElseThrow());
                }
                assertThat(ports).hasSize(GROUPS);
            } finally {
                pool.shutdown();
                List<Future<?>> terminations = new ArrayList<>();
                ExecutorService stopper = Executors.newFixedThreadPool(8);
                synchronized (groups) {
                    groups.forEach(g -> terminations.add(stopper.submit(g::terminate)));
                }
                for (Future<?> t : terminations) {
                    t.get();
                }
                stopper.shutdown();
            }
        }
        assertThat(processes).noneMatch(Processes::isRunning);
    }
}
