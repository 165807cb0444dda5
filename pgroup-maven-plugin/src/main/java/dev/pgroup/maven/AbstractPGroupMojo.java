package dev.pgroup.maven;

import dev.pgroup.core.DefinitionException;
import dev.pgroup.core.PGroupEngine;
import dev.pgroup.core.PGroupException;
import dev.pgroup.core.StartException;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecution;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

/**
 * What every pgroup goal shares: skipping, the group it works on, and translating engine failures.
 * A goal implements {@link #executeMojo()}.
 */
public abstract class AbstractPGroupMojo extends AbstractMojo {

    /** Skips every pgroup goal, e.g. {@code -Dpgroup.skip}. */
    @Parameter(property = PropertyNames.SKIP, defaultValue = "false")
    private boolean skip;

    /**
     * failsafe's switch for skipping integration tests. The pgroup goals honour it too: there is no
     * point in starting a group for tests that will not run.
     */
    @Parameter(property = PropertyNames.SKIP_ITS, defaultValue = "false")
    private boolean skipITs;

    /** Maven's switch for skipping tests altogether; the pgroup goals honour it as failsafe does. */
    @Parameter(property = PropertyNames.MAVEN_TEST_SKIP, defaultValue = "false")
    private boolean mavenTestSkip;

    /**
     * The group definition directory: it holds {@code group.toml} and the template files that
     * {@code group.toml} names. Give the stop/terminate execution the same value as the create/start
     * one (or configure it once, at plugin level).
     */
    @Parameter(property = PropertyNames.GROUP, defaultValue = "${project.basedir}/src/it/pgroup", required = true)
    private File group;

    /**
     * The group's name, instead of {@code name} in {@code group.toml}. Needed when two executions
     * start groups from the same definition: every group of a build has its own name, and exported
     * properties are named after it ({@code pgroup.<name>.<process>.<port>}).
     */
    @Parameter
    private String name;

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
        try {
            executeMojo();
        } catch (DefinitionException | StartException e) {
            throw new MojoFailureException(e.getMessage(), e);
        } catch (PGroupException e) {
            throw new MojoExecutionException(e.getMessage(), e);
        }
    }

    /** The goal's work; engine exceptions are translated by {@link #execute()}. */
    protected abstract void executeMojo() throws MojoExecutionException, MojoFailureException;

    private String skipReason() {
        if (skip) {
            return PropertyNames.SKIP + " (<skip>) is true";
        }
        if (!honoursTestSkips()) {
            return null;
        }
        if (skipITs) {
            return PropertyNames.SKIP_ITS + " is true: integration tests do not run";
        }
        if (mavenTestSkip) {
            return PropertyNames.MAVEN_TEST_SKIP + " is true: tests do not run";
        }
        return null;
    }

    /**
     * Whether {@code skipITs} and {@code maven.test.skip} skip this goal: they do for the goals
     * around the integration tests, not for a cleanup run on its own.
     */
    protected boolean honoursTestSkips() {
        return true;
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

    protected final String name() {
        return name;
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

    /** The definition directory, absolute; not checked. */
    protected final Path definitionDir() {
        return group.toPath().toAbsolutePath().normalize();
    }

    /** The definition directory, checked to hold a {@code group.toml}. */
    protected final Path existingDefinitionDir() throws MojoFailureException {
        Path dir = definitionDir();
        if (!Files.isDirectory(dir)) {
            throw new MojoFailureException("pgroup: the group definition directory " + dir
                    + " does not exist: set <group> (property " + PropertyNames.GROUP
                    + ") to the directory holding group.toml");
        }
        if (!Files.isRegularFile(dir.resolve("group.toml"))) {
            throw new MojoFailureException("pgroup: " + dir + " has no group.toml: set <group> (property "
                    + PropertyNames.GROUP + ") to the directory holding group.toml");
        }
        return dir;
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

    /** The group an earlier goal of this build created with the same {@code <group>} and {@code <name>}. */
    protected final Optional<ManagedGroup> findGroup() {
        return buildGroups().find(projectKey(), definitionDir(), name);
    }

    /** Like {@link #findGroup()}, failing with a message that says which goal is missing. */
    protected final ManagedGroup requireGroup() throws MojoFailureException {
        Optional<ManagedGroup> found = findGroup();
        if (found.isPresent()) {
            return found.get();
        }
        StringBuilder s = new StringBuilder("pgroup: ")
                .append(goal())
                .append(" found no group created earlier in this build for <group>")
                .append(definitionDir())
                .append("</group>");
        if (name != null) {
            s.append(" <name>").append(name).append("</name>");
        }
        s.append(": run the create goal first, in an <execution> with the same <group> and <name>");
        var others = buildGroups().ofProject(projectKey());
        if (!others.isEmpty()) {
            s.append(". This build created:");
            others.forEach(g -> s.append(" '")
                    .append(g.group().name())
                    .append("' from ")
                    .append(g.definitionDir())
                    .append(" (execution ")
                    .append(g.executionId())
                    .append(");"));
        }
        throw new MojoFailureException(s.toString());
    }

    protected static String processCount(int n) {
        return n == 1 ? "1 process" : n + " processes";
    }

    protected static String millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000 + " ms";
    }
}
