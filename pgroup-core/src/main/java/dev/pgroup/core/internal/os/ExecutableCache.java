package dev.pgroup.core.internal.os;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * {@link Executables#find} remembered for a few seconds, keyed on the name and the whole PATH, for
 * the lookups every create makes again (runsvdir, runsv, sv, svlogd, perl, each process's program):
 * a walk of PATH is an {@code access} per dir (10 on a PATH of 10 dirs) and a stat, and at hundreds
 * of creates a second those walks were a fifth of create's system calls.
 *
 * <p>Why staleness is acceptable: a lookup that failed is never remembered, so a program installed
 * after an error is found on the next create, and a different PATH is a different key. What a hit
 * can miss for up to {@link #TTL_NANOS} is a program removed (its run script then fails to exec, a
 * start failure with the log tail, exactly as when it is removed between create and start) or a
 * program of the same name installed in an earlier PATH dir (found once the entry is that old). One
 * cache per JVM: engines with the same PATH would only fill one cache each with the same paths.
 */
public final class ExecutableCache {
    /** How long a found program is used without walking PATH again. */
    static final long TTL_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** Names times PATHs in use stay far below this; beyond it the cache starts over. */
    private static final int MAX_ENTRIES = 512;

    private static final ExecutableCache SHARED = new ExecutableCache(System::nanoTime);

    private record Key(String name, String path) {}

    private record Found(Path program, long atNanos) {}

    private final Map<Key, Found> found = new ConcurrentHashMap<>();
    private final LongSupplier clock;

    /** @param clock {@link System#nanoTime} but for tests */
    ExecutableCache(LongSupplier clock) {
        this.clock = clock;
    }

    /** As {@link Executables#find}, from the JVM's cache when the program was found lately. */
    public static Optional<Path> find(String name, String path) {
        return SHARED.lookUp(name, path);
    }

    Optional<Path> lookUp(String name, String path) {
        if (name.contains("/")) {
            return Executables.find(name, path); // no walk to save: one check of that file
        }
        Key key = new Key(name, path);
        long now = clock.getAsLong();
        Found f = found.get(key);
        if (f != null && now - f.atNanos() < TTL_NANOS) {
            return Optional.of(f.program());
        }
        Optional<Path> program = Executables.find(name, path);
        if (program.isPresent()) {
            if (found.size() >= MAX_ENTRIES) {
                found.clear();
            }
            found.put(key, new Found(program.get(), now));
        } else {
            found.remove(key);
        }
        return program;
    }
}
