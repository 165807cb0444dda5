package dev.pgroup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestTest {
    @TempDir
    Path tmp;

    static Manifest sample(Path dir, String name, Instant created) {
        Map<String, Integer> ports = new LinkedHashMap<>();
        ports.put("main", 20001);
        ports.put("admin", 20002);
        return new Manifest(
                name + "-host-abc123",
                name,
                dir,
                "host",
                created,
                List.of(
                        new Manifest.ProcessInfo(
                                "primary",
                                name + "-host-abc123.primary",
                                dir.resolve("primary"),
                                dir.resolve(".logs/primary/current"),
                                ports,
                                4242),
                        new Manifest.ProcessInfo(
                                "replica",
                                name + "-host-abc123.replica",
                                dir.resolve("replica"),
                                dir.resolve(".logs/replica/current"),
                                Map.of("main", 20003),
                                0)));
    }

    @Test
    void aContainersImageAndItsIdSurviveWriteReadAndANewPid() {
        Path dir = tmp.resolve("group");
        Manifest written = new Manifest(
                "cache-host-abc123",
                "cache",
                dir,
                "host",
                Instant.parse("2026-11-22T00:00:00Z"),
                List.of(new Manifest.ProcessInfo(
                        "cache",
                        "cache-host-abc123.cache",
                        dir.resolve("cache"),
                        dir.resolve(".logs/cache/current"),
                        Map.of("main", 20001),
                        0,
                        "pgroup-test/redis:7",
                        "sha256:6846381411f8")));
        Path file = tmp.resolve("manifest.properties");

        written.write(file);
        Manifest read = Manifest.read(file);

        assertThat(read).isEqualTo(written);
        Manifest.ProcessInfo started = read.process("cache").orElseThrow().withPid(4242);
        assertThat(started.image()).isEqualTo("pgroup-test/redis:7");
        assertThat(started.imageId()).isEqualTo("sha256:6846381411f8");
        assertThat(sample(dir, "bin", Instant.EPOCH)
                        .process("primary")
                        .orElseThrow()
                        .image())
                .as("a local binary has no image")
                .isNull();
    }

    @Test
    void writeThenReadGivesTheSameManifestEvenWithOddCharactersInPaths() {
        Path dir = tmp.resolve("odd dir=with:chars #and !bangs");
        Manifest written = sample(dir, "cache", Instant.parse("2026-11-22T00:00:00Z"));
        Path file = tmp.resolve("manifest.properties");

        written.write(file);
        Manifest read = Manifest.read(file);

        assertThat(read).isEqualTo(written);
        assertThat(read.process("primary").orElseThrow().ports())
                .containsExactly(Map.entry("main", 20001), Map.entry("admin", 20002));
    }

    @Test
    void theTextIsStableSoThatTwoWritesOfOneManifestAreIdentical() {
        Manifest m = sample(tmp, "cache", Instant.parse("2026-11-22T00:00:00Z"));

        assertThat(m.toPropertiesText()).isEqualTo(m.toPropertiesText());
        assertThat(m.toPropertiesText()).contains("process.primary.port.main=20001\n");
    }

    @Test
    void aMissingKeyNamesTheFileAndTheKey() throws Exception {
        Path file = tmp.resolve("manifest.properties");
        Files.writeString(file, "format.version=1\ngroup.id=x\n");

        assertThatThrownBy(() -> Manifest.read(file))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("'group.processes'");
    }

    @Test
    void aNewerFormatIsRejectedWithAClearMessage() throws Exception {
        Path file = tmp.resolve("manifest.properties");
        Files.writeString(file, "format.version=99\n");

        assertThatThrownBy(() -> Manifest.read(file))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("format.version 99")
                .hasMessageContaining("same pgroup version");
    }

    @Test
    void createdTimeIsWrittenExactlyAsInstantPrintsIt() {
        List<Instant> instants = List.of(
                Instant.parse("2026-11-23T20:48:13.694189096Z"),
                Instant.parse("2026-11-23T20:48:13.694189Z"),
                Instant.parse("2026-11-23T20:48:13.694Z"),
                Instant.parse("2026-11-23T20:48:13Z"),
                Instant.parse("2026-11-23T20:48:00Z"),
                Instant.parse("2026-11-23T20:48:00.000000001Z"),
                Instant.parse("2026-01-01T00:00:00Z"),
                Instant.parse("1970-01-01T00:00:00Z"),
                Instant.parse("0999-12-31T23:59:59.5Z"),
                Instant.parse("+10000-01-01T00:00:01Z"),
                Instant.now());
        for (Instant t : instants) {
            assertThat(Manifest.instantText(t)).as("%s", t).isEqualTo(t.toString());
            assertThat(sample(tmp, "cache", t).toPropertiesText())
                    .contains("group.created=" + t.toString().replace(":", "\\:") + "\n");
        }
        for (long s = -100_000; s < 100_000; s += 997) {
            Instant t = Instant.ofEpochSecond(s * 3607, s * 12_345L % 1_000_000_000L + 1_000_000_000L);
            assertThat(Manifest.instantText(t)).as("%s", t).isEqualTo(t.toString());
        }
    }
}
