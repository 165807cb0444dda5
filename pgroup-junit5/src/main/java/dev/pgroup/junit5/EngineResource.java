package dev.pgroup.junit5;

import dev.pgroup.core.PGroupEngine;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The one engine of a test run, in the root store: one database connection for all tests, closed
 * when the run ends, after every group.
 */
final class EngineResource implements ExtensionContext.Store.CloseableResource {
    private final PGroupEngine engine;

    private EngineResource(PGroupEngine engine) {
        this.engine = engine;
    }

    static PGroupEngine of(ExtensionContext context, Settings settings) {
        ExtensionContext.Store root = context.getRoot().getStore(PGroupExtension.NAMESPACE);
        return root.getOrComputeIfAbsent(
                        EngineResource.class,
                        k -> {
                            PGroupEngine.Builder b = PGroupEngine.builder();
                            settings.baseDir().ifPresent(b::baseDir);
                            settings.database().ifPresent(b::database);
                            return new EngineResource(b.build());
                        },
                        EngineResource.class)
                .engine;
    }

    @Override
    public void close() {
        engine.close();
    }
}
