package dev.pgroup.maven;

import dev.pgroup.core.CreateOptions;
import dev.pgroup.core.Group;
import dev.pgroup.core.PGroupEngine;
import dev.pgroup.core.model.GroupInfo;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import javax.inject.Inject;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.MojoExecution;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.project.MavenProject;

/**
 * Creates the group: renders its templates into a fresh directory under {@code baseDir}, leases a
 * port for each port a process names, and writes the runit service dirs and the manifest. Nothing
 * runs yet; {@code start} does that.
 *
 * <p>Every port and the manifest are exported as project properties, for other plugins' {@code
 * ${...}}, and appended to the project's {@code argLine} property as {@code -D} options, which
 * maven-failsafe-plugin hands to the test JVM (as JaCoCo's agent is handed over):
 * {@code pgroup.<name>.<process>.<port>}, {@code pgroup.<name>.manifest}, {@code
 * pgroup.manifest.<name>} and {@code pgroup.manifest}, so that {@code dev.pgroup.PGroup.current()}
 * works in tests with no configuration. They belong to this module alone, also under {@code mvn -T}.
 */
@Mojo(name = "create", defaultPhase = LifecyclePhase.PRE_INTEGRATION_TEST, threadSafe = true)
public class CreateMojo extends AbstractLifecycleMojo {

    @Inject
    public CreateMojo(MavenProject project, MavenSession session, MojoExecution mojoExecution) {
        super(project, session, mojoExecution);
    }

    @Override
    protected void executeMojo() throws MojoFailureException {
        Path dir = existingDefinitionDir();
        BuildGroups groups = buildGroups();
        Optional<ManagedGroup> same = findGroup();
        if (same.isPresent()) {
            throw duplicate(same.get().group().name(), same.get());
        }
        long t0 = System.nanoTime();
        PGroupEngine engine = newEngine();
        Group group;
        try {
            removeKeptGroups(engine);
            group = engine.create(
                    dir,
                    CreateOptions.defaults()
                            .withName(name())
                            .withProject(
                                    project().getBasedir().toPath(),
                                    Path.of(project().getBuild().getDirectory()),
                                    mainArtifact()));
        } catch (IllegalArgumentException e) {
            engine.close();
            throw new MojoFailureException("pgroup: <name>" + name() + "</name>: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            engine.close();
            throw e;
        }
        Optional<ManagedGroup> sameName = groups.named(projectKey(), group.name());
        if (sameName.isPresent()) {
            try {
                group.terminate();
            } finally {
                engine.close();
            }
            throw duplicate(group.name(), sameName.get());
        }
        ManagedGroup managed =
                new ManagedGroup(projectKey(), dir, name(), mojoExecution().getExecutionId(), engine, group);
        groups.add(managed);
        export(managed);
        getLog().info("pgroup: created " + group.id() + " ("
                + Messages.processCount(group.processes().size()) + "; ports " + describePorts(group.ports()) + ") in "
                + Messages.millisSince(t0));
        getLog().debug("pgroup: group directory " + group.directory());
    }

    /**
     * The jar (or other file) {@code package} made, for {@code {{project.artifact}}}: null before
     * package ran, or for a pom project.
     */
    private Path mainArtifact() {
        java.io.File file =
                project().getArtifact() == null ? null : project().getArtifact().getFile();
        return file != null && file.isFile() ? file.toPath() : null;
    }

    /**
     * Removes the groups that earlier builds of this project kept for debugging after failed tests:
     * stopped, under this project's base dir, and owned by a Maven JVM that has exited. Running
     * groups (another build's, or one that {@code pgroup up} started for the IDE) are left alone.
     */
    private void removeKeptGroups(PGroupEngine engine) {
        for (GroupInfo kept : engine.list()) {
            if (!kept.directory().startsWith(baseDir()) || kept.running() || kept.ownerAlive()) {
                continue;
            }
            try {
                engine.open(kept.id()).terminate();
                getLog().info("pgroup: removed " + kept.id() + ", kept stopped in " + kept.directory()
                        + " by an earlier build for debugging");
            } catch (RuntimeException e) {
                getLog().warn("pgroup: could not remove " + kept.id() + ", kept by an earlier build in "
                        + kept.directory() + ": " + e.getMessage());
            }
        }
    }

    private MojoFailureException duplicate(String groupName, ManagedGroup first) {
        return new MojoFailureException("pgroup: two executions create a group named '" + groupName
                + "' (execution '" + first.executionId() + "' and execution '"
                + mojoExecution().getExecutionId()
                + "'): every group of a build needs its own name; give one of them another <name> in its"
                + " <configuration> (or a definition with another name in group.toml)");
    }

    private void export(ManagedGroup managed) {
        Group group = managed.group();
        String n = group.name();
        String manifest = group.manifestFile().toString();
        set(managed, PropertyNames.MANIFEST, manifest);
        set(managed, PropertyNames.manifestOf(n), manifest);
        set(managed, PropertyNames.groupProperty(n, "manifest"), manifest);
        set(managed, PropertyNames.groupProperty(n, "id"), group.id());
        set(managed, PropertyNames.groupProperty(n, "dir"), group.directory().toString());
        group.ports()
                .forEach((process, ports) -> ports.forEach(
                        (port, number) -> set(managed, PropertyNames.port(n, process, port), number.toString())));
    }

    private void set(ManagedGroup managed, String key, String value) {
        // Project properties, never the session's user properties: a -T reactor shares those.
        project().getProperties().setProperty(key, value);
        TestJvmArguments.add(project().getProperties(), key, value);
        managed.exportedProperties().put(key, value);
        getLog().debug("pgroup: " + key + "=" + value);
    }

    private static String describePorts(Map<String, Map<String, Integer>> ports) {
        StringJoiner s = new StringJoiner(", ");
        ports.forEach((process, named) -> named.forEach((port, number) -> s.add(process + "." + port + "=" + number)));
        return s.length() == 0 ? "none" : s.toString();
    }
}
