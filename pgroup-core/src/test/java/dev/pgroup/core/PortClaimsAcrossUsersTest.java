package dev.pgroup.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.pgroup.core.internal.state.MachineClaims;
import dev.pgroup.core.internal.state.Owner;
import dev.pgroup.core.internal.state.PortLeases;
import dev.pgroup.core.model.PGroupException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two users of one machine never lease the same port: each lease is also claimed in the
 * machine-wide claims dir. The other user is real ({@link OtherUser}, a JVM run as it), and its
 * leases are not bound by any process, the case the probe-bind alone missed.
 */
class PortClaimsAcrossUsersTest {
    private static final String MACHINE_DIR = MachineClaims.TEST_DIR;
    private static final String PENDING = MachineClaims.TEST_PENDING;

    private Path root;
    private Path machine;
    private Path other;

    @BeforeEach
    void dirs() throws Exception {
        OtherUser.principal();
        root = Files.createTempDirectory("pgroup-users");
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx--x--x"));
        // As an admin makes it (install -d -m 1777 -o root): a dir made by another user first is
        // that user's, which pgroup refuses (its owner could delete everyone's claims).
        machine = Files.createDirectory(root.resolve("machine-claims"));
        Files.setAttribute(machine, "unix:mode", 01777);
        other = Files.createDirectory(root.resolve("other"));
        OtherUser.chown(other);
        Files.setPosixFilePermissions(other, PosixFilePermissions.fromString("rwx------"));
        System.setProperty(MACHINE_DIR, machine.toString());
    }

    @AfterEach
    void clear() throws IOException {
        System.clearProperty(MACHINE_DIR);
        System.clearProperty(PENDING);
        if (root != null) {
            dev.pgroup.core.internal.os.FileTrees.deleteTree(root);
        }
    }

    private PGroupEngine rootEngine(int first, int last) {
        return PGroupEngine.builder()
                .baseDir(root.resolve("root-base"))
                .database(root.resolve("root-db").resolve("pgroup.db"))
                .portRange(first, last)
                .build();
    }

