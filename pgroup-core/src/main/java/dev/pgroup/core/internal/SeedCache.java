package dev.pgroup.core.internal;

import dev.pgroup.core.internal.definition.GroupDefinition;
import dev.pgroup.core.internal.definition.ProcessDefinition;
import dev.pgroup.core.internal.definition.SourceFiles;
import dev.pgroup.core.internal.os.Accounts.Account;
import dev.pgroup.core.internal.os.Deadline;
import dev.pgroup.core.internal.os.FilePermissions;
import dev.pgroup.core.internal.os.TreeCopy;
import dev.pgroup.core.internal.os.TrustedDirectory;
import dev.pgroup.core.internal.state.Owner;
import dev.pgroup.core.internal.state.OwnerLock;
import dev.pgroup.core.internal.state.PortLeases;
import dev.pgroup.core.model.PGroupException;
import dev.pgroup.core.model.SeedInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * Seeds, prepared once per machine and copied into each group's process dir.
 *
 * <pre>
 * &lt;database dir&gt;/seeds/&lt;key&gt;/          the seed's files, read-only
 * &lt;database dir&gt;/seeds/&lt;key&gt;.info      what made it; its mtime is when a group last used it
 * &lt;database dir&gt;/seeds/&lt;key&gt;.lock      held while the seed runs or is pruned, across JVMs
 * &lt;base dir&gt;/.seeding/&lt;key&gt;-&lt;n&gt;/      a seed's work dir ({{seed.dir}}) while it runs, and its log
 * &lt;base dir&gt;/.seed-pool/&lt;key&gt;/&lt;n&gt;/   copies made ahead, each renamed into one group's process dir
 * </pre>
 *
 * The work dir and the pool are in the base dir because a rename into a process dir needs the same
 * file system, and a seed run as another user (pgroup as root) must reach its work dir, which a
 * home dir of mode 0700 does not allow.
 */
public final class SeedCache {
    /** Copies made ahead per seed and base dir: a create renames one instead of copying. */
    static final int POOL_SIZE = 2;
    /** How long prune leaves a seed alone after a group used it, at the least. */
    static final Duration MIN_PRUNE_AGE = Duration.ofMinutes(1);
    /** A leftover of a JVM killed while copying ahead; a live copy takes about a second. */
    private static final Duration STALE_COPY_AGE = Duration.ofMinutes(10);
    /** Waiting for another JVM's seed: its timeout, and this much beyond it. */
    private static final Duration LOCK_SLACK = Duration.ofSeconds(60);

