package dev.pgroup.core.internal;

import dev.pgroup.Manifest;
import dev.pgroup.core.internal.definition.DefinitionParser;
import dev.pgroup.core.internal.definition.GroupDefinition;
import dev.pgroup.core.internal.definition.GroupIds;
import dev.pgroup.core.internal.definition.ProcessDefinition;
import dev.pgroup.core.internal.os.DiskSpace;
import dev.pgroup.core.internal.os.FilePermissions;
import dev.pgroup.core.internal.os.FileTrees;
import dev.pgroup.core.internal.os.HostName;
import dev.pgroup.core.internal.os.TrustedDirectory;
import dev.pgroup.core.internal.runit.ContainerRemoval;
import dev.pgroup.core.internal.runit.GroupLayout;
import dev.pgroup.core.internal.runit.PassedSockets;
import dev.pgroup.core.internal.runit.ProcessPlan;
import dev.pgroup.core.internal.runit.ProcessUsers;
import dev.pgroup.core.internal.runit.Runit;
import dev.pgroup.core.internal.runit.RuntimeSettings;
import dev.pgroup.core.internal.runit.ServiceWriter;
import dev.pgroup.core.internal.seed.SeedCache;
import dev.pgroup.core.internal.state.GroupRegistry;
import dev.pgroup.core.internal.state.Owner;
import dev.pgroup.core.internal.state.OwnerLock;
import dev.pgroup.core.internal.state.PortLeases;
import dev.pgroup.core.internal.state.StateDatabase;
import dev.pgroup.core.model.PGroupException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Creates one group: a fresh directory with the rendered templates and runit service dirs, leased
 * ports and a manifest. On any failure, and on a JVM shutdown halfway (see {@link
 * UnfinishedCreates}), everything is rolled back: no directory, no registry row, no lease.
 *
 * @param environment the environment pgroup runs in: runit and the programs are looked for on its PATH
 */
