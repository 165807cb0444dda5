package dev.pgroup.core;

import dev.pgroup.core.internal.EngineDefaults;
import dev.pgroup.core.internal.GroupCreation;
import dev.pgroup.core.internal.GroupFinder;
import dev.pgroup.core.internal.Housekeeping;
import dev.pgroup.core.internal.seed.SeedCache;
import dev.pgroup.core.internal.state.GroupRegistry;
import dev.pgroup.core.internal.state.PortLeases;
import dev.pgroup.core.internal.state.StateDatabase;
import dev.pgroup.core.model.DefinitionException;
import dev.pgroup.core.model.GroupInfo;
import dev.pgroup.core.model.PGroupException;
import dev.pgroup.core.model.SeedInfo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Creates and opens groups. One engine holds a small pool of connections to the port database; it
 * is safe to use from many threads, and many JVMs may share the database.
 *
 * <pre>{@code
 * try (PGroupEngine engine = PGroupEngine.builder().baseDir(Path.of("target/pgroup")).build();
 *      Group group = engine.create(Path.of("src/it/pgroup"))) {
 *     group.start(Duration.ofSeconds(30));
 *     int port = group.port("primary", "main");
 *     ...
 * } // close() terminates the group: processes stopped, ports released, files deleted
 * }</pre>
 */
public final class PGroupEngine implements AutoCloseable {
    private final Path baseDir;
    private final Map<String, String> environment;
    private final StateDatabase database;
    private final PortLeases leases;
    private final GroupRegistry registry;
    private final GroupFinder finder;
    private final EngineGroups groups;
    private final Housekeeping housekeeping;

