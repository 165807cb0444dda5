package dev.pgroup.maven;

import dev.pgroup.core.PGroupEngine;
import dev.pgroup.core.PruneReport;
import javax.inject.Inject;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.MojoExecution;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

/**
 * Cleans up what killed or crashed builds left behind, and says what it cleaned: the groups of this
 * user whose owner JVM is dead (processes stopped, ports released, files deleted); processes still
 * running under a group whose {@code runsvdir} died; ports leased for groups nobody knows; and
 * group directories under {@code baseDir} that no group is registered for (older than a minute, so
 * that a group being created is never touched). Groups of live builds are left alone.
 *
 * <p>Run it on its own, {@code mvn pgroup:prune}, or bind it to a phase. Ports and groups live in a
 * database per user (see the usage page), so it cleans after every build of the user on this
 * machine, not only this project's; directories it deletes only under {@code baseDir}.
 */
@Mojo(name = "prune", threadSafe = true)
public class PruneMojo extends AbstractPGroupMojo {

    /**
     * What to prune: {@code user} (every group of the user on this machine, whatever its project)
     * or {@code project} (only the groups in this project's {@code baseDir}, so that other
     * projects' groups kept for debugging stay).
     */
    @Parameter(property = PropertyNames.PRUNE_SCOPE, defaultValue = "user")
    private String scope;

    @Inject
    public PruneMojo(MavenProject project, MavenSession session, MojoExecution mojoExecution) {
        super(project, session, mojoExecution);
    }

    @Override
    protected void executeMojo() throws MojoFailureException {
        if (!scope.equals("user") && !scope.equals("project")) {
            throw new MojoFailureException("pgroup: <scope> (property " + PropertyNames.PRUNE_SCOPE + ") is '" + scope
                    + "'; write user (every group of the user) or project (only this project's " + baseDir() + ")");
        }
        long t0 = System.nanoTime();
        try (PGroupEngine engine = newEngine()) {
            PruneReport report = scope.equals("project") ? engine.pruneBaseDir() : engine.prune();
            if (report.isEmpty()) {
                getLog().info("pgroup: nothing to prune (database " + engine.database() + ", base dir "
                        + engine.baseDir() + ")");
                return;
            }
            for (String action : report.actions()) {
                getLog().info("pgroup: " + action);
            }
            getLog().info("pgroup: pruned " + report.actions().size() + " leftover(s) in " + Messages.millisSince(t0)
                    + " (database " + engine.database() + ", base dir " + engine.baseDir() + ")");
        }
    }
}
