package dev.pgroup.core.internal.definition;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The one rule for a path a definition names (a template, a file, a seed input): relative, and
 * inside the definition dir, also once symlinks are resolved, so that a definition never reads
 * what lies outside its own directory.
 */
public final class DefinitionPaths {
    private DefinitionPaths() {}

    /** {@code given}, normalized; a blank, absolute or climbing path fails naming {@code key}. */
    static Path relative(DefinitionToml toml, Path directory, String given, String process, int line, String key) {
        if (!isRelativeInside(given)) {
            throw toml.fail(
                    line,
                    process,
                    key,
                    "'" + given + "' must be a relative path inside the definition directory " + directory);
        }
        return Path.of(given).normalize();
    }

    /**
     * Whether {@code given} is a relative path that stays inside the dir it is resolved against
     * (symlinks aside); {@code GroupSpec} checks the paths it writes files to with it at once.
     */
    public static boolean isRelativeInside(String given) {
        if (given == null || given.isBlank() || given.indexOf('\0') >= 0) {
            return false;
        }
        Path relative = Path.of(given).normalize();
        return !relative.isAbsolute() && !relative.startsWith("..");
    }

    /**
     * The real path of {@code relative}, which must stay inside {@code directory}.
     *
     * @throws java.nio.file.NoSuchFileException when it does not exist, for the caller to word
     */
    static Path realInside(
            DefinitionToml toml, Path directory, Path relative, String given, String process, int line, String key)
            throws IOException {
        Path real = directory.resolve(relative).toRealPath();
        if (!real.startsWith(directory)) {
            throw toml.fail(
                    line,
                    process,
                    key,
                    "'" + given + "' resolves to " + real + ", outside the definition directory " + directory);
        }
        return real;
    }
}
