package dev.pgroup.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgroup.core.internal.definition.DefinitionParser;
import dev.pgroup.core.internal.definition.GroupDefinition;
import dev.pgroup.core.model.DefinitionException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The keys a {@link GroupSpec} gained to match {@code group.toml}: templates, files, listen, user,
 * seed and the container keys. Each is the same definition as the directory's, and runs.
 */
@ExtendWith(GroupsExtension.class)
class GroupSpecKeysTest {
    private static final Duration START = Groups.START_TIMEOUT;

    @TempDir
    Path tmp;

    @Test
    void aSpecWithEveryNewKeyGivesTheDefinitionOfTheSameTomlDir() throws IOException {
        Path sources = Files.createDirectories(tmp.resolve("sources"));
        Path conf = Files.writeString(sources.resolve("app.conf"), "port {{port.main}}\n");
        Path blob = Files.writeString(sources.resolve("blob.bin"), "{{ not a placeholder }}\n");
        Path seedScript = Files.writeString(sources.resolve("seed.sh"), "mkdir \"$1/data\"\n");
        Path fixtures = Files.createDirectories(sources.resolve("fixtures"));
        Files.writeString(fixtures.resolve("one.sql"), "select 1;\n");
        GroupSpec spec = GroupSpec.named("every")
                .engine("podman")
                .process("app", p -> p.command("sh", "-c", "exec sleep 60")
                        .ports("main", "admin")
                        .templates(conf)
                        .template("conf/extra.conf", "admin {{port.admin}}\n")
                        .files(blob)
                        .listen("main")
                        .listenProtocol("stdin")
                        .user("nobody")
                        .seed(SeedSpec.command("sh", "{{definition.dir}}/seed.sh", "{{seed.dir}}")
                                .inputs(seedScript, fixtures)
                                .timeout(Duration.ofMinutes(2))))
                .process("box", p -> p.image("pgroup-test/redis:7")
                        .ports("main")
                        .publish("main", 6379)
                        .engine("docker")
                        .pull(true)
                        .readyTcp("main"))
                .process("idle", p -> p.image("pgroup-test/busybox").command("sleep", "60"));
        Path tomlDir = TestEngines.definition(
                tmp,
                """
                name = "every"
                engine = "podman"
                [[process]]
                name = "app"
                command = ["sh", "-c", "exec sleep 60"]
                ports = ["main", "admin"]
                templates = ["app.conf", "conf/extra.conf"]
                files = ["blob.bin"]
                listen = ["main"]
                listen_protocol = "stdin"
                user = "nobody"
                seed = { command = ["sh", "{{definition.dir}}/seed.sh", "{{seed.dir}}"], inputs = ["seed.sh", "fixtures"], timeout = "2m" }
                [[process]]
                name = "box"
                image = "pgroup-test/redis:7"
                ports = ["main"]
                publish = { main = 6379 }
                engine = "docker"
                pull = true
                ready = { tcp = "main" }
                [[process]]
                name = "idle"
                image = "pgroup-test/busybox"
                command = ["sleep", "60"]
                """);
        Files.copy(conf, tomlDir.resolve("app.conf"));
        Files.createDirectories(tomlDir.resolve("conf"));
        Files.writeString(tomlDir.resolve("conf/extra.conf"), "admin {{port.admin}}\n");
        Files.copy(blob, tomlDir.resolve("blob.bin"));
        Files.copy(seedScript, tomlDir.resolve("seed.sh"));
        Files.createDirectories(tomlDir.resolve("fixtures"));
        Files.copy(fixtures.resolve("one.sql"), tomlDir.resolve("fixtures/one.sql"));

        GroupDefinition fromToml = DefinitionParser.parse(tomlDir, null);
        GroupDefinition fromSpec = SpecDirectory.withDefinition(spec, dir -> {
            GroupDefinition parsed = DefinitionParser.parse(dir, null);
            // The rendered dir holds the very files the spec named, as the TOML dir does.
            try {
                assertThat(dir.resolve("conf/extra.conf")).hasContent("admin {{port.admin}}");
                assertThat(Files.mismatch(dir.resolve("blob.bin"), blob)).isEqualTo(-1L);
                assertThat(dir.resolve("fixtures/one.sql")).hasContent("select 1;");
                assertThat(Files.getPosixFilePermissions(dir.resolve("group.toml")))
                        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return parsed;
        });

        assertThat(fromSpec.name()).isEqualTo(fromToml.name());
        assertThat(fromSpec.processes())
                .usingRecursiveFieldByFieldElementComparatorIgnoringFields("lines", "seed.line")
                .isEqualTo(fromToml.processes());
        assertThat(fromSpec.process("box").orElseThrow().container().engine()).isEqualTo("docker");
        assertThat(fromSpec.process("idle").orElseThrow().container().engine()).isEqualTo("podman");
        assertThat(fromSpec.process("idle").orElseThrow().container().engineKey())
                .isEqualTo("engine (group)");
        assertThat(fromSpec.process("app").orElseThrow().seed().inputs()).containsExactly("seed.sh", "fixtures");
    }

    @Test
    void templatesTextAndVerbatimFilesOfASpecAreServedByLighttpdOnAPassedSocket(Groups groups) throws IOException {
        Path lighttpd = Daemons.require("lighttpd");
        Path raw = Files.writeString(tmp.resolve("raw.txt"), "{{kept as it is}}\n");
        GroupSpec web = GroupSpec.named("web")
                .process("web", p -> p.command("lighttpd", "-D", "-f", "{{process.dir}}/lighttpd.conf")
                        .ports("http")
                        .listen("http")
                        .template(
                                "lighttpd.conf",
                                """
                                server.systemd-socket-activation = "enable"
                                server.bind = "127.0.0.1"
                                server.port = {{port.http}}
                                server.document-root = "{{process.dir}}/www"
                                server.errorlog = "/dev/stderr"
                                index-file.names = ("index.html")
                                mimetype.assign = (".html" => "text/html", ".txt" => "text/plain")
                                """)
                        .template("www/index.html", "<p>hello from {{process.id}}</p>\n")
                        .files(raw));
        Group group = groups.withEnvironment(Daemons.environmentWith(lighttpd))
                .engine()
                .create(web);
        try (group) {
            group.start(START);

            String index = Daemons.httpGet(group.port("web", "http"), "/");
            assertThat(index).startsWith("HTTP/1.0 200 OK").contains("hello from " + group.id() + ".web");
            assertThat(group.directory().resolve("web/raw.txt")).hasContent("{{kept as it is}}");
        }
    }

    @Test
    @ExtendWith(ContainerEngineAvailable.class)
    void aSpecContainerAnswersOnItsPublishedPortAndIsRemovedAtStop(Groups groups) throws Exception {
        GroupSpec cache = GroupSpec.named("boxed").engine("docker").process("cache", p -> p.image("pgroup-test/redis:7")
                .command("redis-server", "--port", "6379", "--protected-mode", "no", "--save", "")
                .ports("main")
                .publish("main", 6379)
                .readyTcp("main"));
        Group group = groups.engine().create(cache);
        try (group) {
            group.start(START);

            assertThat(RedisPairTest.redis(group.port("cache", "main"), "PING")).isEqualTo("+PONG");
            assertThat(group.manifest().process("cache").orElseThrow().image()).isEqualTo("pgroup-test/redis:7");
            assertThat(ContainerGroupTest.containers(group.id())).hasSize(1);

            group.stop();
            assertThat(ContainerGroupTest.containers(group.id()))
                    .as("containers after stop")
                    .isEmpty();
        }
    }

    @Test
    void aSpecProcessAndItsSeedRunAsTheUserAndTheSeedReadsItsInputs(Groups groups) throws Exception {
        OtherUser.principal();
        RunAsUserTest.openForOthers(groups.dir());
        Path seedScript = Files.writeString(
                groups.dir().resolve("seed.sh"),
                "id -un > \"$1/seeded-by\"\ncp \"$(dirname \"$0\")/greeting.txt\" \"$1/greeting\"\n");
        Path greeting = Files.writeString(groups.dir().resolve("greeting.txt"), "hello from the seed\n");
        GroupSpec spec = GroupSpec.named("who")
                .process("who", p -> p.command("sh", "-c", "id -un; cat seeded-by greeting; exec sleep 60")
                        .user(OtherUser.NAME)
                        .seed(SeedSpec.command("sh", "{{definition.dir}}/seed.sh", "{{seed.dir}}")
                                .inputs(seedScript, greeting))
                        .readyLog("^hello from the seed$"));
        // Seeds live next to the database: one of the test's own, so this seed is run here.
        Path database = Files.createDirectories(groups.dir().resolve("state")).resolve("pgroup.db");
        try (PGroupEngine engine = PGroupEngine.builder()
                        .baseDir(groups.dir().resolve("base"))
                        .database(database)
                        .build();
                Group group = engine.create(spec)) {
            group.start(START);

            assertThat(group.logTail("who", 3).stream().map(l -> l.substring(l.indexOf(' ') + 1)))
                    .containsExactly(OtherUser.NAME, OtherUser.NAME, "hello from the seed");
        }
    }

    @Test
    void aSpecSeedRunsOnceAcrossCreatesAndAgainWhenAnInputsContentChanges(Groups groups) throws Exception {
        Path counter = groups.dir().resolve("seed-runs");
        Path inputs = Files.createDirectories(groups.dir().resolve("inputs"));
        Path seedScript = Files.writeString(
                inputs.resolve("seed.sh"),
                "echo run >> '" + counter + "'\ncp \"$(dirname \"$0\")/greeting.txt\" \"$1/greeting\"\n");
        Path greeting = Files.writeString(inputs.resolve("greeting.txt"), "hello one\n");
        GroupSpec spec = GroupSpec.named("seeded")
                .process("db", p -> p.command("sh", "-c", "cat greeting; exec sleep 60")
                        .seed(SeedSpec.command("sh", "{{definition.dir}}/seed.sh", "{{seed.dir}}")
                                .inputs(seedScript, greeting))
                        .readyLog("^hello"));
        Path database = Files.createDirectories(groups.dir().resolve("state")).resolve("pgroup.db");
        try (PGroupEngine engine = PGroupEngine.builder()
                .baseDir(groups.dir().resolve("base"))
                .database(database)
                .build()) {
            try (Group first = engine.create(spec);
                    Group second = engine.create(spec)) {
                first.start(START);
                second.start(START);
                assertThat(lastLine(first)).isEqualTo("hello one");
                assertThat(lastLine(second)).isEqualTo("hello one");
            }
            assertThat(Files.readAllLines(counter)).as("seed runs").hasSize(1);

            Files.writeString(greeting, "hello two\n");
            try (Group third = engine.create(spec)) {
                third.start(START);
                assertThat(lastLine(third)).isEqualTo("hello two");
            }
            assertThat(Files.readAllLines(counter)).as("seed runs").hasSize(2);
        }
    }

    @Test
    void definitionDirInASpecsProcessFailsAtCreateNamingTheKeyAndLeavesNothing(Groups groups) throws IOException {
        GroupSpec spec = GroupSpec.named("gone").process("x", p -> p.command("sh", "{{definition.dir}}/start.sh")
                .template("start.sh", "exec sleep 60\n"));
        List<Path> specDirsBefore = specTempDirs();

        assertThatThrownBy(() -> groups.engine().create(spec)).isInstanceOfSatisfying(DefinitionException.class, e -> {
            assertThat(e.file()).isEqualTo(Path.of("GroupSpec \"gone\""));
            assertThat(e.process()).contains("x");
            assertThat(e.key()).contains("command[1]");
            assertThat(e.problem())
                    .startsWith("{{definition.dir}} has no value: a GroupSpec's definition dir is a temp dir")
                    .contains("{{process.dir}}");
        });
        assertThat(groups.engine().groupIds()).isEmpty();
        assertThat(specTempDirs()).isSubsetOf(specDirsBefore);
    }

    @Test
    void twoSourcesUnderOneNameOrAMissingSourceFailAtCreateNamingProcessAndKey(Groups groups) throws IOException {
        Path one = Files.writeString(Files.createDirectories(tmp.resolve("one")).resolve("app.conf"), "one\n");
        Path two = Files.writeString(Files.createDirectories(tmp.resolve("two")).resolve("app.conf"), "two\n");
        GroupSpec clash = GroupSpec.named("clash")
                .process("a", p -> p.command("sleep", "60").templates(one))
                .process("b", p -> p.command("sleep", "60").files(two));
        GroupSpec missing = GroupSpec.named("missing")
                .process("a", p -> p.command("sleep", "60").templates(tmp.resolve("nowhere.conf")));
        List<Path> specDirsBefore = specTempDirs();

        assertThatThrownBy(() -> groups.engine().create(clash))
                .isInstanceOf(DefinitionException.class)
                .hasMessageStartingWith("GroupSpec \"clash\": process \"b\": files: 'app.conf' is " + two + " here but "
                        + one + " for process \"a\" (templates)");
        assertThatThrownBy(() -> groups.engine().create(missing))
                .isInstanceOf(DefinitionException.class)
                .hasMessage("GroupSpec \"missing\": process \"a\": templates: '" + tmp.resolve("nowhere.conf")
                        + "' not found");
        assertThat(groups.engine().groupIds()).isEmpty();
        assertThat(specTempDirs()).isSubsetOf(specDirsBefore);
    }

    @Test
    void badNamesAndPathsOfTheNewKeysFailInTheBuilder() {
        GroupSpec spec = GroupSpec.named("cache");

        assertThatThrownBy(() -> spec.process("a", p -> p.user("no body")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("GroupSpec \"cache\": process \"a\": user 'no body' is not a user name (letters, digits,"
                        + " '.', '_' and '-', at most 32)");
        assertThatThrownBy(() -> spec.process("a", p -> p.template("../escape.conf", "x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("GroupSpec \"cache\": process \"a\": template path '../escape.conf' must be a"
                        + " relative path inside the process dir");
        assertThatThrownBy(() -> spec.process("a", p -> p.template("/etc/x.conf", "x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("template path '/etc/x.conf' must be a relative path");
        assertThatThrownBy(() -> spec.process("a", p -> p.files(Path.of("somewhere", "group.toml"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("GroupSpec \"cache\": process \"a\": file 'group.toml' is the name of the spec's own"
                        + " rendered group.toml; rename the file");
        assertThatThrownBy(() -> spec.process("a", p -> p.ports("main").listen("Main")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("GroupSpec \"cache\": process \"a\": listen port name 'Main' must match");
        assertThatThrownBy(() -> spec.process("a", p -> p.publish("main port", 80)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("GroupSpec \"cache\": process \"a\": publish port name 'main port' must match");
        assertThatThrownBy(() -> SeedSpec.command("true").inputs(Path.of("a", "x.sql"), Path.of("b", "x.sql")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("would both be {{definition.dir}}/x.sql");
    }

    @Test
    void aContainerValueTheParserRejectsFailsAtCreateNamingTheSpecProcessAndKey(Groups groups) {
        GroupSpec spec = GroupSpec.named("boxed")
                .process(
                        "cache", p -> p.image("redis:7; rm -rf /").ports("main").publish("main", 6379));

        assertThatThrownBy(() -> groups.engine().create(spec))
                .isInstanceOf(DefinitionException.class)
                .hasMessageStartingWith("GroupSpec \"boxed\": process \"cache\": image: 'redis:7; rm -rf /' has the"
                        + " character ';'");
        assertThat(groups.engine().groupIds()).isEmpty();
    }

    private static String lastLine(Group g) {
        String line = g.logTail("db", 1).get(0);
        return line.substring(line.indexOf(' ') + 1);
    }

    private static List<Path> specTempDirs() throws IOException {
        try (Stream<Path> all = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return all.filter(p -> p.getFileName().toString().startsWith("pgroup-spec-"))
                    .toList();
        }
    }
}
