package dev.pgroup.maven;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.MojoExecution;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

/** A goal that works on one group: the one {@code <group>} and {@code <name>} select. */
public abstract class AbstractGroupMojo extends AbstractPGroupMojo {

    /**
     * The group definition directory: it holds {@code group.toml} and the template files that
     * {@code group.toml} names. Give the stop/terminate execution the same value as the create/start
     * one (or configure it once, at plugin level).
     */
    @Parameter(property = PropertyNames.GROUP, defaultValue = "${project.basedir}/src/it/pgroup")
    private File group;

    /**
     * The group's name, instead of {@code name} in {@code group.toml}. Needed when two executions
     * start groups from the same definition: every group of a build has its own name, and exported
     * properties are named after it ({@code pgroup.<name>.<process>.<port>}).
     */
    @Parameter(property = PropertyNames.NAME)
    private String name;

    protected AbstractGroupMojo(MavenProject project, MavenSession session, MojoExecution mojoExecution) {
        super(project, session, mojoExecution);
    }

    protected final String name() {
        return name;
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
        throw new MojoFailureException(Messages.noGroupCreatedEarlier(
                goal(), definitionDir(), name, buildGroups().ofProject(projectKey())));
    }
}
