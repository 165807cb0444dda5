package dev.pgroup.maven;

import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.MojoExecution;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

/**
 * A goal around the integration tests (create, start, stop, terminate): it skips when the tests do
 * not run, as failsafe does, and in pom-packaged projects.
 */
public abstract class AbstractLifecycleMojo extends AbstractGroupMojo {

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
     * Maven's switch for running no tests (they are still compiled). failsafe honours it, and so do
     * the pgroup goals: there is no point in starting a group for tests that will not run.
     */
    @Parameter(property = PropertyNames.SKIP_TESTS, defaultValue = "false")
    private boolean skipTests;

    /**
     * Skips the goals in a project packaged as {@code pom}: a parent or aggregator that declares the
     * plugin in {@code <plugins>} for its modules has no group of its own (as docker-maven-plugin's
     * {@code skipPom}). Set it to {@code false} for a pom project that does have a group.
     */
    @Parameter(property = PropertyNames.SKIP_POM, defaultValue = "true")
    private boolean skipPom;

    protected AbstractLifecycleMojo(MavenProject project, MavenSession session, MojoExecution mojoExecution) {
        super(project, session, mojoExecution);
    }

    @Override
    protected String skipReason() {
        String skip = super.skipReason();
        if (skip != null) {
            return skip;
        }
        if (skipITs) {
            return PropertyNames.SKIP_ITS + " is true: integration tests do not run";
        }
        if (mavenTestSkip) {
            return PropertyNames.MAVEN_TEST_SKIP + " is true: tests do not run";
        }
        if (skipTests) {
            return PropertyNames.SKIP_TESTS + " is true: tests do not run";
        }
        if (skipPom && "pom".equals(project().getPackaging())) {
            return "the project is packaged as pom (a parent or aggregator); set " + PropertyNames.SKIP_POM
                    + "=false if it has a group of its own";
        }
        return null;
    }
}
