package dev.pgroup.junit5;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgroup.PGroup;
import dev.pgroup.core.PGroupEngine;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The test JVM owns its groups: a test run killed with -9 leaves nothing running. */
class KilledRunTest {
    @Test
    void aTestRunKilledMidTestLeavesNoProcessBehind() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(
                        java,
                        "-XX:TieredStopAtLevel=1",
                        "-Dpgroup.baseDir=" + Fixtures.BASE_DIR,
                        "-Dpgroup.database=" + Fixtures.DATABASE,
                        "-cp",
                        System.getProperty("java.class.path"),
                        Child.class.getName())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        try {
            BufferedReader out =
                    new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String manifest = out.readLine();
            assertThat(manifest)
                    .as("the child's test printed its group's manifest")
                    .isNotNull();
            PGroup group = PGroup.load(Path.of(manifest));
            int port = group.port("redis", "main");
            assertThat(Fixtures.ping(port)).isEqualTo("+PONG");

            // when the test JVM is killed in the middle of the test
            child.destroyForcibly().waitFor();

            // then its group's processes go, without anyone calling stop
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            List<String> left = Fixtures.processesUnder(group.directory());
            while (!left.isEmpty() && System.nanoTime() < deadline) {
                LockSupport.parkNanos(Duration.ofMillis(20).toNanos()); // poll, on a deadline
                left = Fixtures.processesUnder(group.directory());
            }
            assertThat(left).as("processes of the killed run's group").isEmpty();
            assertThat(Fixtures.ping(port)).startsWith("no answer");
        } finally {
            child.destroyForcibly().waitFor();
            // The files and the lease of a dead owner are a prune's to remove, as after any crash.
            try (PGroupEngine engine = Fixtures.engine()) {
                engine.pruneBaseDir();
            }
        }
        Fixtures.assertNothingLeft();
    }

    /** A test run that starts a group, says where it is, and waits to be killed. */
    public static final class Child {
        public static void main(String[] args) {
            Fixtures.run(Blocking.class);
        }
    }

    @ExtendWith(OnlyInTestKit.class)
    @WithGroup("src/test/resources/groups/redis-single")
    static class Blocking {
        @Test
        void test(PGroup g) throws IOException {
            System.out.println(g.manifestFile());
            System.out.flush();
            System.in.read(); // until killed
        }
    }
}
