package dev.pgroup.core;

/**
 * Choices made when a group is created.
 *
 * @param name a group name instead of the one in {@code group.toml}, or null to keep it
 * @param detached true for a group that outlives the JVM that created it (the CLI, production);
 *     its ports are never reclaimed as the leases of a dead owner
 */
public record CreateOptions(String name, boolean detached) {

    /**
     * @throws IllegalArgumentException when {@code name} is not a valid group name; the message says
     *     the name came from the create options, not from {@code group.toml}
     */
    public CreateOptions {
        if (name != null && !dev.pgroup.core.internal.Names.isValid(name)) {
            throw new IllegalArgumentException(
                    "the group name '" + name + "' given in the create options " + dev.pgroup.core.internal.Names.RULE);
        }
    }

    /** Keep the definition's name; the group belongs to this JVM. */
    public static CreateOptions defaults() {
        return new CreateOptions(null, false);
    }

    public CreateOptions withName(String newName) {
        return new CreateOptions(newName, detached);
    }

    public CreateOptions withDetached(boolean newDetached) {
        return new CreateOptions(name, newDetached);
    }
}
