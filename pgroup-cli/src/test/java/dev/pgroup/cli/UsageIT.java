package dev.pgroup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Exit codes and messages when the command line or the id is wrong. */
class UsageIT {
    private Cli cli;

    @BeforeEach
    void setUp() throws Exception {
        cli = new Cli();
    }

    @AfterEach
    void tearDown() {
        cli.close();
    }

    @Test
    void helpListsTheCommandsAndTheExitCodes() throws Exception {
        Cli.Result r = cli.pgroup("--help");

        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("create", "start", "status", "stop", "terminate", "list", "logs", "env", "up");
        assertThat(r.out()).containsPattern("Exit codes:\\s+0\\s+success\\s+1\\s+the operation failed");
        assertThat(r.out()).containsPattern("2\\s+usage error");
    }

    @Test
    void everySubcommandTakesHelpEvenWithoutItsRequiredArguments() throws Exception {
        for (String command : java.util.List.of(
                "create", "start", "status", "stop", "terminate", "list", "logs", "env", "up", "prune")) {
            // -h for one, --help for the others: each call is a JVM start.
            String help = command.equals("up") ? "-h" : "--help";
            Cli.Result r = cli.pgroup(command, help);

            assertThat(r.exitCode()).as(command + " " + help + ": " + r).isZero();
            assertThat(r.out()).as(command + " " + help).contains("Usage: pgroup " + command);
        }
    }

    @Test
    void theLauncherWorksThroughASymlinkOnPath() throws Exception {
        java.nio.file.Path bin = cli.root.resolve("bin");
        java.nio.file.Files.createDirectories(bin);
        java.nio.file.Files.createSymbolicLink(bin.resolve("pgroup"), Cli.LAUNCHER);
        java.nio.file.Path script = cli.root.resolve("on-path.sh");
        java.nio.file.Files.writeString(script, "PATH=" + bin + ":$PATH; cd /; pgroup --version\n");

        Cli.Result r = cli.sh(script);

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).startsWith("pgroup ");
    }

    @Test
    void anUnknownCommandIsAUsageError() throws Exception {
        Cli.Result r = cli.pgroup("frobnicate");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("Unmatched argument", "frobnicate", "Usage: pgroup");
    }

    @Test
    void aMissingIdIsAUsageError() throws Exception {
        Cli.Result r = cli.pgroup("start");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("Missing required parameter: 'ID'", "Usage: pgroup start");
    }

    @Test
    void aBadTimeoutIsAUsageErrorNamingTheValue() throws Exception {
        Cli.Result r = cli.pgroup("start", "cache-x-abc", "--timeout", "soon");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("'soon' is not a duration", "Usage: pgroup start");
    }

    @Test
    void anUnknownIdFailsWithTheEnginesMessageAndNoStackTrace() throws Exception {
        for (String command : new String[] {"status", "start", "stop", "terminate", "env", "logs"}) {
            Cli.Result r = cli.pgroup(command, "cache-nowhere-000000");

            assertThat(r.exitCode()).as(command + ": " + r).isEqualTo(1);
            assertThat(r.err())
                    .as(command)
                    .startsWith("pgroup: no group 'cache-nowhere-000000' on this machine")
                    .contains(cli.baseDir.toString())
                    .doesNotContain("\tat ", "Exception");
            assertThat(r.out()).as(command).isEmpty();
        }
    }

    @Test
    void verboseAddsTheStackTrace() throws Exception {
        Cli.Result r = cli.pgroup("status", "--verbose", "cache-nowhere-000000");

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("PGroupException", "\tat dev.pgroup.");
    }

    @Test
    void aBrokenDefinitionFailsWithItsFileAndLine() throws Exception {
        java.nio.file.Path def = cli.root.resolve("broken");
        java.nio.file.Files.createDirectories(def);
        java.nio.file.Files.writeString(def.resolve("group.toml"), "name = \"broken\"\n[[process]]\nname = \"x\"\n");

        Cli.Result r = cli.pgroup("create", def.toString());

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).startsWith("pgroup: " + def.resolve("group.toml")).doesNotContain("\tat ");
        assertThat(cli.baseDir.toFile().list()).isNullOrEmpty();
    }

    @Test
    void aBadNameIsAUsageErrorOfTheNameOptionNotOfGroupToml() throws Exception {
        for (String command : new String[] {"create", "up"}) {
            Cli.Result r = cli.pgroup(command, Cli.definition("redis-single").toString(), "--name", "Bad Name");

            assertThat(r.exitCode()).as(command + ": " + r).isEqualTo(2);
            String message = r.err().lines().findFirst().orElse("");
            assertThat(message)
                    .as(command)
                    .startsWith("Invalid value for option '--name': the group name 'Bad Name' given in the create"
                            + " options must match")
                    .doesNotContain("group.toml");
            assertThat(r.err()).as(command).contains("Usage: pgroup " + command);
            assertThat(cli.baseDir.toFile().list()).as(command).isNullOrEmpty();
        }
    }
}
