package dev.pgroup.core.internal.definition;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Parsed definitions of this JVM, so that a suite creating hundreds of groups from one definition
 * dir parses it once. A hit is safe against edits: it needs the same {@code group.toml} bytes (read
 * again each time, a file read instead of a parse) and every template and file it names still at
 * the same real path with the same size, modification time and file key (a stat each), so an
 * edited, replaced, removed or re-linked file is parsed and checked again, with the parser's own
 * errors. Errors are never cached. Bounded: a {@code GroupSpec} renders to a fresh dir each time.
 */
final class DefinitionCache {
    private static final int MAX_ENTRIES = 64;

    /** What a definition was parsed from: the file's bytes and each source file's identity. */
    private record Entry(byte[] toml, List<Stamp> sources, GroupDefinition definition) {}

    private record Stamp(Path path, Path real, long size, long modifiedNanos, Object fileKey) {}

    private record Key(Path directory, String nameOverride) {}

    private static final Map<Key, Entry> ENTRIES = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Entry> eldest) {
            return size() > MAX_ENTRIES;
        }
    };

    private DefinitionCache() {}

    /** The definition parsed from exactly these bytes and source files, if any. */
    static Optional<GroupDefinition> find(Path realDir, String nameOverride, byte[] toml) {
        Entry e;
        synchronized (ENTRIES) {
            e = ENTRIES.get(new Key(realDir, nameOverride));
        }
        if (e == null || !Arrays.equals(e.toml(), toml)) {
            return Optional.empty();
        }
        for (Stamp s : e.sources()) {
            if (!s.equals(stamp(s.path()).orElse(null))) {
                return Optional.empty();
            }
        }
        return Optional.of(e.definition());
    }

    /** Remembers a definition that parsed without error from {@code toml}. */
    static void put(Path realDir, String nameOverride, byte[] toml, GroupDefinition definition) {
        List<Stamp> sources = new ArrayList<>();
        for (ProcessDefinition p : definition.processes()) {
            for (String relative : concat(p.templates(), p.files())) {
                Optional<Stamp> s = stamp(realDir.resolve(relative));
                if (s.isEmpty()) {
                    return; // changed while being parsed: do not cache what cannot be checked later
                }
                sources.add(s.get());
            }
        }
        synchronized (ENTRIES) {
            ENTRIES.put(new Key(realDir, nameOverride), new Entry(toml.clone(), List.copyOf(sources), definition));
        }
    }

    private static Optional<Stamp> stamp(Path path) {
        try {
            Path real = path.toRealPath();
            BasicFileAttributes a = Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            long modified = a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS);
            return Optional.of(new Stamp(path, real, a.size(), modified, Objects.requireNonNullElse(a.fileKey(), "")));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /** Forgets everything; for tests. */
    static void clear() {
        synchronized (ENTRIES) {
            ENTRIES.clear();
        }
    }
}
