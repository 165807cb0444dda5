package it;

import static org.junit.jupiter.api.Assertions.fail;

import dev.pgroup.PGroup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Holds the build in integration-test, with its group running, until verify.groovy kills it. */
class BlockedIT {

    @Test
    void blocksUntilTheBuildIsKilled() throws Exception {
        PGroup group = PGroup.current();
        // "<this JVM's pid> <group id>", written whole so that the script never reads half a line.
        Path tmp = Path.of("target/it-running.tmp");
        Files.writeString(tmp, ProcessHandle.current().pid() + " " + group.id() + "\n");
        Files.move(tmp, Path.of("target/it-running"), StandardCopyOption.ATOMIC_MOVE);

        Path never = Path.of("target/never-appears");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!Files.exists(never)) {
            if (System.nanoTime() - deadline > 0) {
                fail("nobody killed this build within 120 s");
            }
            Thread.sleep(100);
        }
        fail(never + " is never created");
    }
}
