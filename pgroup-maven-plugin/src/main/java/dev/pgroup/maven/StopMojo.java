package dev.pgroup.maven;

import dev.pgroup.core.Group;
import javax.inject.Inject;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.MojoExecution;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.project.MavenProject;

/**
 * Stops the group's processes and waits until they are gone. Files and leased ports stay, so
 * {@code terminate} (or a person) can look at them. After failed integration tests it first prints
 * the tail of every process's log.
 */
@Mojo(name = "stop", defaultPhase = LifecyclePhase.POST_INTEGRATION_TEST, threadSafe = true)
public class StopMojo extends AbstractStopMojo {

    @Inject
    public StopMojo(MavenProject project, MavenSession session, MojoExecution mojoExecution) {
        super(project, session, mojoExecution);
    }

    @Override
    protected void executeMojo() throws MojoFailureException {
        ManagedGroup managed = requireGroup();
        Group group = managed.group();
        showLogsIfTestsFailed(managed);
        long t0 = System.nanoTime();
        stop(managed);
        getLog().info("pgroup: stopped " + group.id() + " in " + Messages.millisSince(t0));
    }
}
