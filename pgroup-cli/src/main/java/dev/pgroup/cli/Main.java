package dev.pgroup.cli;

import dev.pgroup.core.PGroupEngine;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** The {@code pgroup} command: the entry point and the options every subcommand shares. */
@Command(
        name = "pgroup",
        mixinStandardHelpOptions = true,
        // Every subcommand takes -h/--help (and -V/--version) too: `pgroup up --help` must not fail
        // with "Missing required parameter".
        scope = ScopeType.INHERIT,
        versionProvider = Main.Version.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "Groups of real processes (redis-server, web servers, your own jars) supervised by runit,"
                    + " with ports leased so that nothing clashes.",
            "",
            "Groups made by 'create' outlive this command: start, inspect, stop and terminate them"
                    + " by id from any shell. 'up' runs a group in the foreground until Ctrl-C."
        },
        subcommands = {
            CreateCommand.class,
            StartCommand.class,
            StatusCommand.class,
            StopCommand.class,
            TerminateCommand.class,
            ListCommand.class,
            LogsCommand.class,
            EnvCommand.class,
            UpCommand.class,
            PruneCommand.class,
            CommandLine.HelpCommand.class
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success",
            "1:the operation failed; the message says why (--verbose adds the stack trace)",
            "2:usage error: unknown command or option, missing or bad argument",
            "130:interrupted (Ctrl-C)"
        },
        footerHeading = "%nEnvironment:%n",
        footer = {
            "  PGROUP_BASE_DIR    default for --base-dir",
            "  PGROUP_DATABASE    default for --database",
            "  PGROUP_PORT_RANGE  ports to lease from, e.g. 20000-24999 (default: 20000 up to the ephemeral range)",
            "  PGROUP_JAVA_OPTS   extra JVM options for the launcher",
            "  JAVA_HOME          the Java to run (else java on PATH)"
        })
public final class Main implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(
            names = "--base-dir",
            paramLabel = "DIR",
            scope = ScopeType.INHERIT,
            description = "Where group directories are created; must be yours alone (not writable by others, no"
                    + " symlink). Default: $PGROUP_BASE_DIR, else $XDG_RUNTIME_DIR/pgroup, else <tmp>/pgroup-<user>.")
    Path baseDir;

    @Option(
            names = "--database",
            paramLabel = "FILE",
            scope = ScopeType.INHERIT,
            description = "The per-user database of port leases and groups."
                    + " Default: $PGROUP_DATABASE, else ~/.pgroup/pgroup.db.")
    Path database;

    @Option(
            names = {"-v", "--verbose"},
            scope = ScopeType.INHERIT,
            description = "Print the stack trace of a failure.")
    boolean verbose;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code. */
    static int run(String... args) {
        CommandLine cl = commandLine();
        return cl.execute(args);
    }

    static CommandLine commandLine() {
        Main main = new Main();
        CommandLine cl = new CommandLine(main);
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            err.println("pgroup: " + Errors.message(e));
            if (main.verbose) {
                e.printStackTrace(err);
            }
            err.flush();
            return CommandLine.ExitCode.SOFTWARE;
        });
        // Every usage error shows the usage of the command it concerns, also after a suggestion.
        cl.setParameterExceptionHandler((e, args) -> {
            CommandLine c = e.getCommandLine();
            PrintWriter err = c.getErr();
            err.println(e.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
            c.usage(err);
            err.flush();
            return c.getCommandSpec().exitCodeOnInvalidInput();
        });
        return cl;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command");
    }

    /**
     * An engine with the global options; the database opens only when a command needs it.
     *
     * @param commandBaseDir the command's own default base dir, used when neither --base-dir nor
     *     $PGROUP_BASE_DIR is set
     */
    PGroupEngine engine(java.util.Optional<Path> commandBaseDir) {
        PGroupEngine.Builder b = PGroupEngine.builder();
        String fromEnvironment = System.getenv("PGROUP_BASE_DIR");
        if (baseDir != null) {
            b.baseDir(baseDir);
        } else if (fromEnvironment == null || fromEnvironment.isBlank()) {
            commandBaseDir.ifPresent(b::baseDir);
        }
        if (database != null) {
            b.database(database);
        }
        return b.build();
    }

    /** The version from the jar's build. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            }
            return new String[] {"pgroup " + p.getProperty("version", "(unknown version)")};
        }
    }
}
