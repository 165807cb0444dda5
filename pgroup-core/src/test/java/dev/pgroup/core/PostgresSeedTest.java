package dev.pgroup.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/postgres-per-test's definition, as users copy it: real PostgreSQL servers run as user
 * postgres (pgroup runs as root here, as in CI), each from a copy of the one seed, each with its own
 * rows.
 */
class PostgresSeedTest {
    static final Path EXAMPLE = Path.of("..", "examples", "postgres-per-test", "src", "test", "pgroup")
            .toAbsolutePath()
            .normalize();

    @TempDir
    Path tmp;

    private PGroupEngine engine;

    @BeforeEach
    void engine() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "the example runs postgres as user postgres");
        assumeTrue(new ProcessBuilder("id", "postgres").start().waitFor() == 0, "needs PostgreSQL installed");
        // The server runs as postgres, which must pass through the temp dir to its group dir.
        Files.setAttribute(tmp, "unix:mode", 0711);
        engine = PGroupEngine.builder()
                .baseDir(tmp.resolve("base"))
                .database(Files.createDirectories(tmp.resolve("state")).resolve("pgroup.db"))
                .build();
    }

    @AfterEach
    void close() {
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    void eachGroupHasItsOwnServerWithTheSeedsSchemaAndRows() throws Exception {
        try (Group first = engine.create(EXAMPLE);
                Group second = engine.create(EXAMPLE)) {
            first.start(Duration.ofSeconds(60));
            second.start(Duration.ofSeconds(60));

            assertThat(psql(first, "SELECT name FROM customer")).isEqualTo("fixture");
            psql(first, "INSERT INTO customer (name) VALUES ('only-in-first')");
            psql(first, "DELETE FROM customer WHERE name = 'fixture'");

            assertThat(psql(first, "SELECT string_agg(name, ',') FROM customer"))
                    .isEqualTo("only-in-first");
            assertThat(psql(second, "SELECT string_agg(name, ',') FROM customer"))
                    .isEqualTo("fixture");
            assertThat(psql(second, "SELECT current_user")).isEqualTo("postgres");
            assertThat(engine.seeds()).hasSize(1);
        }
    }

    /** Runs one query through psql, as root: the server trusts local TCP connections as postgres. */
    static String psql(Group group, String sql) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(
                        "sh",
                        EXAMPLE.resolve("pg.sh").toString(),
                        "psql",
                        "-h",
                        "127.0.0.1",
                        "-p",
                        Integer.toString(group.port("db", "main")),
                        "-U",
                        "postgres",
                        "-d",
                        "postgres",
                        "-v",
                        "ON_ERROR_STOP=1",
                        "-tAc",
                        sql))
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor()).as("psql: " + out).isZero();
        return out;
    }
}
