package dev.pgroup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How tests find their group: system properties first, then the manifests under the base dir. */
class PGroupTest {
    @TempDir
    Path tmp;

    @AfterEach
    void clearProperties() {
        System.clearProperty(PGroup.MANIFEST_PROPERTY);
        System.clearProperty(PGroup.MANIFEST_PROPERTY + ".cache");
        System.clearProperty(PGroup.BASE_DIR_PROPERTY);
    }

    private Path writeGroup(String name, Instant created) throws Exception {
        Path dir = tmp.resolve("base").resolve(name + "-" + created.getEpochSecond());
        Path file = Files.createDirectories(dir.resolve(PGroup.STATE_DIR)).resolve(Manifest.FILE_NAME);
        ManifestTest.sample(dir, name, created).write(file);
        return file;
    }

    @Test
    void currentReadsTheManifestNamedByTheSystemProperty() throws Exception {
        Path file = writeGroup("cache", Instant.parse("2026-11-22T00:00:00Z"));
        System.setProperty(PGroup.MANIFEST_PROPERTY, file.toString());

        PGroup group = PGroup.current();

        assertThat(group.name()).isEqualTo("cache");
        assertThat(group.port("primary", "main")).isEqualTo(20001);
        assertThat(group.processes()).containsExactly("primary", "replica");
        assertThat(group.logFile("replica").toString()).endsWith("/.logs/replica/current");
    }

    @Test
    void currentWithoutAManifestSaysWhereItLooked() {
        System.setProperty(PGroup.BASE_DIR_PROPERTY, tmp.resolve("nothing-here").toString());

        assertThatThrownBy(PGroup::current)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no pgroup manifest found")
                .hasMessageContaining("system property pgroup.manifest (not set)")
                .hasMessageContaining("environment variable PGROUP_MANIFEST")
                .hasMessageContaining(tmp.resolve("nothing-here").toString());
    }

    @Test
    void currentScansTheBaseDirAndTakesTheNewestGroupOfOneName() throws Exception {
        writeGroup("cache", Instant.parse("2026-11-22T00:00:00Z"));
        Path newer = writeGroup("cache", Instant.parse("2026-11-22T01:00:00Z"));
        System.setProperty(PGroup.BASE_DIR_PROPERTY, tmp.resolve("base").toString());

        assertThat(PGroup.current().manifestFile()).isEqualTo(newer.toAbsolutePath());
    }

    @Test
    void severalGroupNamesNeedPGroupNamed() throws Exception {
        writeGroup("cache", Instant.parse("2026-11-22T00:00:00Z"));
        writeGroup("web", Instant.parse("2026-11-22T00:00:00Z"));
        System.setProperty(PGroup.BASE_DIR_PROPERTY, tmp.resolve("base").toString());

        assertThatThrownBy(PGroup::current)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("several groups [cache, web]")
                .hasMessageContaining("PGroup.named(\"cache\")");
        assertThat(PGroup.named("web").name()).isEqualTo("web");
    }

    @Test
    void namedPrefersItsOwnSystemProperty() throws Exception {
        Path file = writeGroup("cache", Instant.parse("2026-11-22T00:00:00Z"));
        System.setProperty(PGroup.MANIFEST_PROPERTY + ".cache", file.toString());

        assertThat(PGroup.named("cache").id()).isEqualTo("cache-host-abc123");
    }

    @Test
    void unknownProcessOrPortListsWhatTheGroupHas() throws Exception {
        PGroup group = PGroup.load(writeGroup("cache", Instant.parse("2026-11-22T00:00:00Z")));

        assertThatThrownBy(() -> group.port("primary", "http"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has no port 'http'")
                .hasMessageContaining("[main, admin]");
        assertThatThrownBy(() -> group.port("db", "main"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no process 'db'")
                .hasMessageContaining("[primary, replica]");
    }
}
