package dev.pgroup.core;

import java.nio.file.Path;
import java.util.Map;

/**
 * Engines for tests. Every test class shares one port database, as every JVM of a user does, so
 * that parallel test classes never lease the same port; each test gets its own base dir.
 */
final class TestEngines {
    static final Path DATABASE = Path.of("target", "test-pgroup", "pgroup.db").toAbsolutePath();

    private TestEngines() {}

    static PGroupEngine engine(Path baseDir) {
        return PGroupEngine.builder().baseDir(baseDir).database(DATABASE).build();
    }

    static PGroupEngine engine(Path baseDir, Map<String, String> environment) {
        return PGroupEngine.builder()
                .baseDir(baseDir)
                .database(DATABASE)
                .environment(environment)
                .build();
    }

    /** A definition dir under {@code tmp} holding {@code toml} as its group.toml. */
    static Path definition(Path tmp, String toml) throws java.io.IOException {
        Path dir = java.nio.file.Files.createDirectories(tmp.resolve("def-" + System.nanoTime()));
        java.nio.file.Files.writeString(dir.resolve("group.toml"), toml);
        return dir;
    }

    static Path definition(String name) {
        return Path.of("src", "test", "resources", "groups", name).toAbsolutePath();
    }

    /**
     * The first port of {@code n} free ports in a row, searched downwards from {@code top}: for
     * tests that need a range of their own outside the module's lease range.
     */
    static int freeRange(int n, int top) {
        for (int first = top; first > 10_000; first -= n) {
            boolean free = true;
            for (int p = first; p < first + n && free; p++) {
                free = dev.pgroup.core.internal.state.PortLeases.isUsable(p);
            }
            if (free) {
                return first;
            }
        }
        throw new IllegalStateException("no " + n + " free ports in a row below " + top);
    }
}
