package dev.pgroup.junit5;

import dev.pgroup.PGroup;
import dev.pgroup.core.Group;

/**
 * A group one {@link WithGroup} made.
 *
 * @param name what {@link WithGroup.Name} matches
 * @param declaration the annotation as the user wrote it, for messages: {@code @WithGroup("dir")}
 * @param group the engine's group
 */
record StartedGroup(String name, String declaration, Group group) {
    /** The runtime's view, read from the manifest the start wrote (so it has the pids). */
    PGroup runtime() {
        return PGroup.load(group.manifestFile());
    }
}
