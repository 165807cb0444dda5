package dev.pgroup.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.pgroup.core.model.DefinitionException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {{project.dir}}, {{project.build.dir}}, {{project.artifact}}: a group can run the project's own jar. */
@ExtendWith(GroupsExtension.class)
class ProjectPlaceholdersTest {
    @TempDir
    Path tmp;

    private static final String SHOWS_PROJECT =
            """
            [[process]]
            name = "svc"
            command = ["sleep", "60"]
            env = { DIR = "{{project.dir}}", BUILD = "{{project.build.dir}}", JAR = "{{project.artifact}}" }
            """;

    @Test
    void theProjectsDirsAndArtifactAreRenderedFromTheCreateOptions(Groups groups) throws Exception {
        Path project = Files.createDirectories(tmp.resolve("svc"));
        Path jar = Files.createDirectories(project.resolve("out")).resolve("svc-1.0.jar");
        Files.writeString(jar, "not really a jar");
        Path def = groups.definition(SHOWS_PROJECT);
        Group group = groups.create(def, CreateOptions.defaults().withProject(project, project.resolve("out"), jar));
        String run = Files.readString(group.directory().resolve("svc/run"));

        assertThat(run)
                .contains("DIR='" + project + "'")
                .contains("BUILD='" + project.resolve("out") + "'")
                .contains("JAR='" + jar + "'");
    }

    @Test
    void theBuildDirDefaultsToTargetOfTheProject(Groups groups) throws Exception {
        Path project = Files.createDirectories(tmp.resolve("svc"));
        Path def = groups.definition(
                "[[process]]\nname = \"svc\"\ncommand = [\"sleep\", \"60\"]\nenv = { B = \"{{project.build.dir}}\" }\n");
        Group group = groups.create(def, CreateOptions.defaults().withProject(project, null, null));
        assertThat(Files.readString(group.directory().resolve("svc/run")))
                .contains("B='" + project.resolve("target") + "'");
    }

    @Test
    void anArtifactNobodyBuiltIsAnErrorThatSaysWhere() throws Exception {
        Path def = TestEngines.definition(tmp, SHOWS_PROJECT);
        try (PGroupEngine engine = TestEngines.engine(tmp.resolve("base"))) {
            DefinitionException e = catchThrowableOfType(
                    DefinitionException.class,
                    () -> engine.create(def, CreateOptions.defaults().withProject(tmp, null, null)));

            assertThat(e).isNotNull();
            assertThat(e.process()).contains("svc");
            assertThat(e.getMessage())
                    .contains("{{project.artifact}} has no value")
                    .contains("the jar that package made");
            assertThat(tmp.resolve("base")).satisfiesAnyOf(b -> assertThat(b).doesNotExist(), b -> assertThat(b)
                    .isEmptyDirectory());
        }
    }
}
