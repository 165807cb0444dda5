package dev.pgroup.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.pgroup.core.model.DefinitionException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the bad-definition tests share: a definition dir to write group.toml into, an engine with
 * a database of its own (so "no lease left" can be checked exactly), and the check after each test
 * that a failed create left nothing behind: no lease and no group dir.
 */
abstract class BadDefinitionFixture {
    @TempDir
    Path tmp;

    Path definition;
    Path base;
    PGroupEngine engine;

    @BeforeEach
    void setUp() throws IOException {
        definition = Files.createDirectories(tmp.resolve("def"));
        base = tmp.resolve("base");
        engine = PGroupEngine.builder()
                .baseDir(base)
                .database(tmp.resolve("db/leases.db"))
                .build();
    }

    @AfterEach
    void nothingLeftBehind() throws IOException {
        try {
            assertThat(engine.leases().allLeasedPorts()).as("leases left").isEmpty();
            if (Files.exists(base)) {
                try (var dirs = Files.list(base)) {
                    assertThat(dirs.toList()).as("group dirs left").isEmpty();
                }
            }
        } finally {
            engine.close();
        }
    }

    /** Writes {@code toml} as group.toml and returns the error create fails with. */
    DefinitionException createFails(String toml) throws IOException {
        Files.writeString(definition.resolve("group.toml"), toml);
        return catchThrowableOfType(DefinitionException.class, () -> engine.create(definition));
    }
}
