package dev.pgroup.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgroup.core.internal.state.Owner;
import dev.pgroup.core.internal.state.PortLeases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What prune cleans besides groups of dead owners (see OwnerLeaseTest for those). */
class PruneTest {
    @TempDir
    Path tmp;

    private PGroupEngine engine() {
        return PGroupEngine.builder()
                .baseDir(tmp.resolve("base"))
                .database(tmp.resolve("db/pgroup.db"))
                .build();
    }

    @Test
    void leasesOfAnUnknownGroupAreReleased() {
        try (PGroupEngine engine = engine()) {
            List<PortLeases.Lease> ghost =
                    engine.leases().lease("ghost-x", Owner.DETACHED, Map.of("web", List.of("http")));

            PruneReport report = engine.prune();

            assertThat(report.actions()).containsExactly("released 1 port(s) of unknown group ghost-x");
            assertThat(engine.leases().allLeasedPorts())
                    .doesNotContain(ghost.get(0).port());
        }
    }

    @Test
    void leasesOfARegisteredGroupStay() {
        try (PGroupEngine engine = engine();
                Group group = engine.create(TestEngines.definition("redis-single"))) {
            PruneReport report = engine.prune();

            assertThat(report.isEmpty()).as(report.actions().toString()).isTrue();
            assertThat(engine.leases().allLeasedPorts()).contains(group.port("redis", "main"));
        }
    }

    @Test
    void anOldGroupDirThatNoRegistryRowNamesIsDeletedButAFreshOneIsNot() throws Exception {
        try (PGroupEngine engine = engine()) {
            Path old = Files.createDirectories(tmp.resolve("base/stale-vm-aaaaaa/.pgroup"));
            Files.writeString(old.resolve("runtime.properties"), "processes=\n"); // pgroup's own state file
            Files.setLastModifiedTime(old, FileTime.from(Instant.now().minusSeconds(120)));
            Path fresh = Files.createDirectories(tmp.resolve("base/fresh-vm-bbbbbb/.pgroup"));

            PruneReport report = engine.prune();

            assertThat(report.actions())
                    .containsExactly("deleted " + old.getParent() + ": no group of that id is registered");
            assertThat(old.getParent()).doesNotExist();
            assertThat(fresh).as("may be a create in progress").exists();
        }
    }

    @Test
    void aRegisteredGroupWhoseDirIsGoneIsForgotten() throws Exception {
        try (PGroupEngine engine = engine()) {
            Group group = engine.create(
                    TestEngines.definition("redis-single"),
                    CreateOptions.defaults().withDetached(true));
            dev.pgroup.core.internal.os.FileTrees.deleteTree(group.directory());

            PruneReport report = engine.prune();

            assertThat(report.actions())
                    .containsExactly(
                            "forgot group " + group.id() + ": its directory " + group.directory() + " is gone");
            assertThat(engine.list()).isEmpty();
            assertThat(engine.leases().allLeasedPorts()).isEmpty();
        }
    }
}
