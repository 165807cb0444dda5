package dev.pgroup.cli;

import dev.pgroup.core.Group;
import dev.pgroup.core.PGroupEngine;
import java.time.Duration;
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

    @Option(
            names = "--timeout",
            paramLabel = "DURATION",
            defaultValue = "60s",
            converter = DurationConverter.class,
            description = "How long to wait for readiness: 500ms, 30s, 2m, PT1M. Default: ${DEFAULT-VALUE}.")
    Duration timeout;

    @Override
    int run(PGroupEngine engine) {
        Group group = engine.open(id);
        try (Progress ignored = Progress.start(err(), "starting group " + group.id(), timeout)) {
            group.start(timeout);
        }
        return 0;
    }
}
