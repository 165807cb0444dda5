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
            "Detached groups that run are left alone. Seeds no group has used for a week are removed too.",
            "With --seeds, only seeds are pruned: those unused for --unused-for (default 7d)."
        })
final class PruneCommand extends EngineCommand {
    @picocli.CommandLine.Option(
            names = "--only-base-dir",
            description = "Prune only the groups in the base dir (--base-dir), e.g. one project's target/pgroup,"
                    + " not every group of the user.")
    boolean onlyBaseDir;

    @picocli.CommandLine.Option(
            names = "--seeds",
            description = "Prune only the cached seeds (see 'list --seeds') that no group has used for --unused-for,"
                    + " with their copies made ahead in the base dir.")
    boolean seeds;

    @picocli.CommandLine.Option(
            names = "--unused-for",
            converter = DurationConverter.class,
            paramLabel = "<duration>",
            description =
                    "With --seeds: how long a seed must have gone unused, e.g. 1h or 2d (at least 1m; default 7d).")
    java.time.Duration unusedFor = PGroupEngine.DEFAULT_SEED_AGE;

    @Override
    int run(PGroupEngine engine) {
        PruneReport report =
                seeds ? engine.pruneSeeds(unusedFor) : onlyBaseDir ? engine.pruneBaseDir() : engine.prune();
        if (report.isEmpty()) {
            System.out.println("nothing to prune");
        }
        report.actions().forEach(System.out::println);
        // A line saying "could not ..." is a cleanup that failed: the caller should know.
        return report.actions().stream().anyMatch(a -> a.startsWith("could not")) ? 1 : 0;
    }
}
