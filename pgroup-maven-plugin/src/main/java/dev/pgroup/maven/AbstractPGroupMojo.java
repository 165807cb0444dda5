package dev.pgroup.maven;

import dev.pgroup.core.PGroupEngine;
import dev.pgroup.core.model.DefinitionException;
import dev.pgroup.core.model.PGroupException;
import dev.pgroup.core.model.StartException;
import java.io.File;
import java.nio.file.Path;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecution;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

/**
 * What every pgroup goal shares: {@code pgroup.skip}, the base dir and database, and translating
 * engine failures. A goal implements {@link #executeMojo()}. Goals that work on one group extend
 * {@link AbstractGroupMojo}; those around the integration tests {@link AbstractLifecycleMojo}.
 */
public abstract class AbstractPGroupMojo extends AbstractMojo {

    /** Skips every pgroup goal, e.g. {@code -Dpgroup.skip}. */
    @Parameter(property = PropertyNames.SKIP, defaultValue = "false")
    private boolean skip;

    /**
     * Where group directories are created, one per group, named after the group id. Kept after
     * failed integration tests for debugging. {@code prune} deletes the directories here that no
     * group is registered for (only those that are provably pgroup's). It must be yours alone: owned
     * by you, not writable by group or others, not a symlink; pgroup refuses any other.
     */
    @Parameter(property = PropertyNames.BASE_DIR, defaultValue = "${project.build.directory}/pgroup", required = true)
    private File baseDir;

    /**
     * The database of port leases and groups. Leave it unset: every build of the user must share
     * one database, or two builds could lease the same port. Default: {@code $PGROUP_DATABASE},
     * else {@code ~/.pgroup/pgroup.db}. Its directory must be yours alone, as {@code baseDir} must.
     */
    @Parameter(property = PropertyNames.DATABASE)
    private File database;

    private final MavenProject project;
    private final MavenSession session;
    private final MojoExecution mojoExecution;

    protected AbstractPGroupMojo(MavenProject project, MavenSession session, MojoExecution mojoExecution) {
        this.project = project;
        this.session = session;
        this.mojoExecution = mojoExecution;
    }

    @Override
    public final void execute() throws MojoExecutionException, MojoFailureException {
        String why = skipReason();
        if (why != null) {
            getLog().info("pgroup: skipping " + goal() + " because " + why);
            return;
        }
        if (BuildGroups.isShuttingDown()) {
            getLog().info(interruptedNote());
            return;
        }
        try {
            executeMojo();
        } catch (DefinitionException | StartException e) {
            if (!gaveWayToTheCleanupAtExit(e)) {
                throw new MojoFailureException(e.getMessage(), e);
            }
        } catch (PGroupException e) {
            if (!gaveWayToTheCleanupAtExit(e)) {
                throw new MojoExecutionException(e.getMessage(), e);
            }
        } catch (MojoFailureException | MojoExecutionException | RuntimeException e) {
            if (!gaveWayToTheCleanupAtExit(e)) {
                throw e;
            }
        }
    }

    /**
     * On Ctrl-C Maven's main thread runs on (the failsafe fork died of the same signal) while the
     * shutdown hook terminates the groups; a goal that raced the hook fails with "no group" or "is
     * terminated". That is no failure of the build: it says what happens instead.
     */
    private boolean gaveWayToTheCleanupAtExit(Exception failure) {
        if (!BuildGroups.isShuttingDown()) {
            return false;
        }
        getLog().info(interruptedNote());
        getLog().debug(failure);
        return true;
    }

    private String interruptedNote() {
        return "pgroup: skipping " + goal() + " because the build is being interrupted; pgroup terminates"
                + " this build's groups as the JVM exits";
    }

    /** The goal's work; engine exceptions are translated by {@link #execute()}. */
    protected abstract void executeMojo() throws MojoExecutionException, MojoFailureException;

    /** Why this goal is skipped, or null; subclasses add their own reasons. */
    protected String skipReason() {
        return skip ? PropertyNames.SKIP + " (<skip>) is true" : null;
    }

    protected final String goal() {
        return "pgroup:" + mojoExecution.getGoal() + " (" + mojoExecution.getExecutionId() + ")";
    }

    protected final MavenProject project() {
        return project;
    }

    protected final MavenSession session() {
        return session;
    }

    protected final MojoExecution mojoExecution() {
        return mojoExecution;
    }

    protected final BuildGroups buildGroups() {
        return BuildGroups.of(session);
    }

    protected final String projectKey() {
        return projectKey(project);
    }

    static String projectKey(MavenProject project) {
        return project == null ? "" : project.getId() + "@" + project.getBasedir();
    }

    protected final PGroupEngine newEngine() {
        PGroupEngine.Builder builder = PGroupEngine.builder().baseDir(baseDir.toPath());
        if (database != null) {
            builder.database(database.toPath());
        }
        return builder.build();
    }

    protected final Path baseDir() {
        return baseDir.toPath().toAbsolutePath().normalize();
    }
}
