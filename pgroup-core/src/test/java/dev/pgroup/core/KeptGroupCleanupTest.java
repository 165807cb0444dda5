package dev.pgroup.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgroup.core.internal.os.FileTrees;
import dev.pgroup.core.model.GroupInfo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cleaning up groups kept for debugging: by id after their files are gone, and one base dir at a time. */
class KeptGroupCleanupTest {
    @TempDir
    Path tmp;

    private PGroupEngine engine(Path base) {
        return PGroupEngine.builder()
                .baseDir(base)
                .database(tmp.resolve("db/pgroup.db"))
                .build();
    }

    @Test
    void terminateByIdForgetsAGroupWhoseDirectoryWasCleanedAway() throws Exception {
        try (PGroupEngine engine = engine(tmp.resolve("project/target/pgroup"))) {
            // given a detached group, started, stopped and kept, then `mvn clean`
            Group group = engine.create(
                    TestEngines.definition("redis-single"),
                    CreateOptions.defaults().withDetached(true));
            group.start(Duration.ofSeconds(30));
            group.stop();
            Collection<Integer> ports = group.ports().get("redis").values();
            FileTrees.deleteTree(group.directory());

            // when it is terminated by id
            engine.terminate(group.id());

            // then its record and its ports are gone
            assertThat(engine.list()).extracting(GroupInfo::id).doesNotContain(group.id());
            assertThat(engine.leases().allLeasedPorts()).doesNotContainAnyElementsOf(ports);
        }
    }

    @Test
    void terminateByIdStopsAGroupWhoseDirectoryWasDeletedWhileItRan() throws Exception {
        try (PGroupEngine engine = engine(tmp.resolve("base"))) {
            Group group = engine.create(
                    TestEngines.definition("redis-single"),
                    CreateOptions.defaults().withDetached(true));
            group.start(Duration.ofSeconds(30));
            long redis = group.status().get(0).pid();
            RunningGroupDirs.delete(group);

            engine.terminate(group.id());

            assertThat(ProcessHandle.of(redis).filter(ProcessHandle::isAlive)).isEmpty();
            assertThat(engine.list()).extracting(GroupInfo::id).doesNotContain(group.id());
        }
    }

    @Test
    void pruneOfOneBaseDirLeavesTheGroupsOfOtherBaseDirsAlone() throws Exception {
        try (PGroupEngine mine = engine(tmp.resolve("mine/target/pgroup"));
                PGroupEngine other = engine(tmp.resolve("other/target/pgroup"))) {
            Group kept = other.create(
                    TestEngines.definition("redis-single"),
                    CreateOptions.defaults().withDetached(true));
            FileTrees.deleteTree(kept.directory()); // a leftover a full prune would forget

            PruneReport scoped = mine.pruneBaseDir();

            assertThat(scoped.actions()).noneMatch(a -> a.contains(kept.id()));
            assertThat(mine.list()).extracting(GroupInfo::id).contains(kept.id());

            PruneReport full = mine.prune();

            assertThat(full.actions()).anyMatch(a -> a.contains("forgot group " + kept.id()));
            assertThat(mine.list()).extracting(GroupInfo::id).doesNotContain(kept.id());
        }
    }
}