public record GroupCreation(
        Path baseDir,
        Map<String, String> environment,
        StateDatabase database,
        PortLeases leases,
        GroupRegistry registry) {

    /** This host's name as group ids carry it: read once, never looked up in DNS ({@link HostName}). */
    private static final String SHORT_HOST = GroupIds.shortHost(HostName.get());

    /**
     * What a finished create made, for the engine to open as a {@code Group}.
     *
     * @param settings the runtime settings as written, and {@code manifest} the manifest as written:
     *     the group's handle starts from these instead of reading back the files just written
     */
    public record Created(
            String id,
            String name,
            GroupLayout layout,
            Runit runit,
            boolean detached,
            RuntimeSettings settings,
            Manifest manifest) {}

    /**
     * Creates the group of {@code definitionDir/group.toml}. The definition is parsed before runit
     * is looked for, so that a definition error needs no runit to be reported.
     *
     * @param name a group name instead of the definition's, or null (the create options' name)
     * @param detached whether the group outlives this JVM
     * @param project the paths of the project the group serves
     */
    public Created create(Path definitionDir, String name, boolean detached, GroupPlanner.ProjectPaths project) {
        return create(definitionDir, name, detached, project, null);
    }

    /**
     * As {@link #create(Path, String, boolean, GroupPlanner.ProjectPaths)}, for a definition dir
     * that is deleted when create returns.
     *
     * @param definitionDirGone why the processes have no {@code {{definition.dir}}}, or null when
     *     they have one
     */
    public Created create(
            Path definitionDir,
            String name,
            boolean detached,
            GroupPlanner.ProjectPaths project,
            String definitionDirGone) {
        // The first database use of a JVM loads SQLite (~100 ms); let it overlap the TOML parse.
        // Only then: with 2 cores the common pool is a new thread per task, a clone per create.
        CompletableFuture<Void> databaseOpen = database.isCold()
                ? CompletableFuture.runAsync(database::warmUp)
                : CompletableFuture.completedFuture(null);
        GroupDefinition definition;
        try {
            definition = DefinitionParser.parse(definitionDir, name);
        } finally {
            databaseOpen.join();
        }
        Runit runit = Runit.locate(environment);
        ProcessUsers users = ProcessUsers.check(definition, environment);
        // Before the group dir exists: a seed that fails leaves no group behind.
        SeedCache seedCache = new SeedCache(database.file(), baseDir, environment, leases);
        Map<String, String> seeds = seedCache.prepare(definition, users);
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
            // The creating JVM owns the row and the leases until the group is complete, even for a
            // detached group: a create killed halfway is then a dead owner's, and prune reclaims it.
            // Recorded in the dir too, for a create killed before its row exists.
            Owner creator = Owner.currentProcess(OwnerLock.ownersDir(database.file()));
            CreatorRecord.write(layout, creator);
            Files.writeString(
                    layout.databaseRecord(), database.file().toAbsolutePath().normalize() + "\n");
            users.openGroupDir(baseDir, layout);
            if (detached) {
                Files.createFile(layout.detachedMarker());
            }
            Map<String, List<String>> wanted = new LinkedHashMap<>();
            definition.processes().forEach(p -> wanted.put(p.name(), p.ports()));
            Owner owner = detached ? Owner.DETACHED : creator;
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
            GroupPlanner planner = new GroupPlanner(definition, id, layout, environment, ports, project)
                    .runAs(users)
                    .withoutDefinitionDir(definitionDirGone);
            List<ProcessPlan> plans = planner.plan();
            ProcessDirWriter dirs = new ProcessDirWriter(
                    definition, layout, planner::placeholders, new ProgramResolver(definition, environment));
            PassedSockets sockets = PassedSockets.of(plans);
            ServiceWriter writer = new ServiceWriter(runit, id, layout, sockets);
            for (int i = 0; i < plans.size(); i++) {
                ticket.checkpoint();
                ProcessDefinition p = definition.processes().get(i);
                ProcessPlan plan = plans.get(i);
                if (seeds.containsKey(p.name())) {
                    seedCache.place(seeds.get(p.name()), plan.serviceDir());
                }
                dirs.prepare(p, plan);
                writer.write(plan, planner.readyCommand(p));
                users.openProcessDir(p, plan.serviceDir(), plan.workdir());
            }
            ContainerRemoval.writeScript(layout, id, plans);
            RuntimeSettings settings = RuntimeSettings.of(plans);
            settings.write(layout.runtimeSettings());
            sockets.write(layout.passedSockets());
            Manifest manifest = manifest(id, definition.name(), layout, plans);
            manifest.write(layout.manifest());
            ticket.commit();
            registry.finish(id, owner);
            return new Created(id, definition.name(), layout, runit, detached, settings, manifest);
        } catch (IOException | UncheckedIOException e) {
            // UncheckedIOException: the runtime's manifest writer. A full disk says so.
            String problem = e instanceof UncheckedIOException u && u.getCause() != null
                    ? e.getMessage() + ": " + u.getCause()
                    : e.toString();
            PGroupException failure = new PGroupException(
                    "cannot create group " + id + " in " + groupDir + ": " + problem
                            + DiskSpace.lowSpaceNote(baseDir)
                                    .map(n -> " (" + n + ")")
                                    .orElse(""),
                    e);
            rollBack(id, groupDir, registered[0], failure);
            throw failure;
        } catch (RuntimeException | Error e) {
            rollBack(id, groupDir, registered[0], e);
            throw e;
        } finally {
            ticket.end();
        }
    }

    private Path newGroupDirectory(String name) {
        TrustedDirectory.check(baseDir, "base dir");
        try {
            // A base dir that existed has just been checked; only one made here is checked again (a
            // walk of every parent, two stats each, which hundreds of creates a second repeated).
            if (!Files.isDirectory(baseDir)) {
                FilePermissions.createPrivateDirectories(baseDir);
                TrustedDirectory.check(baseDir, "base dir");
            }
        } catch (AccessDeniedException e) {
            throw new PGroupException(
                    "cannot create the base dir " + baseDir + ": permission denied on " + e.getFile(), e);
        } catch (IOException e) {
            throw new PGroupException("cannot create the base dir " + baseDir + ": " + e, e);
        }
        for (int attempt = 0; ; attempt++) {
            Path dir = baseDir.resolve(GroupIds.next(name, SHORT_HOST));
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

    private static Manifest manifest(String id, String name, GroupLayout layout, List<ProcessPlan> plans) {
        List<Manifest.ProcessInfo> processes = new ArrayList<>();
        for (ProcessPlan p : plans) {
            processes.add(
                    p.container() == null
                            ? new Manifest.ProcessInfo(p.name(), p.id(), p.serviceDir(), p.logFile(), p.ports(), 0)
                            : new Manifest.ProcessInfo(
                                    p.name(),
                                    p.id(),
                                    p.serviceDir(),
                                    p.logFile(),
                                    p.ports(),
                                    0,
                                    p.container().image(),
                                    p.container().imageId()));
        }
        return new Manifest(id, name, layout.directory(), SHORT_HOST, Instant.now(), processes);
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
}
