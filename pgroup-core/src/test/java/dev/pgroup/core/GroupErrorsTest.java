package dev.pgroup.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.pgroup.core.internal.os.FileTrees;
import dev.pgroup.core.model.PGroupException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Messages that say what is actually wrong, not something near it. */
@ExtendWith(GroupsExtension.class)
class GroupErrorsTest {
    @TempDir
    Path tmp;

    private Path definition() throws IOException {
        return TestEngines.definition(tmp, "[[process]]\nname = \"web\"\ncommand = [\"sleep\", \"60\"]\n");
    }

    @Test
    void openingAGroupWhoseManifestIsMissingSaysSo(Groups groups) throws IOException {
        Group group = groups.create(definition());
        Files.delete(group.manifestFile());

        PGroupException e = catchThrowableOfType(
                PGroupException.class, () -> groups.engine().open(group.id()));

        assertThat(e.getMessage())
                .contains("group '" + group.id() + "' in " + group.directory() + " has no manifest")
                .doesNotContain("no group")
                .doesNotContain("it holds");
    }

    @Test
    void openingAGroupWhoseManifestIsUnreadableSaysSo(Groups groups) throws IOException {
        Group group = groups.create(definition());
        Files.writeString(group.manifestFile(), "format.version=1\n");

        PGroupException e = catchThrowableOfType(
                PGroupException.class, () -> groups.engine().open(group.id()));

        assertThat(e.getMessage())
                .startsWith("group '" + group.id() + "' has an unreadable manifest " + group.manifestFile())
                .doesNotContain("no group");
    }

    @Test
    void openingARegisteredGroupWhoseDirectoryIsGoneSaysSo(Groups groups) throws IOException {
        Group group = groups.create(definition());
        FileTrees.deleteTree(group.directory());

        PGroupException e = catchThrowableOfType(
                PGroupException.class, () -> groups.engine().open(group.id()));

        assertThat(e.getMessage())
                .contains("group '" + group.id() + "' is registered")
                .contains(group.directory() + ", which is gone");
    }

    @Test
    void aBadNameInTheCreateOptionsIsBlamedOnTheOptionsNotOnGroupToml() {
        IllegalArgumentException e = catchThrowableOfType(
                IllegalArgumentException.class, () -> CreateOptions.defaults().withName("Bad Name"));

        assertThat(e.getMessage())
                .isEqualTo("the group name 'Bad Name' given in the create options must match [a-z][a-z0-9_-]*"
                        + " (at most 40 characters)")
                .doesNotContain("group.toml");
    }
}
