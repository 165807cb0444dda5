package dev.pgroup.core.internal;

import dev.pgroup.core.internal.os.TrustedDirectory;
import dev.pgroup.core.internal.runit.Runit;
import dev.pgroup.core.internal.seed.SeedCache;
import dev.pgroup.core.internal.state.GroupRegistry;
import dev.pgroup.core.internal.state.PortLeases;
import dev.pgroup.core.model.SeedInfo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What an engine cleans and lists beside its groups: prune (groups through {@link Pruner}, then
 * seeds through {@link SeedCache}) and the cached seeds. Each prune first checks that the base dir
 * is this user's alone, since it deletes there.
 */
public final class Housekeeping {
    private final Path baseDir;
    private final Map<String, String> environment;
    private final GroupRegistry registry;
    private final PortLeases leases;

    public Housekeeping(Path baseDir, Map<String, String> environment, GroupRegistry registry, PortLeases leases) {
        this.baseDir = baseDir;
        this.environment = environment;
        this.registry = registry;
        this.leases = leases;
    }

    /**
     * What dead owners and crashes left; with {@code onlyBaseDir}, only in this base dir and
     * without seeds, else also the seeds unused for {@code seedAge}.
     *
     * @return one line per action
     */
    public List<String> prune(boolean onlyBaseDir, Duration seedAge) {
        checkBaseDir();
        List<String> actions = new ArrayList<>(
                new Pruner(baseDir, Runit.locate(environment), environment, registry, leases, onlyBaseDir).run());
        if (!onlyBaseDir) {
            actions.addAll(seedCache().prune(seedAge));
        }
        return actions;
    }

    /** The seeds unused for {@code unusedFor}, and what seeding left; one line per action. */
    public List<String> pruneSeeds(Duration unusedFor) {
        checkBaseDir();
        return seedCache().prune(unusedFor);
    }

    /** The cached seeds, least recently used first. */
    public List<SeedInfo> seeds() {
        return seedCache().list();
    }

    /** The base dir must be this user's alone; see {@link TrustedDirectory}. */
    public void checkBaseDir() {
        TrustedDirectory.check(baseDir, "base dir");
    }

    private SeedCache seedCache() {
        return new SeedCache(leases.database(), baseDir, environment, leases);
    }
}
