package dev.pgroup.core;

import dev.pgroup.core.internal.definition.DefinitionParser;
import dev.pgroup.core.model.DefinitionException;
import dev.pgroup.core.model.PGroupException;
import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The private temp dir a {@link GroupSpec} is rendered into for one create: the engine then reads it
 * as it reads any definition dir, so a spec gets the very checks and errors of {@code group.toml}.
 * Its templates, files and seed inputs are copied in beside the {@code group.toml}, so the parser
 * checks them, and a seed's key hashes them, as a directory's. Next to {@link GroupSpec}, not in
 * {@code internal}: internal code does not see the API.
 */
final class SpecDirectory {
    /** Why a spec's processes have no {@code {{definition.dir}}}: the temp dir is deleted after create. */
    static final String NO_DEFINITION_DIR = "a GroupSpec's definition dir is a temp dir that create deletes;"
            + " a process finds its templates and files in {{process.dir}}, and only a seed's command"
            + " (which runs during create) may use {{definition.dir}}";

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
            if (spec.processes().stream().anyMatch(ProcessSpecToml::seedsAsAnotherUser)) {
                // A seed run as another user reads its inputs here: it may pass, not list. Nobody
                // but the owner may write, so the definition still cannot be swapped.
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
            }
            Path toml = Files.createFile(
                    dir.resolve(DefinitionParser.FILE_NAME),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(toml, spec.toToml());
            copySources(spec, dir);
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

    /**
     * Copies every template, file and seed input into {@code dir}. Processes share the dir as they
     * share a definition dir: one name given twice must be one source.
     */
    private static void copySources(GroupSpec spec, Path dir) throws IOException {
        Map<String, SpecSource> written = new HashMap<>();
        Map<String, String> writtenBy = new HashMap<>();
        for (ProcessSpec p : spec.processes()) {
            for (Map.Entry<String, List<SpecSource>> byKey :
                    ProcessSpecToml.sources(p).entrySet()) {
                String key = byKey.getKey();
                for (SpecSource source : byKey.getValue()) {
                    SpecSource earlier = written.putIfAbsent(source.path(), source);
                    if (earlier == null) {
                        writtenBy.put(source.path(), "process \"" + p.name() + "\" (" + key + ")");
                        copy(spec, p, key, source, dir.resolve(source.path()));
                    } else if (!earlier.equals(source)) {
                        throw fail(
                                spec,
                                p,
                                key,
                                "'" + source.path() + "' is " + source.origin() + " here but " + earlier.origin()
                                        + " for " + writtenBy.get(source.path()) + "; a spec's templates, files and"
                                        + " seed inputs share one definition dir by name, so rename one");
                    }
                }
            }
        }
    }

    private static void copy(GroupSpec spec, ProcessSpec p, String key, SpecSource source, Path target)
            throws IOException {
        Files.createDirectories(target.getParent());
        if (source.text() != null) {
            Files.writeString(target, source.text());
            return;
        }
        Path from = source.source();
        boolean input = key.equals("seed.inputs");
        try {
            if (Files.isDirectory(from) && input) {
                copyTree(from, target);
            } else if (Files.isRegularFile(from)) {
                // Follows a symlink: its content is what the file is. The mode (an executable bit)
                // comes along, as a definition dir's file keeps its own.
                Files.copy(from, target);
            } else if (!Files.exists(from)) {
                throw new NoSuchFileException(from.toString());
            } else {
                throw fail(spec, p, key, "'" + from + "' is not a regular file" + (input ? " or a directory" : ""));
            }
        } catch (NoSuchFileException e) {
            throw fail(spec, p, key, "'" + from + "' not found");
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from, FileVisitOption.FOLLOW_LINKS)) {
            for (Path each : all.toList()) {
                Path target = to.resolve(from.relativize(each).toString());
                if (Files.isDirectory(each)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(each, target);
                }
            }
        }
    }

    /** An error found while rendering, named as the parser's are after {@link #withDefinition}. */
    private static DefinitionException fail(GroupSpec spec, ProcessSpec p, String key, String problem) {
        return new DefinitionException(Path.of(spec.toString()), 0, p.name(), key, problem);
    }

    private static void delete(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A leftover temp file of a few hundred bytes; the create's own result matters more.
        }
    }
}
