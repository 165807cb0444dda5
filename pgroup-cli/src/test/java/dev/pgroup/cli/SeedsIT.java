package dev.pgroup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code list --seeds} and {@code prune --seeds}, with the redis-seeded example's real seed. */
class SeedsIT {
    private Cli cli;

    @BeforeEach
    void setUp() throws Exception {
        cli = new Cli();
    }

    @AfterEach
    void tearDown() {
        cli.close();
    }

    @Test
    void listShowsTheSeedWithItsSizeAndPruneRemovesItOnceUnused() throws Exception {
        Path example =
                Path.of("..", "examples", "redis-seeded").toAbsolutePath().normalize();
        Cli.Result created = cli.pgroup("create", example.toString());
        assertThat(created.exitCode()).as(created.toString()).isZero();
        assertThat(cli.pgroup("terminate", created.out().strip()).exitCode()).isZero();

        Cli.Result list = cli.pgroup("list", "--seeds");

        assertThat(list.exitCode()).as(list.toString()).isZero();
        List<String> lines = list.out().lines().toList();
        assertThat(lines.get(0)).matches("KEY\\s+PROCESS\\s+SIZE\\s+UNUSED FOR\\s+AHEAD\\s+DEFINITION");
        assertThat(lines.get(1)).matches("[0-9a-f]{24}\\s+redis\\s+\\d+\\.\\d MB\\s+\\S+\\s+\\d\\s+" + example);
        String key = lines.get(1).split("\\s+")[0];

        Cli.Result recent = cli.pgroup("prune", "--seeds", "--unused-for", "1h");
        assertThat(recent.out()).as(recent.toString()).doesNotContain("removed seed");

        Files.setLastModifiedTime(
                cli.root.resolve("seeds").resolve(key + ".info"),
                FileTime.from(Instant.now().minus(Duration.ofHours(2))));
        Cli.Result prune = cli.pgroup("prune", "--seeds", "--unused-for", "1h");

        assertThat(prune.exitCode()).as(prune.toString()).isZero();
        assertThat(prune.out()).contains("removed seed " + key + " of process \"redis\"");
        assertThat(cli.pgroup("list", "--seeds").out().lines().count()).isEqualTo(1);
    }
}
