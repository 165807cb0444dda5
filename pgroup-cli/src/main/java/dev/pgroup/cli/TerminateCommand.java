package dev.pgroup.cli;

import dev.pgroup.core.PGroupEngine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
        name = "terminate",
        description = {
            "Stop a group if it runs, release its ports and delete its directory.",
            "A group whose directory is gone (mvn clean of a kept group) is stopped if it still runs and"
                    + " forgotten, its ports released."
        })
final class TerminateCommand extends EngineCommand {
    @Parameters(paramLabel = "ID", description = "The group id.")
    String id;

    @Override
    int run(PGroupEngine engine) {
        engine.terminate(id);
        return 0;
    }
}
