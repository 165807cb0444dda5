package dev.pgroup.junit5;

import dev.pgroup.core.model.PGroupException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The groups of one extension context (a test method, or a class for {@code PER_CLASS}), closed
 * with it: each terminated, or only stopped when its files are to be kept. Every group is closed
 * even when one fails; the failures travel together.
 */
final class ScopeGroups implements ExtensionContext.Store.CloseableResource {
    private final List<StartedGroup> groups = new CopyOnWriteArrayList<>();
    private volatile boolean keepFiles;

    /** Added before start, so a start that fails is still terminated. */
    void add(StartedGroup g) {
        groups.add(g);
    }

    List<StartedGroup> groups() {
        return List.copyOf(groups);
    }

    /** A test of this scope failed and {@code pgroup.keep=failed}: stop the groups, keep their files. */
    void keepFiles() {
        keepFiles = true;
    }

    boolean keepsFiles() {
        return keepFiles;
    }

    @Override
    public void close() {
        PGroupException failure = null;
        List<StartedGroup> reversed = new ArrayList<>(groups);
        java.util.Collections.reverse(reversed);
        for (StartedGroup g : reversed) {
            try {
                if (keepFiles) {
                    if (g.group().isRunning()) {
                        g.group().stop();
                    }
                } else {
                    g.group().terminate();
                }
            } catch (RuntimeException e) {
                PGroupException named = new PGroupException(
                        "cannot " + (keepFiles ? "stop" : "terminate") + " group "
                                + g.group().id() + " of " + g.declaration() + ": " + e.getMessage(),
                        e);
                if (failure == null) {
                    failure = named;
                } else {
                    failure.addSuppressed(named);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
