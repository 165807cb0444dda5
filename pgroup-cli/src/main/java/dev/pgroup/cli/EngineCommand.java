package dev.pgroup.cli;

import dev.pgroup.core.PGroupEngine;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** A subcommand that works on an engine built from the global options, closed when it is done. */
abstract class EngineCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Override
    public final Integer call() throws Exception {
        try (PGroupEngine engine = main.engine(defaultBaseDir())) {
            return run(engine);
        } finally {
            out().flush();
            err().flush();
        }
    }

    abstract int run(PGroupEngine engine) throws Exception;

    /** The base dir when neither --base-dir nor $PGROUP_BASE_DIR gives one; empty: the engine's default. */
    java.util.Optional<java.nio.file.Path> defaultBaseDir() {
        return java.util.Optional.empty();
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
