package dev.pgroup.core;

import dev.pgroup.Manifest;
import dev.pgroup.core.internal.DefinitionParser;
import dev.pgroup.core.internal.FilePermissions;
import dev.pgroup.core.internal.FileTrees;
import dev.pgroup.core.internal.GroupDefinition;
import dev.pgroup.core.internal.GroupIds;
import dev.pgroup.core.internal.GroupLayout;
import dev.pgroup.core.internal.GroupPlanner;
import dev.pgroup.core.internal.GroupRegistry;
import dev.pgroup.core.internal.Names;
import dev.pgroup.core.internal.OwnerLock;
import dev.pgroup.core.internal.PortLeases;
import dev.pgroup.core.internal.ProcessDefinition;
import dev.pgroup.core.internal.ProcessPlan;
import dev.pgroup.core.internal.Pruner;
import dev.pgroup.core.internal.Runit;
import dev.pgroup.core.internal.RuntimeSettings;
import dev.pgroup.core.internal.ServiceWriter;
import dev.pgroup.core.internal.StateDatabase;
import dev.pgroup.core.internal.Supervisor;
import dev.pgroup.core.internal.TrustedDirectory;
import dev.pgroup.core.internal.UnfinishedCreates;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Creates and opens groups. One engine holds one connection to the port database; it is safe to
 * use from many threads, and many JVMs may share the database.
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

    private PGroupEngine(Builder b) {
        this.baseDir = b.baseDir.toAbsolutePath().normalize();
        this.environment = Map.copyOf(b.environment);
        this.database = new StateDatabase(b.database, b.lockTimeout);
        this.leases = new PortLeases(database, b.firstPort, b.lastPort);
        this.registry = new GroupRegistry(database);
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
        Runit runit = Runit.locate(environment);
        // The first database use of a JVM loads SQLite (~100 ms); let it overlap the TOML parse.
        java.util.concurrent.CompletableFuture<Void> databaseOpen =
                java.util.concurrent.CompletableFuture.runAsync(database::warmUp);
        GroupDefinition definition;
        try {
            definition = DefinitionParser.parse(definitionDir, options.name());
        } finally {
            databaseOpen.join();
        }
        // Registered before the dir exists: a TERM at any later point finds this create and undoes it.
        UnfinishedCreates.Ticket ticket = UnfinishedCreates.begin();
        Path groupDir;
        try {
            groupDir = newGroupDirectory(definition.name());
        } catch (RuntimeException e) {
            ticket.end();
            throw e;
        }
        String id = groupDir.getFileName().toString();
        GroupLayout layout = new GroupLayout(groupDir);
        boolean[] registered = {false};
        ticket.attach(id, () -> {
            PGroupException interrupted = new PGroupException("create of group " + id + " interrupted");
            rollBack(id, groupDir, true, interrupted);
            if (interrupted.getSuppressed().length > 0) {
                throw interrupted;
            }
        });
        try {
            ticket.checkpoint();
            Files.createDirectory(layout.stateDir());
            if (options.detached()) {
                Files.createFile(layout.detachedMarker());
            }
            Map<String, List<String>> wanted = new LinkedHashMap<>();
            definition.processes().forEach(p -> wanted.put(p.name(), p.ports()));
            // The creating JVM owns the row and the leases until the group is complete, even for a
            // detached group: a create killed halfway is then a dead owner's, and prune reclaims it.
            PortLeases.Owner creator = PortLeases.Owner.currentProcess(OwnerLock.ownersDir(database.file()));
            PortLeases.Owner owner = options.detached() ? PortLeases.Owner.DETACHED : creator;
            ticket.checkpoint();
            // The row and the leases in one transaction: one wait for the lock, and all or nothing.
            List<PortLeases.Lease> granted = database.write("register group " + id + " and lease its ports", c -> {
                registry.registerCreating(id, definition.name(), groupDir, creator);
                return leases.lease(id, creator, wanted);
            });
            registered[0] = true; // a failed write rolled its transaction back: nothing to remove then
            ticket.checkpoint();
            Map<String, Map<String, Integer>> ports = new LinkedHashMap<>();
            definition.processes().forEach(p -> ports.put(p.name(), new LinkedHashMap<>()));
            for (PortLeases.Lease lease : granted) {
                ports.get(lease.process()).put(lease.name(), lease.port());
            }
            String pause = System.getProperty(UnfinishedCreates.TEST_PAUSE_AFTER_LEASES);
            if (pause != null) {
                ticket.pauseForTest(Path.of(pause));
            }
            GroupPlanner planner = new GroupPlanner(
                    definition,
                    id,
                    layout,
                    environment,
                    ports,
                    new GroupPlanner.ProjectPaths(
                            options.projectDir(), options.projectBuildDir(), options.projectArtifact()));
            List<ProcessPlan> plans = planner.plan();
            ServiceWriter writer = new ServiceWriter(runit, id);
            for (int i = 0; i < plans.size(); i++) {
                ticket.checkpoint();
                ProcessDefinition p = definition.processes().get(i);
                ProcessPlan plan = plans.get(i);
                Files.createDirectories(plan.serviceDir());
                planner.writeFiles(p);
                prepareWorkdir(definition, p, plan);
                checkProgram(definition, p, plan);
                writer.write(plan, planner.readyCommand(p));
            }
            RuntimeSettings.of(plans).write(layout.runtimeSettings());
            manifest(id, definition.name(), layout, plans).write(layout.manifest());
            ticket.commit();
            registry.finish(id, owner);
            return new Group(this, id, definition.name(), layout, runit, options.detached());
        } catch (IOException e) {
            PGroupException failure =
                    new PGroupException("cannot create group " + id + " in " + groupDir + ": " + e, e);
            rollBack(id, groupDir, registered[0], failure);
            throw failure;
        } catch (RuntimeException | Error e) {
            rollBack(id, groupDir, registered[0], e);
            throw e;
        } finally {
            ticket.end();
        }
    }

    /**
     * Opens a group created earlier, by this or another JVM: found in the registry, or else in the
     * base dir.
     *
     * @throws PGroupException when there is no such group
     */
    public Group open(String groupId) {
        if (!Names.isValidGroupId(groupId)) {
            throw new PGroupException("'" + groupId + "' is not a group id (ids look like cache-host-k3f9qz)");
        }
        checkBaseDir();
        // The base dir first: status, env and logs of a local group then never load SQLite.
        GroupLayout layout = new GroupLayout(baseDir.resolve(groupId));
        if (!Files.isRegularFile(layout.manifest())) {
            Optional<GroupRegistry.Entry> entry = registry.find(groupId);
            Optional<Path> registered = entry.map(GroupRegistry.Entry::directory);
            layout = registered
                    .map(GroupLayout::new)
                    .filter(l -> Files.isRegularFile(l.manifest()))
                    .orElseThrow(() ->
                            entry.flatMap(PGroupEngine::directoryGone).orElseGet(() -> notFound(groupId, registered)));
        }
        Manifest m;
        try {
            m = Manifest.read(layout.manifest());
        } catch (RuntimeException e) {
            throw new PGroupException(
                    "group '" + groupId + "' has an unreadable manifest " + layout.manifest() + ": " + e.getMessage()
                            + "; 'prune' cleans up a group whose files were damaged",
                    e);
        }
        return new Group(
                this,
                m.groupId(),
                m.groupName(),
                layout,
                Runit.locate(environment),
                Files.exists(layout.detachedMarker()));
    }

    /**
     * The failure for a registered group whose directory was deleted while its runsvdir runs on: a
     * Group cannot be opened without its files, and prune is what stops it. One that does not run
     * is left to {@link #notFound}.
     */
    private static Optional<PGroupException> directoryGone(GroupRegistry.Entry e) {
        if (Files.isDirectory(e.directory())) {
            return Optional.empty();
        }
        return e.runsvdir()
                .map(r -> new PGroupException("group '" + e.id() + "' is registered, but its directory " + e.directory()
                        + " is gone while its processes still run (runsvdir pid " + r.pid()
                        + "); prune stops them and releases its ports"));
    }

    /** The groups of this user on this machine, oldest first. */
    public List<GroupInfo> list() {
        checkBaseDir();
        List<GroupInfo> out = new ArrayList<>();
        for (GroupRegistry.Entry e : registry.all()) {
            // The same test as Group.status() and isRunning(): the group's verified runsvdir (the
            // registry's pid is written only once a start has succeeded); for a group whose dir was
            // deleted while it ran, the runsvdir the registry recorded, verified.
            boolean running = Supervisor.runsvdir(new GroupLayout(e.directory()))
                            .isPresent()
                    || (!Files.isDirectory(e.directory()) && e.runsvdir().isPresent());
            out.add(new GroupInfo(
                    e.id(), e.name(), e.directory(), e.owner().pid(), !e.owner().isDead(), running, e.createdAt()));
        }
        return out;
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
        checkBaseDir();
        return new PruneReport(
                new Pruner(baseDir, Runit.locate(environment), environment, registry, leases, false).run());
    }

    /**
     * Like {@link #prune()}, limited to the groups in this engine's base dir: a project's own
     * leftovers, while other projects' groups (kept for debugging, say) stay as they are. Leases of
     * unknown groups are left to a full prune.
     */
    public PruneReport pruneBaseDir() {
        checkBaseDir();
        return new PruneReport(
                new Pruner(baseDir, Runit.locate(environment), environment, registry, leases, true).run());
    }

    /**
     * Terminates a group by id, also one whose directory is gone ({@code mvn clean} of a kept
     * group, an {@code rm -rf}): its processes, if any still run, are stopped through the runsvdir
     * the registry recorded (verified), then its record and ports are released.
     *
     * @throws PGroupException when there is no such group, or its processes cannot be stopped
     */
    public void terminate(String groupId) {
        checkBaseDir();
        boolean inBaseDir = Files.isRegularFile(new GroupLayout(baseDir.resolve(groupId)).manifest());
        Optional<GroupRegistry.Entry> entry = inBaseDir ? Optional.empty() : registry.find(groupId);
        if (entry.isPresent() && !Files.exists(entry.get().directory(), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            GroupRegistry.Entry e = entry.get();
            Optional<ProcessHandle> runsvdir = e.runsvdir();
            if (runsvdir.isPresent()
                    && !dev.pgroup.core.internal.ProcessTreeStop.stop(
                            e.directory(), runsvdir.get(), java.time.Duration.ofSeconds(10))) {
                throw new PGroupException("cannot stop group " + groupId + " (runsvdir pid "
                        + runsvdir.get().pid() + "), whose directory " + e.directory()
                        + " is gone; its ports stay leased");
            }
            registry.remove(groupId);
            return;
        }
        open(groupId).terminate();
    }

    /** The ids of the groups under the base dir, oldest first. */
    public List<String> groupIds() {
        checkBaseDir();
        if (!Files.isDirectory(baseDir)) {
            return List.of();
        }
        try (var dirs = Files.list(baseDir)) {
            return dirs.filter(d -> Files.isRegularFile(new GroupLayout(d).manifest()))
                    .map(d -> Manifest.read(new GroupLayout(d).manifest()))
                    .sorted(java.util.Comparator.comparing(Manifest::createdAt))
                    .map(Manifest::groupId)
                    .toList();
        } catch (IOException e) {
            throw new PGroupException("cannot list " + baseDir + ": " + e, e);
        }
    }

    /**
     * Why {@code groupId} cannot be opened, in words: a dir without a manifest (a create that did not
     * finish, files deleted) or a registered dir that is gone is not "no group".
     */
    private PGroupException notFound(String groupId, Optional<Path> registered) {
        for (Path dir : registered.isPresent()
                ? List.of(baseDir.resolve(groupId), registered.get())
                : List.of(baseDir.resolve(groupId))) {
            if (Files.isDirectory(dir)) {
                return new PGroupException("group '" + groupId + "' in " + dir + " has no manifest "
                        + new GroupLayout(dir).manifest()
                        + ": its create did not finish or its files were deleted; 'prune' cleans it up");
            }
        }
        if (registered.isPresent()) {
            return new PGroupException("group '" + groupId + "' is registered in " + database.file()
                    + " with the directory " + registered.get() + ", which is gone; 'prune' forgets it");
        }
        return new PGroupException("no group '" + groupId + "' on this machine (looked in " + baseDir
                + " and in the registry " + database.file() + ")" + existingGroupsHint());
    }

    /** The ids open() can find in the base dir: dirs named by id that hold a manifest. */
    private String existingGroupsHint() {
        List<String> ids = new ArrayList<>();
        if (Files.isDirectory(baseDir)) {
            try (var dirs = Files.list(baseDir)) {
                dirs.filter(d -> Files.isRegularFile(new GroupLayout(d).manifest()))
                        .map(d -> d.getFileName().toString())
                        .sorted()
                        .forEach(ids::add);
            } catch (IOException e) {
                return " (cannot list " + baseDir + ": " + e + ")";
            }
        }
        return ids.isEmpty() ? " (it holds no groups)" : "; it holds " + ids;
    }

    PortLeases leases() {
        return leases;
    }

    GroupRegistry registry() {
        return registry;
    }

    Map<String, String> environment() {
        return environment;
    }

    /** The base dir must be this user's alone; see {@link TrustedDirectory}. */
    private void checkBaseDir() {
        TrustedDirectory.check(baseDir, "base dir");
    }

    private Path newGroupDirectory(String name) {
        checkBaseDir();
        try {
            FilePermissions.createPrivateDirectories(baseDir);
            checkBaseDir();
        } catch (AccessDeniedException e) {
            throw new PGroupException(
                    "cannot create the base dir " + baseDir + ": permission denied on " + e.getFile(), e);
        } catch (IOException e) {
            throw new PGroupException("cannot create the base dir " + baseDir + ": " + e, e);
        }
        for (int attempt = 0; ; attempt++) {
            Path dir = baseDir.resolve(GroupIds.next(name));
            try {
                return FilePermissions.createPrivateDirectory(dir);
            } catch (FileAlreadyExistsException e) {
                if (attempt > 20) {
                    throw new PGroupException("cannot find a free group id in " + baseDir, e);
                }
            } catch (AccessDeniedException e) {
                throw new PGroupException(
                        "cannot create a group in the base dir " + baseDir
                                + ": permission denied (is it writable by this user?)",
                        e);
            } catch (IOException e) {
                throw new PGroupException("cannot create a group in the base dir " + baseDir + ": " + e, e);
            }
        }
    }

    /** A workdir inside the process dir is created; one elsewhere must exist, as the user's own dir. */
    private static void prepareWorkdir(GroupDefinition definition, ProcessDefinition p, ProcessPlan plan) {
        if (plan.workdir().startsWith(plan.serviceDir())) {
            try {
                Files.createDirectories(plan.workdir());
            } catch (IOException e) {
                throw new DefinitionException(
                        definition.file(),
                        p.line("workdir"),
                        p.name(),
                        "workdir",
                        "cannot create " + plan.workdir() + ": " + e);
            }
        } else if (!Files.isDirectory(plan.workdir())) {
            throw new DefinitionException(
                    definition.file(),
                    p.line("workdir"),
                    p.name(),
                    "workdir",
                    "directory " + plan.workdir() + " does not exist");
        }
    }

    private static void checkProgram(GroupDefinition definition, ProcessDefinition p, ProcessPlan plan) {
        GroupPlanner.requireExecutable(definition, p, Path.of(plan.command().get(0)), "command", "command[0]");
    }

    static Manifest manifest(String id, String name, GroupLayout layout, List<ProcessPlan> plans) {
        List<Manifest.ProcessInfo> processes = new ArrayList<>();
        for (ProcessPlan p : plans) {
            processes.add(new Manifest.ProcessInfo(p.name(), p.id(), p.serviceDir(), p.logFile(), p.ports(), 0));
        }
        return new Manifest(id, name, layout.directory(), GroupIds.host(), Instant.now(), processes);
    }

    /**
     * Undoes a half-made create; a problem while undoing is attached to the create's failure. The
     * registry is left alone when nothing was registered: after a lock timeout, a second wait for
     * the same lock would only double the time the user waits for the error.
     */
    private void rollBack(String id, Path groupDir, boolean registered, Throwable failure) {
        if (registered) {
            try {
                registry.remove(id);
            } catch (RuntimeException e) {
                failure.addSuppressed(e);
            }
        }
        try {
            FileTrees.deleteTree(groupDir);
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    @Override
    public void close() {
        database.close();
    }

    /** Settings for an engine; every one has a default. */
    public static final class Builder {
        private Path baseDir = defaultBaseDir();
        private Path database = defaultDatabase();
        private Map<String, String> environment = System.getenv();
        private java.time.Duration lockTimeout = StateDatabase.DEFAULT_LOCK_TIMEOUT;
        private int firstPort = PortLeases.defaultRange()[0];
        private int lastPort = PortLeases.defaultRange()[1];

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
         * The range ports are leased from. Default: 20000 up to just below the kernel's ephemeral
         * range, so that ports the OS hands out for outgoing connections never collide with a lease.
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
        public Builder lockTimeout(java.time.Duration timeout) {
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("lock timeout must not be negative, was " + timeout);
            }
            this.lockTimeout = timeout;
            return this;
        }

        public PGroupEngine build() {
            return new PGroupEngine(this);
        }

        private static Path defaultBaseDir() {
            return defaultBaseDir(System.getenv());
        }

        /**
         * {@code $XDG_RUNTIME_DIR} is made for this (per user, mode 700, emptied at logout) and, unlike
         * a name in the shared temp dir, cannot be taken by another user first.
         */
        static Path defaultBaseDir(Map<String, String> env) {
            String dir = env.get("PGROUP_BASE_DIR");
            if (dir != null && !dir.isBlank()) {
                return Path.of(dir);
            }
            String runtime = env.get("XDG_RUNTIME_DIR");
            if (runtime != null && !runtime.isBlank()) {
                Path runtimeDir = Path.of(runtime);
                if (runtimeDir.isAbsolute()
                        && TrustedDirectory.problem(runtimeDir).isEmpty()) {
                    return runtimeDir.resolve("pgroup");
                }
            }
            return Path.of(System.getProperty("java.io.tmpdir"), "pgroup-" + System.getProperty("user.name"));
        }

        private static Path defaultDatabase() {
            String env = System.getenv("PGROUP_DATABASE");
            if (env != null && !env.isBlank()) {
                return Path.of(env);
            }
            return Path.of(System.getProperty("user.home"), ".pgroup", "pgroup.db");
        }
    }
}
