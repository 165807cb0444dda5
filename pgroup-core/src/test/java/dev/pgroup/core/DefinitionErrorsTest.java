package dev.pgroup.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.pgroup.core.model.DefinitionException;
import dev.pgroup.core.model.PGroupException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Bad input gets an error naming the file, the line or key and the process, and leaves nothing
 * behind: no group dir, no lease. These tests use a database of their own, so "no lease" can be
 * checked exactly.
 */
class DefinitionErrorsTest extends BadDefinitionFixture {

    private static final String VALID_PROCESS =
            """
            [[process]]
            name = "web"
            command = ["sleep", "60"]
            ports = ["http"]
            """;

    @Test
    void malformedTomlNamesFileAndLine() throws IOException {
        DefinitionException e = createFails("name = \"x\"\n[[process]]\nname = \"web\"\ncommand = [\"sleep\", \n");

        assertThat(e.file()).isEqualTo(definition.resolve("group.toml"));
        assertThat(e.line()).isEqualTo(5);
        assertThat(e.getMessage()).startsWith(definition.resolve("group.toml") + ":5: malformed TOML");
    }

    @Test
    void unknownKeySuggestsTheNearestValidOne() throws IOException {
        DefinitionException e = createFails(VALID_PROCESS + "comand = [\"x\"]\n");

        assertThat(e.line()).isEqualTo(5);
        assertThat(e.process()).contains("web");
        assertThat(e.key()).contains("comand");
        assertThat(e.getMessage()).contains("unknown key").contains("did you mean 'command'?");
    }

    @Test
    void unknownReadyKeySuggestsTheNearestValidOne() throws IOException {
        DefinitionException e = createFails(VALID_PROCESS + "ready = { tpc = \"http\" }\n");

        assertThat(e.key()).contains("ready.tpc");
        assertThat(e.getMessage()).contains("did you mean 'tcp'?");
    }

    @Test
    void duplicateProcessNameNamesBothLines() throws IOException {
        DefinitionException e = createFails(VALID_PROCESS + VALID_PROCESS);

        assertThat(e.line()).isEqualTo(6);
        assertThat(e.process()).contains("web");
        assertThat(e.getMessage()).contains("duplicate process name").contains("line 2");
    }

    @Test
    void processNameWithAPathTrickIsRejected() throws IOException {
        DefinitionException e = createFails("[[process]]\nname = \"../x\"\ncommand = [\"sleep\", \"1\"]\n");

        assertThat(e.line()).isEqualTo(2);
        assertThat(e.key()).contains("name");
        assertThat(e.getMessage()).contains("'../x' must match [a-z][a-z0-9_-]*");
    }

    @Test
    void invalidAndDuplicatePortNamesAreRejected() throws IOException {
        DefinitionException invalid =
                createFails("[[process]]\nname = \"web\"\ncommand = [\"sleep\", \"1\"]\nports = [\"Http Port\"]\n");
        assertThat(invalid.key()).contains("ports");
        assertThat(invalid.getMessage()).contains(":4:").contains("'Http Port' must match");

        DefinitionException duplicate =
                createFails("[[process]]\nname = \"web\"\ncommand = [\"sleep\", \"1\"]\nports = [\"a\", \"a\"]\n");
        assertThat(duplicate.getMessage()).contains("duplicate port name 'a'");
    }

    @Test
    void missingTemplateNamesTheTemplate() throws IOException {
        DefinitionException e = createFails(VALID_PROCESS + "templates = [\"web.conf\"]\n");

        assertThat(e.line()).isEqualTo(5);
        assertThat(e.key()).contains("templates");
        assertThat(e.getMessage()).contains("template 'web.conf' not found");
    }

    @Test
    void templatePathEscapingTheDefinitionDirIsRejected() throws IOException {
        Files.writeString(tmp.resolve("secret.conf"), "x");
        DefinitionException e = createFails(VALID_PROCESS + "templates = [\"../secret.conf\"]\n");

        assertThat(e.getMessage()).contains("'../secret.conf' must be a relative path inside the definition directory");
    }

    @Test
    void templateSymlinkPointingOutsideIsRejected() throws IOException {
        Files.writeString(tmp.resolve("secret.conf"), "x");
        Files.createSymbolicLink(definition.resolve("web.conf"), tmp.resolve("secret.conf"));
        DefinitionException e = createFails(VALID_PROCESS + "templates = [\"web.conf\"]\n");

        assertThat(e.getMessage()).contains("outside the definition directory");
    }