    private PGroupEngine(Builder b) {
        this.baseDir = b.baseDir.toAbsolutePath().normalize();
        this.environment = Map.copyOf(b.environment);
        this.database = new StateDatabase(b.database, b.lockTimeout);
        this.leases = new PortLeases(database, b.firstPort, b.lastPort);
        this.registry = new GroupRegistry(database);
        this.finder = new GroupFinder(baseDir, registry, database.file());
        this.groups = new EngineGroups(new GroupCreation(baseDir, environment, database, leases, registry), finder);
        this.housekeeping = new Housekeeping(baseDir, environment, registry, leases);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Where group directories are created. */
    public Path baseDir() {
        return baseDir;
    }

    /** The database of port leases and groups. */
    public Path database() {
        return database.file();
    }

    /** Creates a group from {@code definitionDir/group.toml}, owned by this JVM. */
    public Group create(Path definitionDir) {
        return create(definitionDir, CreateOptions.defaults());
    }

    /**
     * Creates a group: a fresh directory with the rendered templates and runit service dirs, leased
     * ports and a manifest. Nothing runs yet. On any failure everything is rolled back: no directory,
     * no lease.
     *
     * @throws DefinitionException when {@code group.toml} or a template is wrong
     * @throws PGroupException when runit is missing or the base dir or database cannot be used
     */
    public Group create(Path definitionDir, CreateOptions options) {
        Objects.requireNonNull(definitionDir, "definitionDir");
        return groups.create(definitionDir, options, null);
    }

    /** Creates a group from a {@link GroupSpec}, owned by this JVM. */
    public Group create(GroupSpec spec) {
        return create(spec, CreateOptions.defaults());
    }

    /**
     * Creates a group from a {@link GroupSpec}, as {@link #create(Path, CreateOptions)} does from a
     * directory: the spec is rendered to a {@code group.toml} in a fresh private temp dir, which is
     * deleted again when the create is done, also when it fails. Nothing of the spec outlives the
     * call, so any later change to a spec changes no group.
     *
     * @throws DefinitionException when a value of the spec is wrong; its {@link
     *     DefinitionException#file()} names the spec ({@code GroupSpec "cache"}, line 0) instead of
     *     the generated file, with the {@code group.toml} key and process that are wrong
     * @throws PGroupException when runit is missing, the base dir or database cannot be used, or the
     *     temp dir cannot be written
     */
    public Group create(GroupSpec spec, CreateOptions options) {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(options, "options");
        return SpecDirectory.withDefinition(spec, dir -> groups.create(dir, options, SpecDirectory.NO_DEFINITION_DIR));
    }

    /**
     * Opens a group created earlier, by this or another JVM: found in the registry, or else in the
     * base dir.
     *
     * @throws PGroupException when there is no such group
     */
    public Group open(String groupId) {
        return groups.open(groupId);
    }

    /** The groups of this user on this machine, oldest first. */
    public List<GroupInfo> list() {
        housekeeping.checkBaseDir();
        return finder.all();
    }

    /**
     * Cleans what dead owners and crashes left behind, and reports what it did:
     *
     * <ul>
     *   <li>groups whose owner JVM is dead: processes stopped, ports released, files deleted;
     *   <li>creates that never finished because their JVM was killed: ports released, files deleted;
     *   <li>groups whose runsvdir died while their runsv processes live on, still holding {@code
     *       supervise/lock}: those processes stopped (files and ports stay for the live owner);
     *   <li>registered groups whose directory is gone: their runsvdir, if it still runs, and every
     *       process under it stopped, and only then forgotten and their ports released;
     *   <li>leases of groups the registry does not know: released;
     *   <li>group dirs under the base dir that the registry does not know (older than a minute, so
     *       a create in progress is never touched): processes stopped, files deleted. Unless their
     *       runsvdir runs: such a group belongs to another database, and is left alone.
     * </ul>
     *
     * Detached groups with a live runsvdir are left alone. Nothing is deleted that is not provably a
     * pgroup group: a dir whose name is a group id, that holds pgroup's state files, that belongs to
     * this user, reached through no symlink. Whatever else is in the base dir is reported ("left
     * ... alone: why") and left alone.
     *
     * @throws PGroupException when the base dir is not this user's alone
     */
    public PruneReport prune() {
        return prune(false);
    }

    /**
     * Like {@link #prune()}, limited to the groups in this engine's base dir: a project's own
     * leftovers, while other projects' groups (kept for debugging, say) stay as they are. Leases of
     * unknown groups are left to a full prune.
     */
    public PruneReport pruneBaseDir() {
        return prune(true);
    }

    private PruneReport prune(boolean onlyBaseDir) {
        return new PruneReport(housekeeping.prune(onlyBaseDir, DEFAULT_SEED_AGE));
    }

    /** How long {@link #prune()} keeps a seed that no group has used: a week. */
    public static final Duration DEFAULT_SEED_AGE = Duration.ofDays(7);

    /**
     * Removes the cached seeds that no group has used for {@code unusedFor} (at least a minute),
     * with the copies made ahead of them in this engine's base dir, and what killed JVMs left while
     * preparing or copying seeds. A seed that another JVM is preparing is left alone.
     */
    public PruneReport pruneSeeds(Duration unusedFor) {
        Objects.requireNonNull(unusedFor, "unusedFor");
        return new PruneReport(housekeeping.pruneSeeds(unusedFor));
    }

    /**
     * The seeds cached for this user on this machine (next to the database, in {@code seeds/}),
     * least recently used first.
     */
    public List<SeedInfo> seeds() {
        return housekeeping.seeds();
    }

    /**
     * Terminates a group by id, also one whose directory is gone ({@code mvn clean} of a kept
     * group, an {@code rm -rf}): its processes, if any still run, are stopped through the runsvdir
     * the registry recorded (verified), then its record and ports are released.
     *
     * @throws PGroupException when there is no such group, or its processes cannot be stopped
     */
    public void terminate(String groupId) {
        housekeeping.checkBaseDir();
        if (!finder.forgetIfDirectoryGone(groupId)) {
            open(groupId).terminate();
        }
    }

    /** The ids of the groups under the base dir, oldest first. */
    public List<String> groupIds() {
        housekeeping.checkBaseDir();
        return finder.idsInBaseDir();
    }

    PortLeases leases() {
        return leases;
    }

    GroupRegistry registry() {
        return registry;
    }

    /**
     * Closes the database connection, after the copies of seeds this JVM is making ahead are made
     * (a few seconds at most), so that none is left half made.
     */
    @Override
    public void close() {
        SeedCache.awaitCopiesAhead(Duration.ofSeconds(30));
        database.close();
    }

    /** Settings for an engine; every one has a default. */
    public static final class Builder {
        private Path baseDir = EngineDefaults.baseDir(System.getenv());
        private Path database = EngineDefaults.database(System.getenv());
        private Map<String, String> environment = System.getenv();
        private Duration lockTimeout = StateDatabase.DEFAULT_LOCK_TIMEOUT;
        private int firstPort = EngineDefaults.portRange(System.getenv())[0];
        private int lastPort = EngineDefaults.portRange(System.getenv())[1];

        private Builder() {}

        /**
         * Where group dirs go. Default: {@code $PGROUP_BASE_DIR}; else {@code
         * $XDG_RUNTIME_DIR/pgroup} when {@code XDG_RUNTIME_DIR} is set and is this user's alone (a
         * per-user dir on most Linux desktops); else {@code <java.io.tmpdir>/pgroup-<user>}. The dir
         * must belong to this user and be writable by no one else, and must not be a symlink:
         * another user who can write it could plant pid files, group dirs or services there. pgroup
         * refuses it otherwise, saying how to fix it.
         */
        public Builder baseDir(Path dir) {
            this.baseDir = Objects.requireNonNull(dir, "baseDir");
            return this;
        }

        /**
         * The SQLite port database, shared by every JVM of the user. Default: {@code
         * $PGROUP_DATABASE}, else {@code ~/.pgroup/pgroup.db}. Its directory must be this user's
         * alone, as the base dir must (SQLite's native library is cached there), so a database
         * directly in {@code /tmp} is refused.
         */
        public Builder database(Path file) {
            this.database = Objects.requireNonNull(file, "database");
            return this;
        }

        /**
         * The environment processes inherit and {@code {{env.VAR}}} reads; its PATH finds runit and
         * the programs. Default: this JVM's environment.
         */
        public Builder environment(Map<String, String> env) {
            this.environment = Map.copyOf(env);
            return this;
        }

        /**
         * The range ports are leased from. Default: {@code $PGROUP_PORT_RANGE} ({@code first-last}),
         * else 20000 up to just below the kernel's ephemeral range, so that ports the OS hands out for
         * outgoing connections never collide with a lease.
         */
        public Builder portRange(int first, int last) {
            if (first < 1024 || last > 65535 || first > last) {
                throw new IllegalArgumentException("port range " + first + "-" + last + " must lie within 1024-65535");
            }
            this.firstPort = first;
            this.lastPort = last;
            return this;
        }

        /**
         * How long each transaction waits for another JVM's transaction on the database before
         * failing with a clear error. Default 15 s; transactions take about a millisecond. A create
         * runs two transactions, and gives up at the first that times out.
         */
        public Builder lockTimeout(Duration timeout) {
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("lock timeout must not be negative, was " + timeout);
            }
            this.lockTimeout = timeout;
            return this;
        }

        public PGroupEngine build() {
            return new PGroupEngine(this);
        }
    }
}
