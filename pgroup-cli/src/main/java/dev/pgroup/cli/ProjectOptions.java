package dev.pgroup.cli;

import dev.pgroup.core.CreateOptions;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The project a group serves: {{project.dir}}, {{project.build.dir}} and {{project.artifact}}. */
final class ProjectOptions {
    @Option(
            names = "--project-dir",
            paramLabel = "DIR",
            description = "The project for {{project.dir}}. Default: the current directory.")
    Path projectDir;

    @Option(
            names = "--build-dir",
            paramLabel = "DIR",
            description = "For {{project.build.dir}}. Default: target/ of the project dir.")
    Path buildDir;

    @Option(
            names = "--artifact",
            paramLabel = "FILE",
            description = "For {{project.artifact}}: the jar your build made, e.g. target/svc-1.0.jar.")
    Path artifact;

    CreateOptions applyTo(CreateOptions options) {
        Path dir = projectDir != null ? projectDir : Path.of("");
        return options.withProject(dir, buildDir, artifact);
    }
}