    @Test
    void unknownPlaceholderInATemplateNamesTemplateFileAndLine() throws IOException {
        Files.writeString(definition.resolve("web.conf"), "listen 127.0.0.1\nport {{port.htp}}\n");
        DefinitionException e = createFails(VALID_PROCESS + "templates = [\"web.conf\"]\n");

        assertThat(e.file()).isEqualTo(definition.toRealPath().resolve("web.conf"));
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.process()).contains("web");
        assertThat(e.getMessage()).contains("unknown placeholder {{port.htp}}").contains("did you mean {{port.http}}?");
    }

    @Test
    void unknownPlaceholderInTheCommandNamesTheKey() throws IOException {
        DefinitionException e =
                createFails("[[process]]\nname = \"web\"\ncommand = [\"sleep\", \"{{ports.db.main}}\"]\n");

        assertThat(e.line()).isEqualTo(3);
        assertThat(e.key()).contains("command[1]");
        assertThat(e.getMessage()).contains("unknown placeholder {{ports.db.main}}");
    }

    @Test
    void escapedBracesStayLiteral() throws IOException {
        Files.writeString(definition.resolve("web.conf"), "template \\{{ not a placeholder }}\nport {{port.http}}\n");
        Files.writeString(definition.resolve("group.toml"), VALID_PROCESS + "templates = [\"web.conf\"]\n");

        try (Group group = engine.create(definition)) {
            assertThat(Files.readString(group.directory().resolve("web/web.conf")))
                    .isEqualTo("template {{ not a placeholder }}\nport " + group.port("web", "http") + "\n");
        }
    }

    @Test
    void emptyCommandIsRejected() throws IOException {
        DefinitionException e = createFails("[[process]]\nname = \"web\"\ncommand = []\n");

        assertThat(e.line()).isEqualTo(3);
        assertThat(e.key()).contains("command");
        assertThat(e.getMessage()).contains("must not be empty");
    }

    @Test
    void binaryNotFoundNamesProgramAndPath() throws IOException {
        DefinitionException e = createFails("[[process]]\nname = \"web\"\ncommand = [\"no-such-program-pgroup\"]\n");

        assertThat(e.line()).isEqualTo(3);
        assertThat(e.key()).contains("command[0]");
        assertThat(e.getMessage()).contains("program 'no-such-program-pgroup' not found on PATH");
    }

    @Test
    void afterNamingAnUnknownProcessIsRejected() throws IOException {
        DefinitionException e = createFails(VALID_PROCESS + "after = [\"wbe\"]\n");

        assertThat(e.key()).contains("after");
        assertThat(e.getMessage()).contains("unknown process 'wbe'; did you mean 'web'?");
    }

    @Test
    void afterFormingACycleShowsTheCycle() throws IOException {
        DefinitionException e = createFails(
                """
                [[process]]
                name = "a"
                command = ["sleep", "1"]
                after = ["b"]
                [[process]]
                name = "b"
                command = ["sleep", "1"]
                after = ["a"]
                """);

        assertThat(e.getMessage()).contains("cycle: a -> b -> a");
        assertThat(e.line()).isEqualTo(4);
    }

    @Test
    void runitNotInstalledSaysHowToInstallIt() throws IOException {
        Files.writeString(definition.resolve("group.toml"), VALID_PROCESS);
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("PATH", tmp.resolve("empty-bin").toString());

        try (PGroupEngine noRunit = PGroupEngine.builder()
                .baseDir(base)
                .database(tmp.resolve("db/leases.db"))
                .environment(env)
                .build()) {
            PGroupException e = catchThrowableOfType(PGroupException.class, () -> noRunit.create(definition));
            assertThat(e.getMessage()).contains("runit is not installed").contains("apt-get install runit");
        }
    }

    @Test
    void perlNotInstalledIsAsClearAsRunitNotInstalled() throws IOException {
        Files.writeString(definition.resolve("group.toml"), VALID_PROCESS);
        // runit and the process's program, but no perl
        Path bin = Files.createDirectories(tmp.resolve("bin-without-perl"));
        for (String program : List.of("runsvdir", "runsv", "sv", "svlogd", "sleep")) {
            Path real = dev.pgroup.core.internal.os.Executables.find(program, System.getenv("PATH"))
                    .orElseThrow();
            Files.createSymbolicLink(bin.resolve(program), real);
        }
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("PATH", bin.toString());

        try (PGroupEngine noPerl = PGroupEngine.builder()
                .baseDir(base)
                .database(tmp.resolve("db/leases.db"))
                .environment(env)
                .build()) {
            PGroupException e = catchThrowableOfType(PGroupException.class, () -> noPerl.create(definition));
            assertThat(e.getMessage()).contains("perl is not installed").contains("apt-get install perl");
        }
    }

    @Test
    void unwritableBaseDirIsAClearError() throws IOException {
        Files.writeString(definition.resolve("group.toml"), VALID_PROCESS);
        Path aFile = Files.writeString(tmp.resolve("not-a-dir"), "");
        Path impossible = aFile.resolve("base");

        try (PGroupEngine broken = PGroupEngine.builder()
                .baseDir(impossible)
                .database(tmp.resolve("db/leases.db"))
                .build()) {
            PGroupException e = catchThrowableOfType(PGroupException.class, () -> broken.create(definition));
            assertThat(e.getMessage()).contains("cannot create the base dir " + impossible);
        }
    }

    @Test
    void readOnlyBaseDirIsAClearError() throws IOException {
        Files.writeString(definition.resolve("group.toml"), VALID_PROCESS);
        Path readOnly = Files.createDirectories(tmp.resolve("ro"));
        readOnly.toFile().setWritable(false, false);
        org.junit.jupiter.api.Assumptions.assumeFalse(
                Files.isWritable(readOnly), "root ignores permissions; the not-a-directory case covers it");

        try (PGroupEngine broken = PGroupEngine.builder()
                .baseDir(readOnly)
                .database(tmp.resolve("db/leases.db"))
                .build()) {
            PGroupException e = catchThrowableOfType(PGroupException.class, () -> broken.create(definition));
            assertThat(e.getMessage()).contains(readOnly.toString()).contains("permission denied");
        }
    }

    // Names that map to one exported variable (issue 9, item 16)

    @Test
    void processNamesThatDifferOnlyInDashAndUnderscoreAreRejectedNamingBoth() throws IOException {
        DefinitionException e = createFails(
                """
                [[process]]
                name = "web-api"
                command = ["sleep", "60"]
                ports = ["main"]
                [[process]]
                name = "web_api"
                command = ["sleep", "60"]
                ports = ["main"]
                """);

        assertThat(e.line()).isEqualTo(8);
        assertThat(e.process()).contains("web_api");
        assertThat(e.key()).contains("ports");
        assertThat(e.getMessage())
                .contains("PGROUP_WEB_API_MAIN_PORT")
                .contains("port 'main' of process \"web-api\" (line 4)");
    }

    @Test
    void aPortNameThatEndsAnotherProcessNameIsRejectedNamingBoth() throws IOException {
        DefinitionException e = createFails(
                """
                [[process]]
                name = "web-api"
                command = ["sleep", "60"]
                ports = ["main"]
                [[process]]
                name = "web"
                command = ["sleep", "60"]
                ports = ["api-main"]
                """);

        assertThat(e.line()).isEqualTo(8);
        assertThat(e.process()).contains("web");
        assertThat(e.getMessage())
                .contains("port 'api-main' of process \"web\" would be exported as PGROUP_WEB_API_MAIN_PORT")
                .contains("port 'main' of process \"web-api\" (line 4)");
    }

    // Errors that named no file, line or key (item 17)

    @Test
    void aTemplateWithPlaceholdersThatIsNotUtf8NamesTheTemplateAndLine() throws IOException {
        Files.write(definition.resolve("web.conf"), new byte[] {
            'a',
            '\n',
            'p',
            '{',
            '{',
            'p',
            'o',
            'r',
            't',
            '.',
            'h',
            't',
            't',
            'p',
            '}',
            '}',
            '\n',
            'x',
            (byte) 0xff,
            '\n'
        });
        DefinitionException e = createFails(VALID_PROCESS + "templates = [\"web.conf\"]\n");

        assertThat(e.file()).isEqualTo(definition.toRealPath().resolve("web.conf"));
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.process()).contains("web");
        assertThat(e.key()).contains("templates");
        assertThat(e.getMessage()).contains("is not UTF-8 text (byte 0xff").contains("files = [...]");
    }

    @Test
    void aWorkdirNamedLikeARunitFileIsRejected() throws IOException {
        DefinitionException e = createFails(VALID_PROCESS + "workdir = \"run\"\n");

        assertThat(e.file()).isEqualTo(definition.resolve("group.toml"));
        assertThat(e.line()).isEqualTo(5);
        assertThat(e.process()).contains("web");
        assertThat(e.key()).contains("workdir");
        assertThat(e.getMessage()).contains("'run' would take the place of runit's 'run'");
    }

    @Test
    void aWorkdirNamedLikeATemplateIsRejected() throws IOException {
        Files.writeString(definition.resolve("web.conf"), "x\n");
        DefinitionException e =
                createFails(VALID_PROCESS + "templates = [\"web.conf\"]\nworkdir = \"web.conf/data\"\n");

        assertThat(e.line()).isEqualTo(6);
        assertThat(e.key()).contains("workdir");
        assertThat(e.getMessage()).contains("where the template 'web.conf' is written");
    }

    @Test
    void aReadyHttpPathThatIsNoUrlIsRejectedAtCreate() throws IOException {
        DefinitionException e = createFails(VALID_PROCESS + "ready = { http = \"http:/a b\" }\n");

        assertThat(e.line()).isEqualTo(5);
        assertThat(e.process()).contains("web");
        assertThat(e.key()).contains("ready.http");
        assertThat(e.getMessage()).contains("'/a b' is not a valid URL path").contains("%20");
    }

    @Test
    void aCycleThroughFiveThousandProcessesIsReportedNotAStackOverflow() throws IOException {
        DefinitionException e = createFails(chain(5000, true));

        assertThat(e.key()).contains("after");
        assertThat(e.getMessage())
                .contains("processes wait for each other in a cycle: p0 -> p1 -> p2")
                .contains("(4991 more)");
        assertThat(e.getMessage().length()).as("a short message").isLessThan(500);
    }

    @Test
    void aChainOfFiveThousandProcessesParses() throws IOException {
        Files.writeString(definition.resolve("group.toml"), chain(5000, false));

        assertThat(dev.pgroup.core.internal.definition.DefinitionParser.parse(definition, null)
                        .processes())
                .hasSize(5000);
    }

    /** p0 waits for p1, p1 for p2, ...; with {@code cycle} the last waits for p0. */
    private static String chain(int n, boolean cycle) {
        StringBuilder toml = new StringBuilder();
        for (int i = 0; i < n; i++) {
            toml.append("[[process]]\nname = \"p").append(i).append("\"\ncommand = [\"sleep\", \"1\"]\n");
            if (i + 1 < n) {
                toml.append("after = [\"p").append(i + 1).append("\"]\n");
            } else if (cycle) {
                toml.append("after = [\"p0\"]\n");
            }
        }
        return toml.toString();
    }

    @Test
    void aReadyCommandProgramNotOnPathIsRejectedAtCreate() throws IOException {
        DefinitionException e =
                createFails(VALID_PROCESS + "ready = { command = [\"no-such-check-pgroup\", \"x\"] }\n");

        assertThat(e.line()).isEqualTo(5);
        assertThat(e.process()).contains("web");
        assertThat(e.key()).contains("ready.command[0]");
        assertThat(e.getMessage()).contains("program 'no-such-check-pgroup' not found on PATH");
    }

    @Test
    void aRelativeReadyCommandProgramThatDoesNotExistIsRejectedAtCreate() throws IOException {
        DefinitionException e = createFails(VALID_PROCESS + "ready = { command = [\"./check.sh\"] }\n");

        assertThat(e.line()).isEqualTo(5);
        assertThat(e.key()).contains("ready.command[0]");
        assertThat(e.getMessage()).contains("check.sh does not exist or is not executable");
    }

    // NUL bytes (item 19)

    @Test
    void aNulInACommandArgumentIsRejected() throws IOException {
        DefinitionException e = createFails("[[process]]\nname = \"web\"\ncommand = [\"sleep\", \"6\\u00000\"]\n");

        assertThat(e.line()).isEqualTo(3);
        assertThat(e.process()).contains("web");
        assertThat(e.key()).contains("command[1]");
        assertThat(e.getMessage()).contains("contains a NUL character");
    }

    @Test
    void aNulInAnEnvValueIsRejected() throws IOException {
        DefinitionException e = createFails(VALID_PROCESS + "env = { TOKEN = \"a\\u0000b\" }\n");

        assertThat(e.line()).isEqualTo(5);
        assertThat(e.process()).contains("web");
        assertThat(e.key()).contains("env.TOKEN");
        assertThat(e.getMessage()).contains("contains a NUL character");
    }

    @Test
    void aNulInAGroupEnvValueIsRejected() throws IOException {
        DefinitionException e = createFails("env = { TOKEN = \"a\\u0000b\" }\n" + VALID_PROCESS);

        assertThat(e.line()).isEqualTo(1);
        assertThat(e.key()).contains("env.TOKEN");
        assertThat(e.getMessage()).contains("contains a NUL character");
    }

    // workdir outside the process dir (item 20)

    @Test
    void aRelativeWorkdirThatLeavesTheProcessDirIsRejected() throws IOException {
        DefinitionException e = createFails(VALID_PROCESS + "workdir = \"../../../../../../etc\"\n");

        assertThat(e.line()).isEqualTo(5);
        assertThat(e.process()).contains("web");
        assertThat(e.key()).contains("workdir");
        assertThat(e.getMessage()).contains("leaves the process directory");
    }

    // files = [...] (item 18)

    @Test
    void aFileListedBothAsTemplateAndAsFileIsRejected() throws IOException {
        Files.writeString(definition.resolve("web.conf"), "x\n");
        DefinitionException e = createFails(VALID_PROCESS + "templates = [\"web.conf\"]\nfiles = [\"./web.conf\"]\n");

        assertThat(e.line()).isEqualTo(6);
        assertThat(e.key()).contains("files");
        assertThat(e.getMessage()).contains("already written to the process directory as a template");
    }

    @Test
    void aFileSymlinkPointingOutsideIsRejected() throws IOException {
        Files.writeString(tmp.resolve("secret.bin"), "x");
        Files.createSymbolicLink(definition.resolve("data.bin"), tmp.resolve("secret.bin"));
        DefinitionException e = createFails(VALID_PROCESS + "files = [\"data.bin\"]\n");

        assertThat(e.key()).contains("files");
        assertThat(e.getMessage()).contains("outside the definition directory");
    }

    @Test
    void aFilePathLeavingTheDefinitionDirIsRejected() throws IOException {
        Files.writeString(tmp.resolve("secret.bin"), "x");
        DefinitionException e = createFails(VALID_PROCESS + "files = [\"../secret.bin\"]\n");

        assertThat(e.key()).contains("files");
        assertThat(e.getMessage()).contains("must be a relative path inside the definition directory");
    }

    @Test
    void aOneShotExitStatusOutOfRangeNamesTheKey() throws Exception {
        DefinitionException e = createFails(VALID_PROCESS + "ready = { exit = 300 }\n");

        assertThat(e.key()).contains("ready.exit");
        assertThat(e.process()).contains("web");
        assertThat(e.getMessage()).contains("exit status from 0 to 255");
    }

    @Test
    void aOneShotStepThatRunitWouldRestartIsRejected() throws Exception {
        DefinitionException e = createFails(VALID_PROCESS + "ready = { exit = 0 }\nrestart = \"always\"\n");

        assertThat(e.key()).contains("restart");
        assertThat(e.process()).contains("web");
        assertThat(e.getMessage()).contains("must be \"never\"");
    }

    @Test
    void aDefinitionErrorIsReportedWithoutRunitInstalled() throws IOException {
        Path emptyPath = Files.createDirectories(tmp.resolve("no-programs"));
        Files.writeString(definition.resolve("group.toml"), VALID_PROCESS + "comand = [\"x\"]\n");
        try (PGroupEngine withoutRunit = PGroupEngine.builder()
                .baseDir(base)
                .database(tmp.resolve("db/leases.db"))
                .environment(Map.of("PATH", emptyPath.toString()))
                .build()) {
            // The definition is parsed before runit is looked for: a TOML mistake needs no runit.
            DefinitionException e =
                    catchThrowableOfType(DefinitionException.class, () -> withoutRunit.create(definition));

            assertThat(e).isNotNull();
            assertThat(e.key()).contains("comand");
            assertThat(e.getMessage()).doesNotContain("runit is not installed");
        }
    }
}
