package dev.pgroup.cli;

import dev.pgroup.core.Group;
import dev.pgroup.core.PGroupEngine;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "create",
        description = {
            "Create a group from DIR/group.toml: render its files, lease its ports, write its runit"
                    + " service dirs. Nothing runs yet. Prints the group id.",
            "The group is detached: it outlives this command and is found by id later."
        })
final class CreateCommand extends EngineCommand {
    @Parameters(paramLabel = "DIR", description = "The group definition directory (holds group.toml).")
    Path definition;

    @picocli.CommandLine.Mixin
    CreateArguments create = new CreateArguments();

    @Option(
            names = "--detach",
            description = "Make the group outlive this command (always so for create; accepted for scripts).")
    boolean detach = true;

    @Override
    int run(PGroupEngine engine) {
        // A group owned by this short-lived JVM would count as abandoned the moment it exits.
        Group group = engine.create(definition, create.options(spec).withDetached(true));
        out().println(group.id());
        return 0;
    }
}