    private static final Map<String, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();
    private static final Set<String> REFILLING = ConcurrentHashMap.newKeySet();
    private static final ExecutorService COPIES_AHEAD = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "pgroup-seed-copies");
        t.setDaemon(true);
        return t;
    });

    private final Path seedsDir;
    private final Path baseDir;
    private final Map<String, String> environment;
    private final PortLeases leases;

    public SeedCache(Path databaseFile, Path baseDir, Map<String, String> environment, PortLeases leases) {
        this.seedsDir = seedsDir(databaseFile);
        this.baseDir = baseDir;
        this.environment = environment;
        this.leases = leases;
    }

    /** Seeds live next to the database: once per user and machine, whatever the base dir. */
    public static Path seedsDir(Path databaseFile) {
        return databaseFile.toAbsolutePath().getParent().resolve("seeds");
    }

    /**
     * Makes sure every seed of the definition is cached, running those that are not (under a lock,
     * so concurrent JVMs run each once); returns their keys by process name.
     */
    Map<String, String> prepare(GroupDefinition definition, ProcessUsers users) {
        Map<String, String> keys = new LinkedHashMap<>();
        for (ProcessDefinition p : definition.processes()) {
            if (p.seed() == null) {
                continue;
            }
            // Placeholders and the program are checked before anything is made: bad input leaves nothing.
            SeedRun.command(definition, p, baseDir.resolve(".seeding"), 0, environment, users.commandPrefix(p.name()));
            String key = SeedKey.of(definition, p, environment.getOrDefault("PATH", ""));
            if (!Files.isDirectory(seedsDir.resolve(key))) {
                openSeedsDir();
                try (Held held = lock(key, p.seed().timeout().plus(LOCK_SLACK), SeedRun.what(p, key))) {
                    if (!Files.isDirectory(seedsDir.resolve(key))) {
                        runAndPublish(definition, p, key, users.switchedTo(p.name()), users.commandPrefix(p.name()));
                    }
                }
            }
            touch(key);
            keys.put(p.name(), key);
        }
        return keys;
    }

    /**
     * Puts a copy of seed {@code key} at {@code serviceDir}, which must not exist: a copy made
     * ahead is renamed there when one is ready, else the seed is copied now. Either way the pool is
     * topped up in the background.
     *
     * @return how the copy was made, "pool" or "copy"
     */
    String place(String key, Path serviceDir) throws IOException {
        String how = "copy";
        if (!takeFromPool(key, serviceDir)) {
            TreeCopy.copy(seedsDir.resolve(key), serviceDir);
            TreeCopy.makeOwnerWritable(serviceDir);
        } else {
            how = "pool";
        }
        refillLater(key);
        return how;
    }

    private boolean takeFromPool(String key, Path target) {
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
    public static void awaitCopiesAhead(Duration atMost) {
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

    private int pooled(String key) {
        try (Stream<Path> entries = Files.list(poolDir(key))) {
            return (int) entries.filter(e -> !e.getFileName().toString().startsWith("."))
                    .count();
        } catch (IOException e) {
            return 0;
        }
    }

    private Path poolDir(String key) {
        return baseDir.resolve(".seed-pool").resolve(key);
    }

    private void runAndPublish(
            GroupDefinition definition, ProcessDefinition p, String key, Account user, List<String> userPrefix) {
        Path seeding = baseDir.resolve(".seeding");
        String name = key + "-" + Long.toString(System.nanoTime(), 36);
        Path work = seeding.resolve(name);
        Path log = seeding.resolve(name + ".log");
        String leaseId = PortLeases.SEED_PREFIX + key;
        boolean leased = false;
        try {
            TrustedDirectory.check(baseDir, "base dir");
            FilePermissions.createPrivateDirectories(baseDir);
            FilePermissions.createPrivateDirectories(seeding);
            Files.createDirectory(work);
            FilePermissions.makePrivate(work);
            if (user != null) {
                // The seed runs as the user: it may pass through to its work dir, and write only there.
                Files.setAttribute(baseDir, "unix:mode", modeOf(baseDir) | 01, LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(seeding, "unix:mode", 0711, LinkOption.NOFOLLOW_LINKS);
                ProcessUsers.chown(work, user);
                ProcessUsers.requireReachable(definition, p, user, work);
            }
            int port = leases.lease(
                            leaseId,
                            Owner.currentProcess(OwnerLock.ownersDir(leases.database())),
                            Map.of(p.name(), List.of("seed")))
                    .get(0)
                    .port();
            leased = true;
            List<String> command = SeedRun.command(definition, p, work, port, environment, userPrefix);
            SeedRun.run(p, key, command, work, log, environment);
            refuseRunitNames(p, key, work);
            TreeCopy.makeReadOnly(work);
            writeInfo(key, definition, p);
            publish(work, seedsDir.resolve(key));
        } catch (IOException e) {
            throw new PGroupException(SeedRun.what(p, key) + " could not be prepared in " + work + ": " + e, e);
        } finally {
            if (leased) {
                leases.release(leaseId);
            }
            try {
                TreeCopy.deleteReadOnlyTree(work);
                Files.deleteIfExists(log);
                deleteIfEmpty(seeding);
            } catch (IOException e) {
                // A leftover prune removes; the create's own outcome matters more.
            }
        }
    }

    private static void deleteIfEmpty(Path dir) {
        try {
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // Another seed works there now.
        }
    }

    private static int modeOf(Path path) throws IOException {
        return (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
    }

    /** A seed's files land in the process dir next to runit's: none may take one of runit's names. */
    private static void refuseRunitNames(ProcessDefinition p, String key, Path work) throws IOException {
        try (Stream<Path> entries = Files.list(work)) {
            for (Path e : entries.toList()) {
                String name = e.getFileName().toString();
                if (SourceFiles.RUNIT_FILES.contains(name)) {
                    throw new PGroupException(SeedRun.what(p, key) + " wrote '" + name + "' into {{seed.dir}}, a name"
                            + " runit uses in the process dir; nothing was cached. Write it into a subdir instead");
                }
            }
        }
    }

    /** Into place in one rename; across file systems, copied next to it first and then renamed. */
    private void publish(Path work, Path target) throws IOException {
        try {
            Files.move(work, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Path tmp = seedsDir.resolve("." + target.getFileName() + ".tmp");
            TreeCopy.deleteReadOnlyTree(tmp);
            TreeCopy.copy(work, tmp);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    private void writeInfo(String key, GroupDefinition definition, ProcessDefinition p) throws IOException {
        Properties info = new Properties();
        info.setProperty("process", p.name());
        info.setProperty("definition", definition.directory().toString());
        info.setProperty("created", Instant.now().toString());
        info.setProperty("command", String.join(" ", p.seed().command()));
        try (OutputStream out = Files.newOutputStream(infoFile(key))) {
            info.store(out, "pgroup seed " + key);
        }
    }

    private Path infoFile(String key) {
        return seedsDir.resolve(key + ".info");
    }

    /** The info file's mtime says when a group last used the seed: prune goes by it. */
    private void touch(String key) {
        try {
            Files.setLastModifiedTime(infoFile(key), FileTime.from(Instant.now()));
        } catch (IOException e) {
            // Prune finds an older time and may remove a seed in use sooner; copies stay valid.
        }
    }

    private void openSeedsDir() {
        try {
            TrustedDirectory.check(seedsDir.getParent(), "database dir");
            FilePermissions.createPrivateDirectories(seedsDir);
            TrustedDirectory.check(seedsDir, "seed dir");
        } catch (IOException e) {
            throw new PGroupException("cannot create the seed dir " + seedsDir + ": " + e, e);
        }
    }

    /** The cached seeds, oldest use first. */
    public List<SeedInfo> list() {
        List<SeedInfo> out = new ArrayList<>();
        for (String key : keys()) {
            Properties info = readInfo(key);
            long bytes;
            try {
                bytes = TreeCopy.size(seedsDir.resolve(key));
            } catch (IOException e) {
                bytes = -1;
            }
            out.add(new SeedInfo(
                    key,
                    info.getProperty("process", "?"),
                    Path.of(info.getProperty("definition", "?")),
                    bytes,
                    Instant.parse(info.getProperty("created", Instant.EPOCH.toString())),
                    lastUsed(key),
                    Files.isDirectory(poolDir(key)) ? pooled(key) : 0));
        }
        out.sort(java.util.Comparator.comparing(SeedInfo::lastUsedAt));
        return out;
    }

    /**
     * Removes the seeds no group has used for {@code unusedFor} (at least {@link #MIN_PRUNE_AGE}),
     * with their copies made ahead in this base dir, and what killed JVMs left in the work and pool
     * dirs. A seed whose lock another JVM holds (it runs, or is being pruned) is left alone.
     */
    public List<String> prune(Duration unusedFor) {
        Duration age = unusedFor.compareTo(MIN_PRUNE_AGE) < 0 ? MIN_PRUNE_AGE : unusedFor;
        List<String> actions = new ArrayList<>();
        Instant cutoff = Instant.now().minus(age);
        for (String key : keys()) {
            Instant used = lastUsed(key);
            if (used.isAfter(cutoff)) {
                continue;
            }
            try (Held held = lock(key, Duration.ZERO, "seed " + key)) {
                if (lastUsed(key).isAfter(cutoff)) {
                    continue;
                }
                long bytes = TreeCopy.size(seedsDir.resolve(key));
                String process = readInfo(key).getProperty("process", "?");
                TreeCopy.deleteReadOnlyTree(seedsDir.resolve(key));
                Files.deleteIfExists(infoFile(key));
                TreeCopy.deleteReadOnlyTree(poolDir(key));
                actions.add("removed seed " + key + " of process \"" + process + "\": unused since " + used + ", "
                        + bytes / 1024 + " KiB");
            } catch (PGroupException e) {
                actions.add("left seed " + key + " alone: another JVM holds its lock");
            } catch (IOException e) {
                actions.add("could not remove seed " + key + ": " + e);
            }
        }
        pruneLeftovers(actions);
        return actions;
    }

    private void pruneLeftovers(List<String> actions) {
        Path pools = baseDir.resolve(".seed-pool");
        Instant stale = Instant.now().minus(STALE_COPY_AGE);
        if (Files.isDirectory(pools, LinkOption.NOFOLLOW_LINKS)) {
            for (Path pool : entries(pools)) {
                String key = pool.getFileName().toString();
                try {
                    if (!Files.isDirectory(seedsDir.resolve(key))) {
                        TreeCopy.deleteReadOnlyTree(pool);
                        actions.add("removed the copies made ahead of seed " + key + ", which is gone");
                        continue;
                    }
                    for (Path copy : entries(pool)) {
                        if (copy.getFileName().toString().startsWith(".tmp-")
                                && Files.getLastModifiedTime(copy).toInstant().isBefore(stale)) {
                            TreeCopy.deleteReadOnlyTree(copy);
                            actions.add("removed an unfinished copy of seed " + key + " (" + copy + ")");
                        }
                    }
                } catch (IOException e) {
                    actions.add("could not clean " + pool + ": " + e);
                }
            }
        }
        Path seeding = baseDir.resolve(".seeding");
        if (Files.isDirectory(seeding, LinkOption.NOFOLLOW_LINKS)) {
            for (Path work : entries(seeding)) {
                String key = work.getFileName().toString().split("-", 2)[0];
                if (!SeedKey.isKey(key)) {
                    continue;
                }
                // A seed's work dir exists only while its lock is held: a free lock means a dead JVM's.
                try (Held held = lock(key, Duration.ZERO, "seed " + key)) {
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

    private static List<Path> entries(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private List<String> keys() {
        if (!Files.isDirectory(seedsDir, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        return entries(seedsDir).stream()
                .map(p -> p.getFileName().toString())
                .filter(SeedKey::isKey)
                .filter(k -> Files.isDirectory(seedsDir.resolve(k), LinkOption.NOFOLLOW_LINKS))
                .toList();
    }

    private Instant lastUsed(String key) {
        try {
            return Files.getLastModifiedTime(infoFile(key)).toInstant();
        } catch (IOException e) {
            return Instant.EPOCH;
        }
    }

    private Properties readInfo(String key) {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(infoFile(key))) {
            p.load(in);
        } catch (IOException e) {
            // An info file lost: the seed is still listed, with what is known.
        }
        return p;
    }

    /** A seed's lock, held in this JVM and, through a file lock, across JVMs. */
    private interface Held extends AutoCloseable {
        @Override
        void close();
    }

    private Held lock(String key, Duration wait, String what) {
        ReentrantLock jvm = JVM_LOCKS.computeIfAbsent(seedsDir.resolve(key).toString(), k -> new ReentrantLock());
        Deadline deadline = Deadline.in(wait);
        try {
            if (!jvm.tryLock(deadline.remaining().toNanos(), TimeUnit.NANOSECONDS)) {
                throw lockTimeout(what, wait);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PGroupException("interrupted while waiting for " + what, e);
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(
                    seedsDir.resolve(key + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileChannel c = channel;
            FileLock[] lock = {null};
            deadline.await(
                    () -> {
                        try {
                            lock[0] = c.tryLock();
                            return lock[0] != null;
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    },
                    Duration.ofMillis(50));
            if (lock[0] == null) {
                throw lockTimeout(what, wait);
            }
            return () -> {
                try {
                    c.close(); // releases the file lock
                } catch (IOException e) {
                    // Closing a lock file cannot lose data.
                } finally {
                    jvm.unlock();
                }
            };
        } catch (IOException | RuntimeException e) {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // Already failing.
                }
            }
            jvm.unlock();
            if (e instanceof PGroupException p) {
                throw p;
            }
            throw new PGroupException("cannot lock " + what + " in " + seedsDir + ": " + e, e);
        }
    }

    private static PGroupException lockTimeout(String what, Duration wait) {
        return new PGroupException(
                "gave up after " + wait.toSeconds() + " s waiting for another JVM that holds the" + " lock of " + what);
    }
}
