package dev.pgroup.core;

import dev.pgroup.core.model.DefinitionException;
import dev.pgroup.core.model.PGroupException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The private temp dir a {@link GroupSpec} is rendered into for one create: the engine then reads it
 * as it reads any definition dir, so a spec gets the very checks and errors of {@code group.toml}.
 * Next to {@link GroupSpec}, not in {@code internal}: internal code does not see the API.
 */
final class SpecDirectory {
    private SpecDirectory() {}

    /** Runs {@code create} on a dir holding the spec's {@code group.toml}, and deletes the dir after it. */
    static <T> T withDefinition(GroupSpec spec, Function<Path, T> create) {
        Path dir;
        try {
            // 0700: nobody else may swap the definition between write and read.
            dir = Files.createTempDirectory(
                    "pgroup-spec-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException | UnsupportedOperationException e) {
            throw new PGroupException("cannot make a temp dir for " + spec + ": " + e, e);
        }
        try {
            Files.writeString(dir.resolve("group.toml"), spec.toToml());
            return create.apply(dir);
        } catch (IOException e) {
            throw new PGroupException("cannot write the group.toml of " + spec + " into " + dir + ": " + e, e);
        } catch (DefinitionException e) {
            // The generated file is gone when the caller reads the message: name the spec instead.
            DefinitionException named = new DefinitionException(
                    Path.of(spec.toString()),
                    0,
                    e.process().orElse(null),
                    e.key().orElse(null),
                    e.problem());
            named.initCause(e);
            throw named;
        } finally {
            delete(dir);
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A leftover temp file of a few hundred bytes; the create's own result matters more.
        }
    }
}
