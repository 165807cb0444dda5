package dev.pgroup.core.model;

import java.nio.file.Path;
import java.time.Instant;

/**
 * One group of this user on this machine, as the registry knows it.
 *
 * @param id the group id
 * @param name the group name
 * @param directory the group directory
 * @param ownerPid the pid of the JVM that owns the group, or 0 for a detached group
 * @param ownerAlive whether that JVM still runs (always true for a detached group)
 * @param running whether the group's runsvdir runs
 * @param createdAt when the group was created
 */
public record GroupInfo(
        String id, String name, Path directory, long ownerPid, boolean ownerAlive, boolean running, Instant createdAt) {

    /** True for a group that outlives the JVM that created it. */
    public boolean detached() {
        return ownerPid == 0;
    }
}
