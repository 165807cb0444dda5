package dev.pgroup.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
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
}
