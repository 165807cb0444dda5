package dev.pgroup.core;

import dev.pgroup.core.internal.definition.DefinitionParser;
import dev.pgroup.core.internal.definition.DefinitionPaths;
import java.nio.file.Path;

/**
 * A file a {@link GroupSpec} puts into its rendered definition dir: a template, a verbatim file or
 * a seed input, read from {@code source} or given as {@code text}.
 *
 * @param path where it lands, relative to the definition dir (and so to the process dir)
 * @param source an absolute path to copy, or null
 * @param text the content of a template given as text, or null
 */
record SpecSource(String path, Path source, String text) {

    static SpecSource copyOf(Path file, String what) {
        Path absolute = file.toAbsolutePath().normalize();
        return new SpecSource(fileName(absolute, what), absolute, null);
    }

    /**
     * A template given as text, at {@code path} in the process dir.
     *
     * @throws IllegalArgumentException when the path leaves the dir or is the spec's own file
     */
    static SpecSource text(String path, String text) {
        if (!DefinitionPaths.isRelativeInside(path)
                || Path.of(path).normalize().toString().isEmpty()) {
            throw new IllegalArgumentException("template path '" + path
                    + "' must be a relative path inside the process dir, e.g. conf/redis.conf");
        }
        String normalized = Path.of(path).normalize().toString();
        checkNotTheSpecsOwn(normalized, "template path");
        return new SpecSource(normalized, null, text);
    }

    /** What it is, for messages: the source path, or that it was given as text. */
    String origin() {
        return source != null ? source.toString() : "text given to template(\"" + path + "\", ...)";
    }

    /** The name a copied file gets in the rendered definition dir: its own file name. */
    static String fileName(Path absolute, String what) {
        if (absolute.getFileName() == null) {
            throw new IllegalArgumentException(what + " " + absolute + " has no file name");
        }
        String name = absolute.getFileName().toString();
        checkNotTheSpecsOwn(name, what);
        return name;
    }

    private static void checkNotTheSpecsOwn(String name, String what) {
        if (name.equals(DefinitionParser.FILE_NAME)) {
            throw new IllegalArgumentException(what + " '" + name + "' is the name of the spec's own rendered "
                    + DefinitionParser.FILE_NAME + "; rename the file");
        }
    }
}
