package dev.pgroup.core.internal.seed;

import dev.pgroup.core.internal.os.TreeCopy;
import dev.pgroup.core.model.PGroupException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Prune's part for seeds: the seeds no group used for a while, with their copies made ahead, and
 * what killed JVMs left in the work and pool dirs. Each removal is one line of the report.
 */
final class SeedPruner {
    /** How long prune leaves a seed alone after a group used it, at the least. */
    static final Duration MIN_PRUNE_AGE = Duration.ofMinutes(1);
    /** A leftover of a JVM killed while copying ahead; a live copy takes about a second. */
    private static final Duration STALE_COPY_AGE = Duration.ofMinutes(10);

    private final SeedStore store;
    private final SeedPool pool;
    private final Path seedingDir;

    SeedPruner(SeedStore store, SeedPool pool, Path seedingDir) {
        this.store = store;
        this.pool = pool;
        this.seedingDir = seedingDir;
    }

    /**
     * Removes the seeds no group has used for {@code unusedFor} (at least {@link #MIN_PRUNE_AGE}),
     * with their copies made ahead in this base dir, and what killed JVMs left in the work and pool
     * dirs. A seed whose lock another JVM holds (it runs, or is being pruned) is left alone.
     */
    List<String> prune(Duration unusedFor) {
        Duration age = unusedFor.compareTo(MIN_PRUNE_AGE) < 0 ? MIN_PRUNE_AGE : unusedFor;
        List<String> actions = new ArrayList<>();
        Instant cutoff = Instant.now().minus(age);
        for (String key : store.keys()) {
            Instant used = store.lastUsed(key);
            if (used.isAfter(cutoff)) {
                continue;
            }
            try (SeedLock held = store.lock(key, Duration.ZERO, "seed " + key)) {
                if (store.lastUsed(key).isAfter(cutoff)) {
                    continue;
                }
                long bytes = TreeCopy.size(store.seed(key));
                String process = store.readInfo(key).getProperty("process", "?");
                TreeCopy.deleteReadOnlyTree(store.seed(key));
                Files.deleteIfExists(store.infoFile(key));
                TreeCopy.deleteReadOnlyTree(pool.poolDir(key));
                actions.add("removed seed " + key + " of process \"" + process + "\": unused since " + used + ", "
                        + bytes / 1024 + " KiB");
            } catch (PGroupException e) {
                actions.add("left seed " + key + " alone: another JVM holds its lock");
            } catch (IOException e) {
                actions.add("could not remove seed " + key + ": " + e);
            }
        }
        pruneCopiesAhead(actions);
        pruneWorkDirs(actions);
        return actions;
    }

    /** Pools of seeds that are gone, and copies a killed JVM left unfinished. */
    private void pruneCopiesAhead(List<String> actions) {
        Path pools = pool.poolsDir();
        Instant stale = Instant.now().minus(STALE_COPY_AGE);
        if (!Files.isDirectory(pools, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        for (Path dir : SeedStore.entries(pools)) {
            String key = dir.getFileName().toString();
            try {
                if (!store.isCached(key)) {
                    TreeCopy.deleteReadOnlyTree(dir);
                    actions.add("removed the copies made ahead of seed " + key + ", which is gone");
                    continue;
                }
                for (Path copy : SeedStore.entries(dir)) {
                    if (copy.getFileName().toString().startsWith(".tmp-")
                            && Files.getLastModifiedTime(copy).toInstant().isBefore(stale)) {
                        TreeCopy.deleteReadOnlyTree(copy);
                        actions.add("removed an unfinished copy of seed " + key + " (" + copy + ")");
                    }
                }
            } catch (IOException e) {
                actions.add("could not clean " + dir + ": " + e);
            }
        }
    }

    /** Work dirs of seeds whose JVM died while they ran. */
    private void pruneWorkDirs(List<String> actions) {
        if (!Files.isDirectory(seedingDir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        for (Path work : SeedStore.entries(seedingDir)) {
            String key = work.getFileName().toString().split("-", 2)[0];
            if (!SeedKey.isKey(key)) {
                continue;
            }
            // A seed's work dir exists only while its lock is held: a free lock means a dead JVM's.
            try (SeedLock held = store.lock(key, Duration.ZERO, "seed " + key)) {
                TreeCopy.deleteReadOnlyTree(work);
                actions.add("removed the work dir of a seed that never finished (" + work + ")");
            } catch (PGroupException e) {
                // It runs now.
            } catch (IOException e) {
                actions.add("could not remove " + work + ": " + e);
            }
        }
    }
}
