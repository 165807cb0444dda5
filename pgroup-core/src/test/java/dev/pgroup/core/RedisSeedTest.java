package dev.pgroup.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** examples/redis-seeded: every group's redis-server starts with the seed's dump.rdb, and its own copy. */
class RedisSeedTest {
    static final Path EXAMPLE =
            Path.of("..", "examples", "redis-seeded").toAbsolutePath().normalize();

    @TempDir
    Path tmp;

    private PGroupEngine engine;

    @BeforeEach
    void engine() throws Exception {
        engine = PGroupEngine.builder()
                .baseDir(tmp.resolve("base"))
                .database(Files.createDirectories(tmp.resolve("state")).resolve("pgroup.db"))
                .build();
    }

    @AfterEach
    void close() {
        engine.close();
    }

    @Test
    void everyGroupStartsWithTheSeedsKeysAndWritesOnlyItsOwn() throws Exception {
        try (Group first = engine.create(EXAMPLE);
                Group second = engine.create(EXAMPLE)) {
            first.start(Duration.ofSeconds(30));
            second.start(Duration.ofSeconds(30));
            int one = first.port("redis", "main");
            int two = second.port("redis", "main");

            assertThat(RedisPairTest.redis(one, "GET", "greeting")).isEqualTo("hello from the seed");
            assertThat(RedisPairTest.redis(two, "HGET", "customer:1", "plan")).isEqualTo("gold");
            assertThat(RedisPairTest.redis(two, "LLEN", "queue")).isEqualTo(":3");

            RedisPairTest.redis(one, "SET", "greeting", "changed in the first");
            RedisPairTest.redis(one, "DEL", "queue");

            assertThat(RedisPairTest.redis(two, "GET", "greeting")).isEqualTo("hello from the seed");
            assertThat(RedisPairTest.redis(two, "LLEN", "queue")).isEqualTo(":3");
            assertThat(engine.seeds()).singleElement().satisfies(s -> assertThat(s.process())
                    .isEqualTo("redis"));
        }
    }
}
