package dev.pgroup.core;

/**
 * Choices made when a group is created.
 *
 * @param name a group name instead of the one in {@code group.toml}, or null to keep it
 * @param detached true for a group that outlives the JVM that created it (the CLI, production);
 *     its ports are never reclaimed as the leases of a dead owner
 * @param projectDir the project the group serves, for {@code {{project.dir}}}: the Maven project's
 *     basedir, else the current directory
 * @param projectBuildDir for {@code {{project.build.dir}}}: Maven's build directory, else {@code
 *     <projectDir>/target}
 * @param projectArtifact for {@code {{project.artifact}}}: the jar the project's build made (the
 *     Maven plugin passes the one {@code package} made), or null when there is none
 */
public record CreateOptions(
        String name,
        boolean detached,
        java.nio.file.Path projectDir,
        java.nio.file.Path projectBuildDir,
        java.nio.file.Path projectArtifact) {

    /**
     * @throws IllegalArgumentException when {@code name} is not a valid group name; the message says
     *     the name came from the create options, not from {@code group.toml}
     */
    public CreateOptions {
        if (name != null && !dev.pgroup.core.internal.definition.Names.isValid(name)) {
            throw new IllegalArgumentException("the group name '" + name + "' given in the create options "
                    + dev.pgroup.core.internal.definition.Names.RULE);
        }
    }

    /**
     * Keep the definition's name; the group belongs to this JVM; the project is the current
     * directory, built into its {@code target/}, with no artifact.
     */
    public static CreateOptions defaults() {
        java.nio.file.Path here = java.nio.file.Path.of("").toAbsolutePath();
        return new CreateOptions(null, false, here, here.resolve("target"), null);
    }

    public CreateOptions withName(String newName) {
        return new CreateOptions(newName, detached, projectDir, projectBuildDir, projectArtifact);
    }

    public CreateOptions withDetached(boolean newDetached) {
        return new CreateOptions(name, newDetached, projectDir, projectBuildDir, projectArtifact);
    }

    /**
     * The project whose build the group serves: its dir, its build dir ({@code dir/target} when
     * null) and the artifact its build made (null: none).
     */
    public CreateOptions withProject(java.nio.file.Path dir, java.nio.file.Path buildDir, java.nio.file.Path artifact) {
        java.nio.file.Path d = dir.toAbsolutePath().normalize();
        return new CreateOptions(
                name,
                detached,
                d,
                buildDir == null
                        ? d.resolve("target")
                        : buildDir.toAbsolutePath().normalize(),
                artifact == null ? null : artifact.toAbsolutePath().normalize());
    }
}
