package dev.pgroup.core.internal.seed;

import dev.pgroup.core.internal.os.FilePermissions;
import dev.pgroup.core.internal.os.TreeCopy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Copies of a seed made ahead, in {@code <base dir>/.seed-pool/<key>/<n>/}: a create renames one
 * into its process dir, which is much faster than a copy, and the pool is topped up in the
 * background. A copy in progress is named {@code .tmp-<n>}, so that no create takes it half made.
 */
final class SeedPool {
    /** Copies made ahead per seed and base dir: a create renames one instead of copying. */
    static final int POOL_SIZE = 2;

    private static final Set<String> REFILLING = ConcurrentHashMap.newKeySet();
    private static final ExecutorService COPIES_AHEAD = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "pgroup-seed-copies");
        t.setDaemon(true);
        return t;
    });

    private final Path baseDir;
    private final Path seedsDir;

    SeedPool(Path baseDir, Path seedsDir) {
        this.baseDir = baseDir;
        this.seedsDir = seedsDir;
    }

    /** Every seed's pool in this base dir. */
    Path poolsDir() {
        return baseDir.resolve(".seed-pool");
    }

    Path poolDir(String key) {
        return poolsDir().resolve(key);
    }

    /** Renames a copy made ahead to {@code target}; false when none is ready. */
    boolean take(String key, Path target) {
        Path pool = poolDir(key);
        if (!Files.isDirectory(pool)) {
            return false;
        }
        List<Path> ready;
        try (Stream<Path> entries = Files.list(pool)) {
            ready = entries.filter(e -> !e.getFileName().toString().startsWith("."))
                    .toList();
        } catch (IOException e) {
            return false;
        }
        for (Path copy : ready) {
            try {
                Files.move(copy, target, StandardCopyOption.ATOMIC_MOVE);
                return true;
            } catch (IOException e) {
                // Another create (maybe in another JVM) took this one first: try the next.
            }
        }
        return false;
    }

    /** Tops the pool of {@code key} up to {@link #POOL_SIZE}, on the one background thread. */
    void refillLater(String key) {
        if (!REFILLING.add(baseDir + "/" + key)) {
            return;
        }
        COPIES_AHEAD.execute(() -> {
            try {
                refill(key);
            } finally {
                REFILLING.remove(baseDir + "/" + key);
            }
        });
    }

    /**
     * Waits until the copies queued so far are made, at most {@code atMost}: an engine that closes
     * leaves no copy half made, and a test's temp dir can be deleted.
     */
    static void awaitCopiesAhead(Duration atMost) {
        try {
            COPIES_AHEAD.submit(() -> {}).get(atMost.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // A copy that takes longer is cleaned by prune if the JVM dies during it.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void refill(String key) {
        Path pool = poolDir(key);
        Path seed = seedsDir.resolve(key);
        try {
            Files.createDirectories(pool.getParent());
            FilePermissions.createPrivateDirectories(pool);
            while (Files.isDirectory(seed) && pooled(key) < POOL_SIZE) {
                String name = Long.toString(System.nanoTime(), 36)
                        + Long.toString(ProcessHandle.current().pid(), 36);
                Path tmp = pool.resolve(".tmp-" + name);
                try {
                    TreeCopy.copy(seed, tmp);
                    TreeCopy.makeOwnerWritable(tmp);
                    Files.move(tmp, pool.resolve(name), StandardCopyOption.ATOMIC_MOVE);
                } finally {
                    TreeCopy.deleteReadOnlyTree(tmp);
                }
            }
        } catch (IOException | RuntimeException e) {
            // Best effort: the next create copies the seed itself.
        }
    }

    /** How many finished copies of {@code key} are ready; 0 when it has no pool. */
    int pooled(String key) {
        if (!Files.isDirectory(poolDir(key))) {
            return 0;
        }
        try (Stream<Path> entries = Files.list(poolDir(key))) {
            return (int) entries.filter(e -> !e.getFileName().toString().startsWith("."))
                    .count();
        } catch (IOException e) {
            return 0;
        }
    }
}
