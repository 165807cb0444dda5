package dev.pgroup.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgroup.Manifest;
import dev.pgroup.core.internal.os.Deadline;
import dev.pgroup.core.internal.state.GroupRegistry;
import dev.pgroup.core.internal.state.Owner;
import dev.pgroup.core.internal.state.OwnerLock;
import dev.pgroup.core.internal.state.PortLeases;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two PID namespaces sharing one database, as CI containers that mount {@code $HOME} do: the JVM
 * inside is pid 1 there, and pid 1 is another process on the host. Its owner lock, not its pid,
 * tells the host that it lives.
 */
class OwnerAcrossPidNamespacesTest {
    private static final List<String> UNSHARE = List.of("unshare", "-p", "-f", "--mount-proc", "--kill-child");

    @TempDir
    Path tmp;

    @Test
    void aLiveOwnerInAnotherPidNamespaceKeepsItsPortsAndGroupUntilItIsKilled() throws Exception {
        assumeUnshareWorks();
        Path base = tmp.resolve("base");
        Path database = tmp.resolve("state/pgroup.db");
        try (ChildJvm child = new ChildJvm(
                        UNSHARE, List.of(), base, database, TestEngines.definition("redis-pair"), 1, "create");
                PGroupEngine host =
                        PGroupEngine.builder().baseDir(base).database(database).build()) {
            Manifest manifest = Manifest.read(child.manifests.get(0));
            String childId = manifest.groupId();
            Set<Integer> childPorts = new HashSet<>();
            manifest.processes().forEach(p -> childPorts.addAll(p.ports().values()));
            GroupRegistry.Entry row = host.registry().find(childId).orElseThrow();
            assertThat(row.owner().pid())
                    .as("the child's own pid, in its namespace")
                    .isEqualTo(1);

            // The host leases ports: the child's leases are a live owner's, so they are neither
            // reclaimed nor handed out again.
            List<PortLeases.Lease> hostLeases = host.leases()
                    .lease(
                            "host-lease-aaaaaa",
                            Owner.currentProcess(OwnerLock.ownersDir(database)),
                            Map.of("web", List.of("a", "b", "c", "d", "e", "f", "g", "h")));
            assertThat(hostLeases).extracting(PortLeases.Lease::port).doesNotContainAnyElementsOf(childPorts);
            assertThat(host.leases().leasesOf(childId).values().stream()
                            .flatMap(m -> m.values().stream())
                            .toList())
                    .containsExactlyInAnyOrderElementsOf(childPorts);

            PruneReport whileAlive = host.prune();

            assertThat(whileAlive.actions()).noneSatisfy(a -> assertThat(a).contains(childId));
            assertThat(manifest.directory()).isDirectory();
            assertThat(host.registry().find(childId)).isPresent();

            // kill -9 the JVM itself (pid 1 in its namespace), not just unshare.
            ProcessHandle jvm = child.process
                    .toHandle()
                    .descendants()
                    .filter(h -> h.info().command().orElse("").endsWith("/java"))
                    .findFirst()
                    .orElseThrow();
            jvm.destroyForcibly();
            assertThat(child.process.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(Deadline.in(Duration.ofSeconds(10)).await(() -> !jvm.isAlive(), Duration.ofMillis(20)))
                    .isTrue();

            PruneReport afterKill = host.prune();

            assertThat(afterKill.actions()).anySatisfy(a -> assertThat(a).contains("removed group " + childId));
            assertThat(host.registry().find(childId)).isEmpty();
            assertThat(host.leases().allLeasedPorts()).doesNotContainAnyElementsOf(childPorts);
            assertThat(manifest.directory()).doesNotExist();
            assertThat(row.owner().lock())
                    .as("a dead owner's lock file is deleted")
                    .doesNotExist();
            host.leases().release("host-lease-aaaaaa");
        }
    }

    private static void assumeUnshareWorks() throws Exception {
        boolean works;
        try {
            Process p = new ProcessBuilder(List.of("unshare", "-p", "-f", "--mount-proc", "--kill-child", "true"))
                    .redirectErrorStream(true)
                    .start();
            works = p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (java.io.IOException e) {
            works = false;
        }
        Assumptions.assumeTrue(works, "unshare -p -f --mount-proc is not available (needs Linux and root)");
    }
}
