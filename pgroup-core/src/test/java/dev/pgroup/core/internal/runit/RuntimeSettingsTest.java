package dev.pgroup.core.internal.runit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgroup.core.internal.definition.ReadySpec;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The settings file, written without Properties.store, reads back as it was, whatever a value holds. */
class RuntimeSettingsTest {
    @TempDir
    Path tmp;

    @Test
    void everyValueReadsBackAsWrittenEvenWithCharactersPropertiesEscape() throws IOException {
        String awkward = " leading space, = : # ! \\ back\\slash\ttab\nnewline\rreturn\fform feed, déjà vu, 日本 ";
        RuntimeSettings settings = new RuntimeSettings(List.of(
                new RuntimeSettings.ProcessSettings(
                        "web", ReadySpec.Kind.LOG, awkward, List.of(), Duration.ofMillis(7_000)),
                new RuntimeSettings.ProcessSettings(
                        "worker_2", ReadySpec.Kind.NONE, "", List.of("web"), Duration.ofSeconds(1))));
        Path file = tmp.resolve("runtime.properties");

        settings.write(file);

        assertThat(RuntimeSettings.read(file)).isEqualTo(settings);
        Properties props = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            props.load(in);
        }
        assertThat(props.getProperty("process.web.ready.target")).isEqualTo(awkward);
        assertThat(props.getProperty("processes")).isEqualTo("web,worker_2");
        assertThat(props).hasSize(9);
    }
}
