package dev.pgroup.maven;

import dev.pgroup.core.Group;
import dev.pgroup.core.PGroupEngine;
import dev.pgroup.core.model.ProcessStatus;
import java.util.List;
import java.util.Optional;
import javax.inject.Inject;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.MojoExecution;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.project.MavenProject;

/**
 * Prints each process's state, ports, pid and log file. Within a build it reports the group that
 * {@code create} made; run on its own ({@code mvn pgroup:status}) it reports every group found
 * under {@code baseDir}, such as the ones kept after failed tests.
 */
@Mojo(name = "status", threadSafe = true)
public class StatusMojo extends AbstractGroupMojo {

    @Inject
    public StatusMojo(MavenProject project, MavenSession session, MojoExecution mojoExecution) {
        super(project, session, mojoExecution);
    }

    @Override
    protected void executeMojo() {
        Optional<ManagedGroup> managed = findGroup();
        if (managed.isPresent()) {
            print(managed.get().group());
            return;
        }
        try (PGroupEngine engine = newEngine()) {
            List<String> ids = engine.groupIds();
            if (ids.isEmpty()) {
                getLog().info("pgroup: no groups under " + engine.baseDir());
            }
            for (String id : ids) {
                print(engine.open(id));
            }
        }
    }

    private void print(Group group) {
        StringBuilder s = new StringBuilder("pgroup: group ")
                .append(group.id())
                .append(group.isRunning() ? " (running)" : " (not running)")
                .append(" at ")
                .append(group.directory());
        for (ProcessStatus p : group.status()) {
            s.append(String.format(
                    "%n  %-12s %-13s pid %-7s ports %s  log %s",
                    p.name(),
                    p.state(),
                    p.pid() == 0 ? "-" : Long.toString(p.pid()),
                    p.ports().isEmpty() ? "-" : p.ports(),
                    group.logFile(p.name())));
        }
        getLog().info(s.toString());
    }
}
