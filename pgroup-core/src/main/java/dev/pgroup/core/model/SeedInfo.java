package dev.pgroup.core.model;

import java.nio.file.Path;
import java.time.Instant;

/**
 * One cached seed of this user on this machine (see {@code seed} in the group.toml reference).
 *
 * @param key the seed's key: a hash of its table, its inputs' content, its user and its programs
 * @param process the process whose seed it is
 * @param definitionDir the definition dir of the group that first needed it
 * @param bytes the size of its files
 * @param createdAt when the seed finished
 * @param lastUsedAt when a group last got a copy of it
 * @param pooledCopies copies made ahead in this engine's base dir, each waiting for a create
 */
public record SeedInfo(
        String key,
        String process,
        Path definitionDir,
        long bytes,
        Instant createdAt,
        Instant lastUsedAt,
        int pooledCopies) {}
