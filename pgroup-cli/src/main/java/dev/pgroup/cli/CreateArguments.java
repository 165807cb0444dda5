package dev.pgroup.cli;

import dev.pgroup.core.CreateOptions;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** What the commands that create a group ({@code create}, {@code up}) take besides DIR: a name and a project. */
final class CreateArguments {
    @Option(names = "--name", paramLabel = "NAME", description = "A group name instead of the one in group.toml.")
    String name;

    @Mixin
    ProjectOptions project = new ProjectOptions();

    /**
     * The create options these arguments give; a bad {@code --name} is a usage error that names the
     * option, not group.toml.
     */
    CreateOptions options(CommandSpec spec) {
        CreateOptions named;
        try {
            named = CreateOptions.defaults().withName(name);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '--name': " + e.getMessage());
        }
        return project.applyTo(named);
    }
}
