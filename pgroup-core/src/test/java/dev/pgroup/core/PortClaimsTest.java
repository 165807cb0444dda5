package dev.pgroup.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.pgroup.core.internal.state.Owner;
import dev.pgroup.core.internal.state.PortLeases;
import dev.pgroup.core.model.PGroupException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two port databases of one user never lease the same port: each lease is claimed in the user's
 * claims dir. The leases here are not bound by any process, the case the probe-bind alone missed.
 */
class PortClaimsTest {
    @TempDir
    Path tmp;

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
    void aPortLeasedInOneDatabaseIsNotLeasedInAnother() {
        int first = TestEngines.freeRange(2, 11_900);
        try (PGroupEngine a = engine("db-a", first, first + 1);
                PGroupEngine b = engine("db-b", first, first + 1)) {
            a.leases().lease("a-aaaaaa", Owner.DETACHED, ports("x", "y"));

            PGroupException e = catchThrowableOfType(
                    PGroupException.class, () -> b.leases().lease("b-bbbbbb", Owner.DETACHED, ports("x")));

            assertThat(e.getMessage())
                    .contains("0 are leased to other groups")
                    .contains("2 are leased in other databases of yours");
            assertThat(b.leases().leasesOf("b-bbbbbb")).isEmpty();
        }
    }

    @Test
    void portsReleasedInOneDatabaseCanBeLeasedInAnother() {
        int first = TestEngines.freeRange(2, 11_900);
        try (PGroupEngine a = engine("db-a", first, first + 1);
                PGroupEngine b = engine("db-b", first, first + 1)) {
            a.leases().lease("a-aaaaaa", Owner.DETACHED, ports("x", "y"));
            a.leases().release("a-aaaaaa");

            assertThat(b.leases().lease("b-bbbbbb", Owner.DETACHED, ports("x", "y")))
                    .extracting(PortLeases.Lease::port)
                    .containsExactlyInAnyOrder(first, first + 1);
        }
    }

    @Test
    void theClaimsOfADeletedDatabaseAreTakenOver() throws Exception {
        int first = TestEngines.freeRange(2, 11_900);
        try (PGroupEngine a = engine("db-a", first, first + 1)) {
            a.leases().lease("a-aaaaaa", Owner.DETACHED, ports("x", "y"));
        }
        // A test's temp database, deleted with its leases still in it.
        Files.delete(tmp.resolve("db-a/pgroup.db"));
        try (PGroupEngine b = engine("db-b", first, first + 1)) {
            assertThat(b.leases().lease("b-bbbbbb", Owner.DETACHED, ports("x", "y")))
                    .extracting(PortLeases.Lease::port)
                    .containsExactlyInAnyOrder(first, first + 1);
        }
    }

    @Test
    void theLeasesOfADeadOwnerFreeTheirClaimsWhenReclaimed() throws Exception {
        int first = TestEngines.freeRange(2, 11_900);
        // An owner that is gone: no process has this pid and start time.
        Owner dead = new Owner(Integer.MAX_VALUE - 1, 1L);
        assertThat(dead.isDead()).isTrue();
        try (PGroupEngine a = engine("db-a", first, first + 1);
                PGroupEngine b = engine("db-b", first, first + 1)) {
            a.leases().lease("a-aaaaaa", dead, ports("x", "y"));
            // db-a reclaims the dead owner's leases on its next lease, and drops their claims with them.
            a.leases().lease("a3-aaaaaa", Owner.DETACHED, ports("x"));
            a.leases().release("a3-aaaaaa");

            assertThat(b.leases().lease("b-bbbbbb", Owner.DETACHED, ports("x", "y")))
                    .extracting(PortLeases.Lease::port)
                    .containsExactlyInAnyOrder(first, first + 1);
        }
    }

    @Test
    void eightDatabasesLeasingAtOnceGetDistinctPorts() throws Exception {
        int first = TestEngines.freeRange(16, 11_900);
        List<PGroupEngine> engines = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<List<PortLeases.Lease>>> leases = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                PGroupEngine engine = engine("db-" + i, first, first + 15);
                engine.list(); // opens the database before the race
                engines.add(engine);
                String group = "g" + i + "-aaaaaa";
                leases.add(() -> engine.leases().lease(group, Owner.DETACHED, ports("x", "y")));
            }
            Set<Integer> granted = new HashSet<>();
            for (Future<List<PortLeases.Lease>> f : pool.invokeAll(leases)) {
                f.get().forEach(l -> granted.add(l.port()));
            }

            assertThat(granted).hasSize(16);
        } finally {
            pool.shutdownNow();
            engines.forEach(PGroupEngine::close);
        }
    }
}