    /** The other user's JVM, with its own home, database and base dir, leasing from first-last. */
    private OtherUserJvm asOther(int first, int last, String... mode) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of(
                other.resolve("base").toString(),
                other.resolve("db").resolve("pgroup.db").toString(),
                Integer.toString(first),
                Integer.toString(last)));
        args.addAll(List.of(mode));
        return OtherUserJvm.run(
                root, Map.of("PGROUP_MACHINE_CLAIMS", machine.toString()), other, args.toArray(String[]::new));
    }

    private static Map<String, List<String>> ports(String... names) {
        return Map.of("web", List.of(names));
    }

    @Test
    void aPortAnotherUserLeasedIsNotLeasedAgain() throws Exception {
        int first = TestEngines.freeRange(2, 13_900);
        try (OtherUserJvm theirs = asOther(first, first + 1, "lease", "o-oooooo", "2");
                PGroupEngine mine = rootEngine(first, first + 1)) {
            assertThat(theirs.ports(0)).containsExactlyInAnyOrder(first, first + 1);

            PGroupException e = catchThrowableOfType(
                    PGroupException.class, () -> mine.leases().lease("r-rrrrrr", Owner.DETACHED, ports("x")));

            assertThat(e).as("a lease of a port the other user holds").isNotNull();
            assertThat(e.getMessage()).contains("2 are leased by other users of this machine");
            assertThat(mine.leases().leasesOf("r-rrrrrr")).isEmpty();
        }
    }

    @Test
    void twoUsersLeasingFromOneRangeGetDistinctPorts() throws Exception {
        int first = TestEngines.freeRange(4, 13_800);
        try (OtherUserJvm theirs = asOther(first, first + 3, "lease", "o-oooooo", "2");
                PGroupEngine mine = rootEngine(first, first + 3)) {
            List<Integer> leased = mine.leases().lease("r-rrrrrr", Owner.DETACHED, ports("x", "y")).stream()
                    .map(PortLeases.Lease::port)
                    .toList();

            assertThat(leased).doesNotContainAnyElementsOf(theirs.ports(0));
        }
    }

    @Test
    void twoUsersLeasingAtTheSameTimeNeverGetTheSamePort() throws Exception {
        int leases = 15;
        int first = TestEngines.freeRange(3 * leases, 13_200);
        int last = first + 3 * leases - 1;
        try (OtherUserJvm theirs = asOther(first, last, "race", Integer.toString(leases));
                PGroupEngine mine = rootEngine(first, last)) {
            mine.list(); // the database open before the race, as theirs is
            java.util.concurrent.CompletableFuture<List<String>> their =
                    java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                        try {
                            return theirs.go();
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    });
            List<Integer> ours = new java.util.ArrayList<>();
            for (int i = 0; i < leases; i++) {
                ours.add(mine.leases()
                        .lease("r" + i + "-rrrrrr", Owner.DETACHED, ports("x"))
                        .get(0)
                        .port());
            }
            List<Integer> theirPorts =
                    their.get().stream().map(Integer::valueOf).toList();

            assertThat(theirPorts).hasSize(leases);
            assertThat(ours).doesNotContainAnyElementsOf(theirPorts);
        }
    }

    @Test
    void aUserWhoseListingMissedAClaimMadeMeanwhileBacksOff() throws Exception {
        int port = TestEngines.freeRange(1, 13_100);
        Path pause = other.resolve("pause");
        try (OtherUserJvm theirs = asOther(port, port, "lease-after-pause", "o-oooooo", pause.toString());
                PGroupEngine mine = rootEngine(port, port)) {
            // Theirs has looked at the machine's claims and found the port free...
            Path listed = Path.of(pause + ".listed");
            assertThat(dev.pgroup.core.internal.os.Deadline.in(java.time.Duration.ofSeconds(30))
                            .await(() -> Files.exists(listed), java.time.Duration.ofMillis(10)))
                    .isTrue();
            // ...and ours claims it before theirs does.
            assertThat(mine.leases().lease("r-rrrrrr", Owner.DETACHED, ports("x")))
                    .extracting(PortLeases.Lease::port)
                    .containsExactly(port);
            Files.createFile(Path.of(pause + ".go"));

            List<String> their = theirs.rest();

            assertThat(their).hasSize(1);
            assertThat(their.get(0)).startsWith("failed: ").contains("1 is leased by other users of this machine");
        }
    }

    @Test
    void aStaleClaimOfAnotherUserDoesNotBlockItsPort() throws Exception {
        int first = TestEngines.freeRange(2, 13_700);
        OtherUserJvm theirs = asOther(first, first + 1, "lease", "o-oooooo", "2");
        // Killed with its lease: its database still leases both ports, but the JVM that kept the
        // claims is gone, and the claims are older than the window a lease commits in.
        theirs.kill();
        System.setProperty(PENDING, "0");
        try (PGroupEngine mine = rootEngine(first, first + 1)) {
            assertThat(mine.leases().lease("r-rrrrrr", Owner.DETACHED, ports("x", "y")))
                    .extracting(PortLeases.Lease::port)
                    .containsExactlyInAnyOrder(first, first + 1);
        }
    }

    @Test
    void aDetachedGroupsClaimOutlivesItsJvmAndGoesWhenTheGroupIsTerminated() throws Exception {
        int first = TestEngines.freeRange(1, 13_600);
        Path definition = Files.createDirectory(root.resolve("def"));
        Files.writeString(
                definition.resolve("group.toml"),
                """
                [[process]]
                name = "late"
                command = ["sleep", "600"]
                ports = ["main"]
                """);
        Files.setPosixFilePermissions(definition, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(definition.resolve("group.toml"), PosixFilePermissions.fromString("rw-r--r--"));
        System.setProperty(PENDING, "0");
        String id = null;
        try (PGroupEngine mine = rootEngine(first, first)) {
            try (OtherUserJvm theirs = asOther(first, first, "detached", definition.toString())) {
                id = theirs.lines.get(0);
                assertThat(theirs.ports(1)).containsExactly(first);
                assertThat(theirs.process.waitFor()).isZero(); // the group runs on without it
            }

            PGroupException e = catchThrowableOfType(
                    PGroupException.class, () -> mine.leases().lease("r-rrrrrr", Owner.DETACHED, ports("x")));
            assertThat(e).as("a lease of the detached group's port").isNotNull();
            assertThat(e.getMessage()).contains("1 is leased by other users of this machine");

            asOther(first, first, "terminate", id).close();
            id = null;

            assertThat(mine.leases().lease("r-rrrrrr", Owner.DETACHED, ports("x")))
                    .extracting(PortLeases.Lease::port)
                    .containsExactly(first);
        } finally {
            if (id != null) {
                asOther(first, first, "terminate", id).close(); // never leave the group running
            }
        }
    }
}
