package dev.pgroup.core;

import java.util.List;

/**
 * What {@link PGroupEngine#prune()} did, one line per action, e.g. {@code removed group
 * cache-ci7-k3f9qz: its owner (pid 4242) is gone; stopped 5 processes}.
 *
 * @param actions what was cleaned, in order; empty when there was nothing to clean
 */
public record PruneReport(List<String> actions) {
    public PruneReport {
        actions = List.copyOf(actions);
    }

    public boolean isEmpty() {
        return actions.isEmpty();
    }
}
