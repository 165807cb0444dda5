package dev.pgroup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How tests find their group: system properties first, then the manifests under the base dir. */
class PGroupTest {
    @TempDir
    Path tmp;

    /** Stands in for each running group's runsvdir: a real process whose pid the group's pid file names. */
    private final List<Process> runsvdirs = new ArrayList<>();

    @AfterEach
    void clearProperties() throws InterruptedException {
        System.clearProperty(PGroup.MANIFEST_PROPERTY);
        System.clearProperty(PGroup.MANIFEST_PROPERTY + ".cache");
        System.clearProperty(PGroup.BASE_DIR_PROPERTY);
        for (Process p : runsvdirs) {
            p.destroyForcibly().waitFor();
        }
    }

    /** A running group: its manifest, and a pid file naming a live process. */
    private Path writeGroup(String name, Instant created) throws Exception {
        Path file = writeStoppedGroup(name, created);
        Process runsvdir = new ProcessBuilder("sleep", "600").start();
        runsvdirs.add(runsvdir);
        Files.writeString(file.resolveSibling("runsvdir.pid"), runsvdir.pid() + " 0\n");
        return file;
    }

    /** A group kept stopped for debugging: a manifest and no runsvdir pid file. */
    private Path writeStoppedGroup(String name, Instant created) throws Exception {
        Path dir = tmp.resolve("base").resolve(name + "-" + created.getEpochSecond());
        Path file = Files.createDirectories(dir.resolve(PGroup.STATE_DIR)).resolve(Manifest.FILE_NAME);
        ManifestTest.sample(dir, name, created).write(file);
        return file;
    }

    @Test
    void currentSkipsAStoppedGroupAndSaysSo() throws Exception {
        Path running = writeGroup("cache", Instant.parse("2026-11-22T00:00:00Z"));
        writeStoppedGroup("cache", Instant.parse("2026-11-22T01:00:00Z"));
        System.setProperty(PGroup.BASE_DIR_PROPERTY, tmp.resolve("base").toString());

        assertThat(PGroup.current().manifestFile()).isEqualTo(running.toAbsolutePath());
    }

    @Test
    void withOnlyAStoppedGroupTheErrorSaysItWasSkippedAndHowToStartOne() throws Exception {
        writeStoppedGroup("cache", Instant.parse("2026-11-22T01:00:00Z"));
        System.setProperty(PGroup.BASE_DIR_PROPERTY, tmp.resolve("base").toString());

        assertThatThrownBy(PGroup::current)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("skipped the stopped group(s) [cache-1795309200]")
                .hasMessageContaining("run 'pgroup up' in " + Path.of("").toAbsolutePath());
        assertThatThrownBy(() -> PGroup.named("cache"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("skipped the stopped group(s) [cache-1795309200]");
    }

    @Test
    void aGroupWhoseRunsvdirIsGoneCountsAsStopped() throws Exception {
        Path file = writeGroup("cache", Instant.parse("2026-11-22T00:00:00Z"));
        Process runsvdir = runsvdirs.get(0);
        runsvdir.destroyForcibly().waitFor();

        assertThat(PGroup.isRunning(file)).isFalse();
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
