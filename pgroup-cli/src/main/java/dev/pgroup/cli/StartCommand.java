package dev.pgroup.cli;

import dev.pgroup.core.Group;
import dev.pgroup.core.PGroupEngine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "start",
        description = {
            "Start a group and wait until every process runs and is ready. The group keeps running"
                    + " after this command exits.",
            "On failure the group is stopped again (files kept) and the failing process's log tail is shown."
        })
final class StartCommand extends EngineCommand {
    @Parameters(paramLabel = "ID", description = "The group id.")
    String id;

    @Option(
            names = "--wait",
            description = "Wait until every process is ready (what start always does; accepted for scripts).")
    boolean waitReady = true;

    @picocli.CommandLine.Mixin
    TimeoutOption timeout = new TimeoutOption();

    @Override
    int run(PGroupEngine engine) {
        Group group = engine.open(id);
        try (Progress ignored = Progress.start(err(), "starting group " + group.id(), timeout.value())) {
            group.start(timeout.value());
        }
        return 0;
    }
}
