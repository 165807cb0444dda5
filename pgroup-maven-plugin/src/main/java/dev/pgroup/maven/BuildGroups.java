package dev.pgroup.maven;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.maven.execution.ExecutionEvent;
import org.apache.maven.execution.ExecutionListener;
import org.apache.maven.execution.MavenSession;

/**
 * The groups a build created, so that later goals find them without ids, and the safety net that
 * terminates what a build leaves behind when it fails before {@code post-integration-test}.
 *
 * <p>The safety net is an {@link ExecutionListener} wrapped around Maven's own: Maven fires {@code
 * ProjectFailed} and {@code SessionEnded} while the plugin's class realm is still usable. A JVM
 * shutdown hook covers Ctrl-C.
 */
final class BuildGroups {
    private static final Map<MavenSession, BuildGroups> BY_SESSION = new IdentityHashMap<>();
    private static final List<BuildGroups> ALIVE = new ArrayList<>();
    private static boolean hookInstalled;
    private static volatile boolean shuttingDown;

    private final List<ManagedGroup> groups = new ArrayList<>();

    private BuildGroups() {}

    /** The groups of this build; the first call installs the safety net. */
    static synchronized BuildGroups of(MavenSession session) {
        BuildGroups existing = BY_SESSION.get(session);
        if (existing != null) {
            return existing;
        }
        BuildGroups created = new BuildGroups();
        BY_SESSION.put(session, created);
        ALIVE.add(created);
        ExecutionListener delegate = session.getRequest().getExecutionListener();
        session.getRequest().setExecutionListener(new CleanupListener(delegate, session, created));
        if (!hookInstalled) {
            hookInstalled = true;
            Runtime.getRuntime().addShutdownHook(new Thread(BuildGroups::terminateAll, "pgroup-shutdown"));
            ClassPreloader.preloadInBackground(
                    List.of(BuildGroups.class, dev.pgroup.core.Group.class, dev.pgroup.Manifest.class));
        }
        return created;
    }

    synchronized void add(ManagedGroup group) {
        groups.add(group);
    }

    synchronized void remove(ManagedGroup group) {
        groups.remove(group);
    }

    /** The group of this project that {@code <group>}/{@code <name>} select. */
    synchronized Optional<ManagedGroup> find(String projectKey, Path dir, String name) {
        return groups.stream()
                .filter(g -> g.projectKey().equals(projectKey) && g.matches(dir, name))
                .findFirst();
    }

    /** The group of this project with this name. */
    synchronized Optional<ManagedGroup> named(String projectKey, String name) {
        return groups.stream()
                .filter(g ->
                        g.projectKey().equals(projectKey) && g.group().name().equals(name))
                .findFirst();
    }

    /** The groups of this project, for error messages. */
    synchronized List<ManagedGroup> ofProject(String projectKey) {
        return groups.stream().filter(g -> g.projectKey().equals(projectKey)).toList();
    }

    /** Terminates the groups left by one project (or all, for null); returns the problems. */
    private List<String> terminate(String projectKey, PrintStream out) {
        List<ManagedGroup> left;
        synchronized (this) {
            left = groups.stream()
                    .filter(g -> projectKey == null || g.projectKey().equals(projectKey))
                    .toList();
            groups.removeAll(left);
        }
        List<String> problems = new ArrayList<>();
        for (ManagedGroup g : left) {
            out.println("[INFO] pgroup: terminating group " + g.group().id()
                    + ", left running by a build that did not reach its stop/terminate goals");
            String problem = g.terminateQuietly();
            if (problem != null) {
                problems.add(problem);
            }
        }
        return problems;
    }

    /**
     * True once the JVM is exiting (Ctrl-C, SIGTERM): the shutdown hook terminates every group, and
     * goals that Maven's main thread still runs meanwhile must leave the groups to it.
     */
    static boolean isShuttingDown() {
        return shuttingDown;
    }

    private static void terminateAll() {
        shuttingDown = true;
        List<BuildGroups> all;
        synchronized (BuildGroups.class) {
            all = List.copyOf(ALIVE);
        }
        for (BuildGroups b : all) {
            try {
                b.terminate(null, System.err).forEach(System.err::println);
            } catch (Throwable t) { // NOPMD: a shutdown hook must not die half-way
                System.err.println("pgroup: cleanup at exit failed: " + t);
            }
        }
    }

    private static synchronized void forget(MavenSession session, BuildGroups groups) {
        BY_SESSION.remove(session);
        ALIVE.remove(groups);
    }

    /** Passes every event on, and cleans up after a failed project and at the end of the session. */
    private static final class CleanupListener extends ForwardingExecutionListener {
        private final MavenSession session;
        private final BuildGroups groups;

        CleanupListener(ExecutionListener delegate, MavenSession session, BuildGroups groups) {
            super(delegate);
            this.session = session;
            this.groups = groups;
        }

        @Override
        public void projectFailed(ExecutionEvent event) {
            groups.terminate(AbstractPGroupMojo.projectKey(event.getProject()), System.out)
                    .forEach(System.out::println);
            super.projectFailed(event);
        }

        @Override
        public void sessionEnded(ExecutionEvent event) {
            try {
                groups.terminate(null, System.out).forEach(System.out::println);
            } finally {
                forget(session, groups);
            }
            super.sessionEnded(event);
        }
    }
}
