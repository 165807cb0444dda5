package dev.pgroup.core.internal.seed;

import dev.pgroup.core.internal.definition.GroupDefinition;
import dev.pgroup.core.internal.definition.ProcessDefinition;
import dev.pgroup.core.internal.definition.SourceFiles;
import dev.pgroup.core.internal.os.Accounts.Account;
import dev.pgroup.core.internal.os.FilePermissions;
import dev.pgroup.core.internal.os.TreeCopy;
import dev.pgroup.core.internal.os.TrustedDirectory;
import dev.pgroup.core.internal.runit.ProcessUsers;
import dev.pgroup.core.internal.state.Owner;
import dev.pgroup.core.internal.state.OwnerLock;
import dev.pgroup.core.internal.state.PortLeases;
import dev.pgroup.core.model.PGroupException;
import dev.pgroup.core.model.SeedInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
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
 * home dir of mode 0700 does not allow. The seeds dir is {@link SeedStore}'s, the pool {@link
 * SeedPool}'s, the lock {@link SeedLock}'s, and prune's part {@link SeedPruner}'s.
 */
public final class SeedCache {
    /** Waiting for another JVM's seed: its timeout, and this much beyond it. */
    private static final Duration LOCK_SLACK = Duration.ofSeconds(60);

    private final SeedStore store;
    private final SeedPool pool;
    private final Path baseDir;
    private final Map<String, String> environment;
    private final PortLeases leases;

    public SeedCache(Path databaseFile, Path baseDir, Map<String, String> environment, PortLeases leases) {
        this.store = new SeedStore(seedsDir(databaseFile));
        this.pool = new SeedPool(baseDir, store.dir());
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
    public Map<String, String> prepare(GroupDefinition definition, ProcessUsers users) {
        Map<String, String> keys = new LinkedHashMap<>();
        for (ProcessDefinition p : definition.processes()) {
            if (p.seed() == null) {
                continue;
            }
            // Placeholders and the program are checked before anything is made: bad input leaves nothing.
            SeedRun.command(definition, p, seedingDir(), 0, environment, users.commandPrefix(p.name()));
            String key = SeedKey.of(definition, p, environment.getOrDefault("PATH", ""));
            if (!store.isCached(key)) {
                store.open();
                try (SeedLock held = store.lock(key, p.seed().timeout().plus(LOCK_SLACK), SeedRun.what(p, key))) {
                    if (!store.isCached(key)) {
                        runAndPublish(definition, p, key, users.switchedTo(p.name()), users.commandPrefix(p.name()));
                    }
                }
            }
            store.touch(key);
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
    public String place(String key, Path serviceDir) throws IOException {
        String how = "copy";
        if (!pool.take(key, serviceDir)) {
            TreeCopy.copy(store.seed(key), serviceDir);
            TreeCopy.makeOwnerWritable(serviceDir);
        } else {
            how = "pool";
        }
        pool.refillLater(key);
        return how;
    }

    /**
     * Waits until the copies queued so far are made, at most {@code atMost}: an engine that closes
     * leaves no copy half made, and a test's temp dir can be deleted.
     */
    public static void awaitCopiesAhead(Duration atMost) {
        SeedPool.awaitCopiesAhead(atMost);
    }

    /** Where seeds run: {@code {{seed.dir}}} and its log, one pair per run. */
    private Path seedingDir() {
        return baseDir.resolve(".seeding");
    }

    private void runAndPublish(
            GroupDefinition definition, ProcessDefinition p, String key, Account user, List<String> userPrefix) {
        Path seeding = seedingDir();
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
            store.publish(key, work, definition, p);
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

    /** The cached seeds, oldest use first. */
    public List<SeedInfo> list() {
        List<SeedInfo> out = new ArrayList<>();
        for (String key : store.keys()) {
            Properties info = store.readInfo(key);
            long bytes;
            try {
                bytes = TreeCopy.size(store.seed(key));
            } catch (IOException e) {
                bytes = -1;
            }
            out.add(new SeedInfo(
                    key,
                    info.getProperty("process", "?"),
                    Path.of(info.getProperty("definition", "?")),
                    bytes,
                    Instant.parse(info.getProperty("created", Instant.EPOCH.toString())),
                    store.lastUsed(key),
                    pool.pooled(key)));
        }
        out.sort(Comparator.comparing(SeedInfo::lastUsedAt));
        return out;
    }

    /** See {@link SeedPruner#prune}. */
    public List<String> prune(Duration unusedFor) {
        return new SeedPruner(store, pool, seedingDir()).prune(unusedFor);
    }
}
