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
 * Terminates the group: stops it, releases its ports and deletes its files. After failed
 * integration tests it prints every process's log tail and keeps the files instead (processes
 * stopped), saying where they are; {@code mvn clean} removes them.
 */
@Mojo(name = "terminate", defaultPhase = LifecyclePhase.POST_INTEGRATION_TEST, threadSafe = true)
public class TerminateMojo extends AbstractStopMojo {

    @Inject
    public TerminateMojo(MavenProject project, MavenSession session, MojoExecution mojoExecution) {
        super(project, session, mojoExecution);
    }

    @Override
    protected void executeMojo() throws MojoFailureException {
        ManagedGroup managed = requireGroup();
        Group group = managed.group();
        long t0 = System.nanoTime();
        if (showLogsIfTestsFailed(managed).isPresent()) {
            stop(managed);
            buildGroups().remove(managed);
            managed.release();
            getLog().warn("pgroup: kept the files of " + group.id() + " for debugging in " + group.directory()
                    + " (processes stopped; logs under each process's log dir, see "
                    + group.manifestFile() + "). The next build of this project removes them; to remove them"
                    + " now: pgroup terminate " + group.id());
            return;
        }
        int ports = group.ports().values().stream().mapToInt(m -> m.size()).sum();
        if (managed.isStreamingLogs()) {
            stop(managed);
        }
        try {
            group.terminate();
        } finally {
            buildGroups().remove(managed);
            managed.release();
            unexport(managed);
        }
        getLog().info("pgroup: terminated " + group.id() + " (" + ports + " ports released, files deleted) in "
                + Messages.millisSince(t0));
    }

    private void unexport(ManagedGroup managed) {
        managed.exportedProperties().forEach((key, value) -> {
            // pgroup.manifest may point at a later group by now: then it stays.
            if (value.equals(project().getProperties().getProperty(key))) {
                project().getProperties().remove(key);
            }
            TestJvmArguments.remove(project().getProperties(), key, value);
        });
    }
}
