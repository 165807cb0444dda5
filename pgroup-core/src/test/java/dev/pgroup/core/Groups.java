package dev.pgroup.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One test's groups: "write group.toml, open an engine, create, start" in one call, and at the end
 * of the test every group closed (newest first), then the engine, then the temp dir deleted, in the
 * style of JUnit's TempDirectory. A failure while closing does not hide the ones after it: they are
 * added as suppressed. Get one by a parameter of type {@code Groups} under {@link GroupsExtension}.
 */
final class Groups implements ExtensionContext.Store.CloseableResource {
    /** What every test gives a start unless it tests the timeout itself. */
    static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    private final Path dir;
    private final Deque<AutoCloseable> open = new ArrayDeque<>();
    private PGroupEngine engine;
    private Map<String, String> environment;

    private Groups(Path dir) {
        this.dir = dir;
    }

    static Groups inTempDir() {
        try {
            return new Groups(Files.createTempDirectory("pgroup-test-"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The test's temp dir; definitions and the engine's base dir ({@code base}) are under it. */
    Path dir() {
        return dir;
    }

    /**
     * The environment the engine gives runsvdir and the processes instead of this JVM's, e.g. a
     * PATH with a daemon on it; before the first create.
     */
    synchronized Groups withEnvironment(Map<String, String> environment) {
        if (engine != null) {
            throw new IllegalStateException("the engine is open already; set its environment before the first create");
        }
        this.environment = Map.copyOf(environment);
        return this;
    }

    /** The test's engine: base dir {@code dir()/base}, the shared test database; opened on first use. */
    synchronized PGroupEngine engine() {
        if (engine == null) {
            Path base = dir.resolve("base");
            engine = environment == null ? TestEngines.engine(base) : TestEngines.engine(base, environment);
            open.push(engine);
        }
        return engine;
    }

    /** A definition dir holding {@code toml} as its group.toml. */
    Path definition(String toml) throws IOException {
        return TestEngines.definition(dir, toml);
    }

    /** Creates the group of {@code toml}; it is closed at the end of the test. */
    Group create(String toml) throws IOException {
        return create(definition(toml));
    }

    Group create(Path definitionDir) {
        return create(definitionDir, CreateOptions.defaults());
    }

    synchronized Group create(Path definitionDir, CreateOptions options) {
        Group group = engine().create(definitionDir, options);
        open.push(group);
        return group;
    }

    /** Creates and starts the group of {@code toml} within {@link #START_TIMEOUT}. */
    Group started(String toml) throws IOException {
        return started(definition(toml));
    }

    Group started(Path definitionDir) {
        Group group = create(definitionDir);
        group.start(START_TIMEOUT);
        return group;
    }

    @Override
    public synchronized void close() throws Throwable {
        Throwable failure = null;
        while (!open.isEmpty()) {
            try {
                open.pop().close();
            } catch (Throwable t) {
                failure = first(failure, t);
            }
        }
        try {
            deleteRecursively(dir);
        } catch (Throwable t) {
            failure = first(failure, t);
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static Throwable first(Throwable failure, Throwable next) {
        if (failure == null) {
            return next;
        }
        failure.addSuppressed(next);
        return failure;
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
