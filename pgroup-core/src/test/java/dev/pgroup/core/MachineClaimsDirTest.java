package dev.pgroup.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgroup.core.internal.os.TrustedDirectory;
import dev.pgroup.core.internal.state.MachineClaims;
import dev.pgroup.core.internal.state.Owner;
import dev.pgroup.core.internal.state.PortLeases;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The machine-wide port claims dir: made mode 1777 when missing, and used only when it is a real
 * dir, sticky, writable by everyone and owned by root or this user; otherwise leases fall back to
 * the probe-bind, saying why once.
 */
class MachineClaimsDirTest {
    @TempDir
    Path tmp;

    @AfterEach
    void clear() {
        System.clearProperty(MachineClaims.TEST_DIR);
    }

    private PGroupEngine engine(String database, int first, int last) {
        return PGroupEngine.builder()
                .baseDir(tmp.resolve("base"))
                .database(tmp.resolve(database).resolve("pgroup.db"))
                .portRange(first, last)
                .build();
    }

    private static Map<String, List<String>> ports(String... names) {
        return Map.of("web", List.of(names));
    }

    @Test
    void aMissingMachineDirIsMadeStickyAndWorldWritableAndHoldsTheClaimUntilRelease() throws Exception {
        Path machine = tmp.resolve("shared").resolve("pgroup-port-claims");
        System.setProperty(MachineClaims.TEST_DIR, machine.toString());
        int first = TestEngines.freeRange(1, 13_500);
        try (PGroupEngine e = engine("db", first, first)) {
            e.leases().lease("a-aaaaaa", Owner.DETACHED, ports("x"));

            assertThat(Files.getAttribute(machine, "unix:mode", LinkOption.NOFOLLOW_LINKS))
                    .isEqualTo(041777);
            Path claim = machine.resolve(first + "." + TrustedDirectory.currentUid());
            assertThat(Files.getAttribute(claim, "unix:mode", LinkOption.NOFOLLOW_LINKS))
                    .isEqualTo(0100644);
            assertThat(Files.readAllLines(claim)).contains("a-aaaaaa");

            e.leases().release("a-aaaaaa");
            assertThat(claim).doesNotExist();
        }
    }

    @Test
    void aMachineDirDeletedWhileInUseIsMadeAgain() throws Exception {
        Path machine = tmp.resolve("cleaned").resolve("pgroup-port-claims");
        System.setProperty(MachineClaims.TEST_DIR, machine.toString());
        int first = TestEngines.freeRange(1, 13_450);
        try (PGroupEngine e = engine("db", first, first)) {
            e.leases().lease("a-aaaaaa", Owner.DETACHED, ports("x"));
            e.leases().release("a-aaaaaa");
            Files.delete(machine); // as a /tmp cleaner removes an empty old dir

            e.leases().lease("b-bbbbbb", Owner.DETACHED, ports("x"));

            assertThat(Files.getAttribute(machine, "unix:mode", LinkOption.NOFOLLOW_LINKS))
                    .isEqualTo(041777);
            assertThat(machine.resolve(first + "." + TrustedDirectory.currentUid()))
                    .exists();
            e.leases().release("b-bbbbbb");
        }
    }

    @Test
    void pruneDeletesYourMachineClaimsThatNoKeeperHoldsAndKeepsTheLiveOnes() throws Exception {
        Path machine = Files.createDirectory(tmp.resolve("pruned"));
        Files.setAttribute(machine, "unix:mode", 01777);
        System.setProperty(MachineClaims.TEST_DIR, machine.toString());
        int first = TestEngines.freeRange(2, 13_350);
        int uid = TrustedDirectory.currentUid();
        ProcessHandle self = ProcessHandle.current();
        long started = self.info().startInstant().orElseThrow().toEpochMilli();
        // Another database's claim kept by this JVM, and one left by a JVM that was killed long
        // ago (pid 1 did not start at epoch ms 1); both older than the pending window.
        Path kept = Files.writeString(
                machine.resolve(first + "." + uid), "/other.db\nk-kkkkkk\n" + self.pid() + " " + started + "\n");
        Path stale = Files.writeString(machine.resolve((first + 1) + "." + uid), "/gone.db\ng-gggggg\n1 1\n");
        for (Path p : List.of(kept, stale)) {
            Files.setLastModifiedTime(p, java.nio.file.attribute.FileTime.fromMillis(1));
        }
        try (PGroupEngine e = engine("db", first, first)) {
            e.prune();
        }

        assertThat(stale).doesNotExist();
        assertThat(kept).exists();
    }

    @Test
    void aFileInYourNameThatIsNotYoursMakesTheLeaseSkipItsPort() throws Exception {
        Path machine = Files.createDirectory(tmp.resolve("machine"));
        Files.setAttribute(machine, "unix:mode", 01777);
        System.setProperty(MachineClaims.TEST_DIR, machine.toString());
        int first = TestEngines.freeRange(2, 13_400);
        // Another user squats the name our claim of the first port would have.
        Path squat = Files.writeString(machine.resolve(first + "." + TrustedDirectory.currentUid()), "x\ny\n");
        OtherUser.chown(squat);
        try (PGroupEngine e = engine("db", first, first + 1)) {
            for (int i = 0; i < 4; i++) { // from random starts: never the squatted port
                String group = "a" + i + "-aaaaaa";
                assertThat(e.leases().lease(group, Owner.DETACHED, ports("x")))
                        .extracting(PortLeases.Lease::port)
                        .containsExactly(first + 1);
                e.leases().release(group);
            }
        }
    }

    @Test
    void aMachineDirThatIsNotStickyIsNotUsed() throws Exception {
        Path machine = Files.createDirectory(tmp.resolve("open"));
        Files.setAttribute(machine, "unix:mode", 0777);
        assertFallsBack(machine, "is not writable by everyone with the sticky bit (mode 0777");
    }

    @Test
    void aMachineDirThatIsASymlinkIsNotUsed() throws Exception {
        Path target = Files.createDirectory(tmp.resolve("target"));
        Files.setAttribute(target, "unix:mode", 01777);
        Path machine = Files.createSymbolicLink(tmp.resolve("link"), target);
        assertFallsBack(machine, "it is a symlink");
        assertThat(target).isEmptyDirectory();
    }

    @Test
    void aMachineDirOwnedByAnotherUserIsNotUsed() throws Exception {
        Path machine = Files.createDirectory(tmp.resolve("theirs"));
        Files.setAttribute(machine, "unix:mode", 01777);
        OtherUser.chown(machine);
        assertFallsBack(machine, "neither root nor you");
    }

    /** Two leases (two databases) work, one line says why once, and nothing is claimed there. */
    private void assertFallsBack(Path machine, String why) throws Exception {
        System.setProperty(MachineClaims.TEST_DIR, machine.toString());
        int first = TestEngines.freeRange(2, 13_300);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream saved = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try (PGroupEngine a = engine("db-a", first, first + 1);
                PGroupEngine b = engine("db-b", first, first + 1)) {
            assertThat(a.leases().lease("a-aaaaaa", Owner.DETACHED, ports("x"))).hasSize(1);
            assertThat(b.leases().lease("b-bbbbbb", Owner.DETACHED, ports("x"))).hasSize(1);
            a.leases().release("a-aaaaaa");
            b.leases().release("b-bbbbbb");
        } finally {
            System.setErr(saved);
        }
        List<String> lines = err.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0))
                .startsWith("pgroup: other users' leases are kept off your ports only by the probe-bind")
                .contains(machine.toString())
                .contains(why);
        if (!Files.isSymbolicLink(machine)) {
            assertThat(machine).isEmptyDirectory();
        }
    }
}
