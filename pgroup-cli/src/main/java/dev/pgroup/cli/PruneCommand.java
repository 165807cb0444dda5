package dev.pgroup.cli;

import dev.pgroup.core.PGroupEngine;
import dev.pgroup.core.PruneReport;
import picocli.CommandLine.Command;

@Command(
        name = "prune",
        description = {
            "Clean up what crashed builds and killed owners left behind, and say what was done:",
            "groups whose owner JVM is dead (processes stopped, ports released, files deleted),",
            "runsv processes orphaned by a dead runsvdir, leases and directories of unknown groups.",
            "Detached groups that run are left alone."
        })
final class PruneCommand extends EngineCommand {
    @picocli.CommandLine.Option(
            names = "--only-base-dir",
            description = "Prune only the groups in the base dir (--base-dir), e.g. one project's target/pgroup,"
                    + " not every group of the user.")
    boolean onlyBaseDir;

    @Override
    int run(PGroupEngine engine) {
        PruneReport report = onlyBaseDir ? engine.pruneBaseDir() : engine.prune();
        if (report.isEmpty()) {
            System.out.println("nothing to prune");
        }
        report.actions().forEach(System.out::println);
        // A line saying "could not ..." is a cleanup that failed: the caller should know.
        return report.actions().stream().anyMatch(a -> a.startsWith("could not")) ? 1 : 0;
    }
}
