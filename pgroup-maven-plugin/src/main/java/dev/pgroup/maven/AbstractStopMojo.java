package dev.pgroup.maven;

import dev.pgroup.core.Group;
import java.io.File;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.MojoExecution;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

/** What {@code stop} and {@code terminate} share: when integration tests failed, show the logs. */
public abstract class AbstractStopMojo extends AbstractLifecycleMojo {

    /**
     * failsafe's summary of the integration tests. When it reports failures or errors, the goal
     * prints the last {@code logLines} lines of every process's log and keeps the group's files.
     */
    @Parameter(defaultValue = "${project.build.directory}/failsafe-reports/failsafe-summary.xml", required = true)
    private File summaryFile;

    /** How many lines of each process's log to print after failed integration tests. */
    @Parameter(property = PropertyNames.LOG_LINES, defaultValue = "50")
    private int logLines;

    protected AbstractStopMojo(MavenProject project, MavenSession session, MojoExecution mojoExecution) {
        super(project, session, mojoExecution);
    }

    /** Why this build's integration tests count as failed, if they do. */
    protected final Optional<String> testFailure() {
        Instant buildStart = session().getStartTime() == null
                ? Instant.EPOCH
                : session().getStartTime().toInstant();
        return TestResults.failure(summaryFile.toPath(), buildStart);
    }

    /** When this build's integration tests failed: prints every process's log tail and says why. */
    protected final Optional<String> showLogsIfTestsFailed(ManagedGroup managed) {
        Optional<String> failure = testFailure();
        failure.ifPresent(why -> showLogs(managed, why));
        return failure;
    }

    /** Stops the group; a log streamed with showLogs then ends with what the processes wrote while stopping. */
    protected static void stop(ManagedGroup managed) {
        managed.group().stop();
        managed.stopStreaming();
    }

    /** Prints each process's log tail, once per group. */
    protected final void showLogs(ManagedGroup managed, String why) {
        if (managed.logsShown()) {
            return;
        }
        managed.logsShown(true);
        Group group = managed.group();
        getLog().warn("pgroup: integration tests failed (" + why + "); the logs of group " + group.id() + " follow");
        for (String process : group.processes()) {
            List<String> tail = group.logTail(process, logLines);
            StringBuilder s = new StringBuilder("pgroup: last ")
                    .append(tail.size())
                    .append(" line(s) of process '")
                    .append(process)
                    .append("' (")
                    .append(group.logFile(process))
                    .append("):");
            tail.forEach(line -> s.append("\n  | ").append(line));
            getLog().warn(s.toString());
        }
    }
}
