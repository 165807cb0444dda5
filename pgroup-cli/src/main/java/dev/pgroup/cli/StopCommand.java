package dev.pgroup.cli;

import dev.pgroup.core.PGroupEngine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
        name = "stop",
        description = "Stop every process of a group and wait until they are gone. Files and ports stay:"
                + " 'start' works again, 'logs' still reads the logs.")
final class StopCommand extends EngineCommand {
    @Parameters(paramLabel = "ID", description = "The group id.")
    String id;

    @Override
    int run(PGroupEngine engine) {
        engine.open(id).stop();
        return 0;
    }
}
