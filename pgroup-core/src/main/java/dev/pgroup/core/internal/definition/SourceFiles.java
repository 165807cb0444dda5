package dev.pgroup.core.internal.definition;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tomlj.TomlTable;

/**
 * A process's {@code templates} (rendered into its process dir) and {@code files} (copied as they
 * are): relative paths inside the definition dir, each written once.
 */
public record SourceFiles(List<String> templates, List<String> files) {
    /** Files runit reads in a service dir; a template must not overwrite them. */
    public static final Set<String> RUNIT_FILES =
            Set.of("run", "finish", "check", "down", "log", "supervise", "control");

    /** The {@code templates} and {@code files} of process table {@code t}; {@code lines} by key. */
    static SourceFiles parse(
            DefinitionToml toml, TomlTable t, String process, Map<String, Integer> lines, Path directory) {
        List<String> templates = new ArrayList<>();
        for (String template : toml.strings(t, "templates", process)) {
            templates.add(sourceFile(toml, directory, template, process, lines.get("templates"), "templates"));
        }
        List<String> files = new ArrayList<>();
        Set<String> targets = new HashSet<>(templates);
        for (String verbatim : toml.strings(t, "files", process)) {
            String relative = sourceFile(toml, directory, verbatim, process, lines.get("files"), "files");
            if (!targets.add(relative)) {
                throw toml.fail(
                        lines.get("files"),
                        process,
                        "files",
                        "'" + verbatim + "' is already written to the process directory"
                                + (templates.contains(relative) ? " as a template" : "")
                                + "; name each file once");
            }
            files.add(relative);
        }
        return new SourceFiles(templates, files);
    }

    /**
     * Checks a template or verbatim file path: relative, inside the definition dir (symlinks too), a
     * regular file, not one of runit's names.
     */
    private static String sourceFile(
            DefinitionToml toml, Path directory, String template, String process, int line, String key) {
        Path relative = DefinitionPaths.relative(toml, directory, template, process, line, key);
        if (RUNIT_FILES.contains(relative.getName(0).toString())) {
            throw toml.fail(
                    line,
                    process,
                    key,
                    "'" + template + "' would overwrite runit's '" + relative.getName(0)
                            + "' in the process directory; rename the file");
        }
        Path source = directory.resolve(relative);
        try {
            Path real = DefinitionPaths.realInside(toml, directory, relative, template, process, line, key);
            if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
                throw toml.fail(line, process, key, "'" + template + "' is not a regular file");
            }
        } catch (NoSuchFileException e) {
            throw toml.fail(
                    line,
                    process,
                    key,
                    (key.equals("files") ? "file '" : "template '") + template + "' not found at " + source);
        } catch (IOException e) {
            throw toml.fail(line, process, key, "cannot read '" + template + "': " + e);
        }
        return relative.toString();
    }
}
