package dev.pgroup.core.internal.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** This JVM's own lock: alive under any path, and never dropped by checking it. */
class OwnerLockTest {
    @TempDir
    Path tmp;

    @Test
    void checkingOurOwnLockThroughASymlinkedPathSaysAliveAndKeepsTheLock() throws Exception {
        Path locks = Path.of("/proc/locks");
        Assumptions.assumeTrue(Files.isReadable(locks), "needs Linux's /proc/locks to see who holds a lock");
        Path real = Files.createDirectories(tmp.resolve("real"));
        Path link = Files.createSymbolicLink(tmp.resolve("link"), real);
        Path held = OwnerLock.acquire(real.resolve("owners"));
        Path sameFileOtherPath = link.resolve("owners").resolve(held.getFileName());

        boolean alive = OwnerLock.isHeld(sameFileOtherPath);

        assertThat(alive).isTrue();
        // POSIX drops a process's lock when it closes any descriptor of the file: a check that
        // opened our own file under another path would have released it.
        long inode = (Long) Files.getAttribute(held, "unix:ino");
        String self = " " + ProcessHandle.current().pid() + " ";
        List<String> ours = Files.readAllLines(locks).stream()
                .filter(l -> l.contains("POSIX") && l.contains(self) && l.contains(":" + inode + " "))
                .toList();
        assertThat(ours).as("our lock on %s in /proc/locks", held).hasSize(1);
    }

    @Test
    void anUnlockedLockFileIsADeadOwnersAndIsDeleted() throws Exception {
        Path owners = Files.createDirectories(tmp.resolve("owners"));
        Path dead = Files.createFile(owners.resolve("deadbeefdeadbeef.lock"));

        assertThat(OwnerLock.isHeld(dead)).isFalse();
        OwnerLock.deleteDeadLocks(owners);

        assertThat(dead).doesNotExist();
        assertThat(OwnerLock.isHeld(dead))
                .as("a missing lock file is a dead owner's")
                .isFalse();
    }
}
