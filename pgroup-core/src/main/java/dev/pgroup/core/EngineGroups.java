package dev.pgroup.core;

import dev.pgroup.Manifest;
import dev.pgroup.core.internal.GroupCreation;
import dev.pgroup.core.internal.GroupFinder;
import dev.pgroup.core.internal.GroupPlanner;
import dev.pgroup.core.internal.definition.Names;
import dev.pgroup.core.internal.os.TrustedDirectory;
import dev.pgroup.core.internal.runit.Runit;
import dev.pgroup.core.model.PGroupException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@link Group} handles an engine hands out, made from what {@code internal} returns for a
 * create or an open: the entry points keep their own types out of {@code internal}, which hands
 * back plain values.
 */
final class EngineGroups {
    private final GroupCreation creation;
    private final GroupFinder finder;

    /** @param creation the engine's base dir, environment, database, leases and registry */
    EngineGroups(GroupCreation creation, GroupFinder finder) {
        this.creation = creation;
        this.finder = finder;
    }

    /** @param definitionDirGone why processes have no {@code {{definition.dir}}}, or null */
    Group create(Path definitionDir, CreateOptions options, String definitionDirGone) {
        GroupCreation.Created c = creation.create(
                definitionDir,
                options.name(),
                options.detached(),
                new GroupPlanner.ProjectPaths(
                        options.projectDir(), options.projectBuildDir(), options.projectArtifact()),
                definitionDirGone);
        return new Group(
                creation.registry(),
                creation.environment(),
                c.id(),
                c.name(),
                c.layout(),
                c.runit(),
                c.detached(),
                c.settings(),
                c.manifest());
    }

    /** A group found by id in the registry, or else in the base dir. */
    Group open(String groupId) {
        if (!Names.isValidGroupId(groupId)) {
            throw new PGroupException("'" + groupId + "' is not a group id (ids look like cache-host-k3f9qz)");
        }
        TrustedDirectory.check(creation.baseDir(), "base dir");
        GroupFinder.Found found = finder.find(groupId);
        Manifest m = found.manifest();
        return new Group(
                creation.registry(),
                creation.environment(),
                m.groupId(),
                m.groupName(),
                found.layout(),
                Runit.locate(creation.environment()),
                Files.exists(found.layout().detachedMarker()),
                null,
                m);
    }
}
