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
import dev.pgroup.core.internal.PortLeases;
import dev.pgroup.core.internal.ProcessDefinition;
import dev.pgroup.core.internal.ProcessPlan;
import dev.pgroup.core.internal.Runit;
import dev.pgroup.core.internal.RuntimeSettings;
import dev.pgroup.core.internal.ServiceWriter;
import dev.pgroup.core.internal.StartLock;
import dev.pgroup.core.internal.StateDatabase;
import dev.pgroup.core.internal.Supervisor;
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
        Path groupDir = newGroupDirectory(definition.name());
        String id = groupDir.getFileName().toString();
        GroupLayout layout = new GroupLayout(groupDir);
        try {
            Files.createDirectory(layout.stateDir());
            if (options.detached()) {
                Files.createFile(layout.detachedMarker());
            }
            Map<String, List<String>> wanted = new LinkedHashMap<>();
            definition.processes().forEach(p -> wanted.put(p.name(), p.ports()));
            PortLeases.Owner owner = options.detached() ? PortLeases.Owner.DETACHED : PortLeases.Owner.currentProcess();
            registry.register(id, definition.name(), groupDir, owner);
            Map<String, Map<String, Integer>> ports = new LinkedHashMap<>();
            definition.processes().forEach(p -> ports.put(p.name(), new LinkedHashMap<>()));
            for (PortLeases.Lease lease : leases.lease(id, owner, wanted)) {
                ports.get(lease.process()).put(lease.name(), lease.port());
            }
            GroupPlanner planner = new GroupPlanner(definition, id, layout, environment, ports);
            List<ProcessPlan> plans = planner.plan();
            ServiceWriter writer = new ServiceWriter(runit, id);
            for (int i = 0; i < plans.size(); i++) {
                ProcessDefinition p = definition.processes().get(i);
                ProcessPlan plan = plans.get(i);
                Files.createDirectories(plan.serviceDir());
                for (String template : p.templates()) {
                    planner.renderTemplate(p, template);
                }
                prepareWorkdir(definition, p, plan);
                checkProgram(definition, p, plan);
                writer.write(plan, planner.readyCommand(p));
            }
            RuntimeSettings.of(plans).write(layout.runtimeSettings());
            manifest(id, definition.name(), layout, plans).write(layout.manifest());
            return new Group(this, id, definition.name(), layout, runit, options.detached());
        } catch (IOException e) {
            PGroupException failure =
                    new PGroupException("cannot create group " + id + " in " + groupDir + ": " + e, e);
            rollBack(id, groupDir, failure);
            throw failure;
        } catch (RuntimeException | Error e) {
            rollBack(id, groupDir, e);
            throw e;
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
        // The base dir first: status, env and logs of a local group then never load SQLite.
        GroupLayout layout = new GroupLayout(baseDir.resolve(groupId));
        if (!Files.isRegularFile(layout.manifest())) {
            layout = registry.find(groupId)
                    .map(e -> new GroupLayout(e.directory()))
                    .filter(l -> Files.isRegularFile(l.manifest()))
                    .orElseThrow(() -> new PGroupException("no group '" + groupId + "' on this machine (looked in "
                            + baseDir + " and in the registry " + database.file() + ")" + existingGroupsHint()));
        }
        Manifest m = Manifest.read(layout.manifest());
        return new Group(
                this,
                m.groupId(),
                m.groupName(),
                layout,
                Runit.locate(environment),
                Files.exists(layout.detachedMarker()));
    }

    /** The groups of this user on this machine, oldest first. */
    public List<GroupInfo> list() {
        List<GroupInfo> out = new ArrayList<>();
        for (GroupRegistry.Entry e : registry.all()) {
            // The same test as Group.status() and isRunning(): the group's verified runsvdir. The
            // registry's runsvdir pid is written only once a start has succeeded.
            boolean running =
                    Supervisor.runsvdir(new GroupLayout(e.directory())).isPresent();
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
     *   <li>groups whose runsvdir died while their runsv processes live on, still holding {@code
     *       supervise/lock}: those processes stopped (files and ports stay for the live owner);
     *   <li>registered groups whose directory is gone: forgotten, ports released;
     *   <li>leases of groups the registry does not know: released;
     *   <li>group dirs under the base dir that the registry does not know (older than a minute, so
     *       a create in progress is never touched): processes stopped, files deleted.
     * </ul>
     *
     * Detached groups with a live runsvdir are left alone.
     */
    public PruneReport prune() {
        List<String> actions = new ArrayList<>();
        Runit runit = Runit.locate(environment);
        java.util.Set<String> known = new java.util.HashSet<>();
        for (GroupRegistry.Entry e : registry.all()) {
            known.add(e.id());
            GroupLayout layout = new GroupLayout(e.directory());
            Supervisor supervisor = new Supervisor(runit, layout, environment);
            boolean dirExists = Files.isDirectory(e.directory());
            if (e.owner().isDead()) {
                boolean stopped = dirExists && supervisor.stop(pruneTimeouts(layout));
                deleteQuietly(e.directory(), actions);
                registry.remove(e.id());
                actions.add("removed group " + e.id() + ": its owner (pid "
                        + e.owner().pid() + ") is gone" + (stopped ? "; stopped its processes" : ""));
            } else if (!dirExists) {
                registry.remove(e.id());
                actions.add("forgot group " + e.id() + ": its directory " + e.directory() + " is gone");
            } else if (supervisor.runsvdir().isEmpty()
                    && !StartLock.isHeld(layout) // a start in progress has no runsvdir.pid yet
                    && supervisor.stop(pruneTimeouts(layout))) {
                registry.runsvdir(e.id(), 0);
                actions.add("stopped the orphaned processes of group " + e.id() + ": its runsvdir had died");
            }
        }
        leases.releaseUnregistered()
                .forEach((id, n) -> actions.add("released " + n + " port(s) of unknown group " + id));
        if (Files.isDirectory(baseDir)) {
            Instant cutoff = Instant.now().minusSeconds(60);
            try (var dirs = Files.list(baseDir)) {
                for (Path dir : dirs.toList()) {
                    String id = dir.getFileName().toString();
                    GroupLayout layout = new GroupLayout(dir);
                    if (known.contains(id) || !Files.isDirectory(layout.stateDir()) || modifiedAfter(dir, cutoff)) {
                        continue;
                    }
                    new Supervisor(runit, layout, environment).stop(pruneTimeouts(layout));
                    deleteQuietly(dir, actions);
                    actions.add("deleted " + dir + ": no group of that id is registered");
                }
            } catch (IOException e) {
                actions.add("could not list " + baseDir + ": " + e);
            }
        }
        return new PruneReport(actions);
    }

    /** Prune stops what nobody owns any more: processes get 3 s to exit, not their stop_timeout. */
    private static Map<String, java.time.Duration> pruneTimeouts(GroupLayout layout) {
        Map<String, java.time.Duration> timeouts = new LinkedHashMap<>();
        if (Files.isRegularFile(layout.runtimeSettings())) {
            RuntimeSettings.read(layout.runtimeSettings())
                    .names()
                    .forEach(n -> timeouts.put(n, java.time.Duration.ofSeconds(3)));
        }
        return timeouts;
    }

    private static boolean modifiedAfter(Path dir, Instant cutoff) {
        try {
            return Files.getLastModifiedTime(dir.resolve(GroupLayout.STATE_DIR))
                    .toInstant()
                    .isAfter(cutoff);
        } catch (IOException e) {
            return true;
        }
    }

    private static void deleteQuietly(Path dir, List<String> actions) {
        try {
            FileTrees.deleteTree(dir);
        } catch (IOException e) {
            actions.add("could not delete " + dir + ": " + e);
        }
    }

    /** The ids of the groups under the base dir, oldest first. */
    public List<String> groupIds() {
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

    private String existingGroupsHint() {
        List<String> ids = groupIds();
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

    private Path newGroupDirectory(String name) {
        try {
            FilePermissions.createPrivateDirectories(baseDir);
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
    private static void prepareWorkdir(GroupDefinition definition, ProcessDefinition p, ProcessPlan plan)
            throws IOException {
        if (plan.workdir().startsWith(plan.serviceDir())) {
            Files.createDirectories(plan.workdir());
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
        Path program = Path.of(plan.command().get(0));
        if (!Files.isExecutable(program) || Files.isDirectory(program)) {
            throw new DefinitionException(
                    definition.file(),
                    p.line("command"),
                    p.name(),
                    "command[0]",
                    "program " + program + " does not exist or is not executable");
        }
    }

    static Manifest manifest(String id, String name, GroupLayout layout, List<ProcessPlan> plans) {
        List<Manifest.ProcessInfo> processes = new ArrayList<>();
        for (ProcessPlan p : plans) {
            processes.add(new Manifest.ProcessInfo(p.name(), p.id(), p.serviceDir(), p.logFile(), p.ports(), 0));
        }
        return new Manifest(id, name, layout.directory(), GroupIds.host(), Instant.now(), processes);
    }

    /** Undoes a half-made create; a problem while undoing is attached to the create's failure. */
    private void rollBack(String id, Path groupDir, Throwable failure) {
        try {
            registry.remove(id);
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
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
         * Where group dirs go. Default: {@code $PGROUP_BASE_DIR}, else {@code
         * <java.io.tmpdir>/pgroup-<user>}.
         */
        public Builder baseDir(Path dir) {
            this.baseDir = Objects.requireNonNull(dir, "baseDir");
            return this;
        }

        /**
         * The SQLite port database, shared by every JVM of the user. Default: {@code
         * $PGROUP_DATABASE}, else {@code ~/.pgroup/pgroup.db}.
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
         * How long to wait for another JVM's transaction on the database before failing with a
         * clear error. Default 15 s; transactions take about a millisecond.
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
            String env = System.getenv("PGROUP_BASE_DIR");
            if (env != null && !env.isBlank()) {
                return Path.of(env);
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
