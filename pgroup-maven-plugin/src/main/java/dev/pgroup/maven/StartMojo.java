package dev.pgroup.maven;

import dev.pgroup.core.Group;
import dev.pgroup.core.model.Durations;
import dev.pgroup.core.model.StartException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.inject.Inject;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.MojoExecution;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

/**
 * Starts the group created by {@code create} under runit and waits until every process runs and
 * passes its ready check. When a process exits, crash-loops or is not ready in time, the build fails
 * with the tail of that process's log; the group is stopped and its files are kept for debugging.
 */
@Mojo(name = "start", defaultPhase = LifecyclePhase.PRE_INTEGRATION_TEST, threadSafe = true)
public class StartMojo extends AbstractLifecycleMojo {

    /**
     * How long to wait for the whole group to be ready, e.g. {@code 500ms}, {@code 30s}, {@code 2m}
     * or {@code PT30S}. Must be positive.
     */
    @Parameter(property = PropertyNames.START_TIMEOUT, defaultValue = "60s")
    private String startTimeout;

    /**
     * Streams process logs into the build output while the integration tests run, each line
     * prefixed with its process name, until {@code stop}: {@code true} (or {@code all}) for every
     * process, or a comma-separated list of process names. Off by default: the logs of every
     * process are printed anyway when the tests fail.
     */
    @Parameter(property = PropertyNames.SHOW_LOGS)
    private String showLogs;

    @Inject
    public StartMojo(MavenProject project, MavenSession session, MojoExecution mojoExecution) {
        super(project, session, mojoExecution);
    }

    @Override
    protected void executeMojo() throws MojoFailureException {
        ManagedGroup managed = requireGroup();
        Group group = managed.group();
        Duration timeout;
        try {
            timeout = Durations.parsePositive(startTimeout);
        } catch (IllegalArgumentException e) {
            // The group was created for nothing: take it away before failing.
            buildGroups().remove(managed);
            String problem = managed.terminateQuietly();
            throw new MojoFailureException("pgroup: <startTimeout> (property " + PropertyNames.START_TIMEOUT + "): "
                    + e.getMessage() + "; write e.g. 30s" + (problem == null ? "" : ". " + problem));
        }
        Map<String, Path> logs = logsToShow(managed);
        getLog().info("pgroup: starting " + group.id() + ", waiting up to " + startTimeout + " until "
                + String.join(", ", group.processes()) + " "
                + (group.processes().size() == 1 ? "is" : "are")
                + " ready");
        long t0 = System.nanoTime();
        try {
            group.start(timeout);
        } catch (StartException e) {
            // The engine stopped the group; keep its files so that a person can read every log.
            buildGroups().remove(managed);
            managed.release();
            throw new MojoFailureException(
                    "pgroup: " + e.getMessage() + "\n  the group's files are kept in " + group.directory(), e);
        }
        getLog().info("pgroup: started " + group.id() + " ("
                + Messages.processCount(group.processes().size()) + ") in " + Messages.millisSince(t0));
        if (!logs.isEmpty()) {
            getLog().info("pgroup: showing the logs of " + String.join(", ", logs.keySet()) + " until stop");
            managed.streamLogs(logs, line -> getLog().info(line));
        }
    }

    /** The processes {@code showLogs} names, with their log files; unknown names fail the goal. */
    private Map<String, Path> logsToShow(ManagedGroup managed) throws MojoFailureException {
        Map<String, Path> logs = new LinkedHashMap<>();
        Group group = managed.group();
        String wanted = showLogs == null ? "" : showLogs.strip();
        if (wanted.isEmpty() || wanted.equals("false")) {
            return logs;
        }
        List<String> names =
                wanted.equals("true") || wanted.equals("all") ? group.processes() : List.of(wanted.split("\\s*,\\s*"));
        for (String name : names) {
            if (!group.processes().contains(name)) {
                // The group was created for nothing: take it away before failing.
                buildGroups().remove(managed);
                String problem = managed.terminateQuietly();
                throw new MojoFailureException("pgroup: <showLogs> (property " + PropertyNames.SHOW_LOGS
                        + ") names process '" + name + "', but group " + group.name() + " has "
                        + group.processes() + "; write true for all of them" + (problem == null ? "" : ". " + problem));
            }
            logs.put(name, group.logFile(name));
        }
        return logs;
    }
}
