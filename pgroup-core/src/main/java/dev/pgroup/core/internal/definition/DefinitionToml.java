package dev.pgroup.core.internal.definition;

import dev.pgroup.core.model.DefinitionException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.tomlj.Toml;
import org.tomlj.TomlArray;
import org.tomlj.TomlParseError;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlPosition;
import org.tomlj.TomlTable;

/**
 * {@code group.toml} as TOML (1.0, via tomlj): its tables, typed values with the line each was
 * written on, and {@link #fail}, the one way the definition parsers report an error, naming the
 * file and the line, process and key they can.
 */
public final class DefinitionToml {
    private final Path file;
    private final TomlParseResult root;

    private DefinitionToml(Path file, TomlParseResult root) {
        this.file = file;
        this.root = root;
    }

    /** Reads {@code file}; malformed TOML fails with the line and column of the first error. */
    public static DefinitionToml read(Path file) {
        try {
            return parse(file, java.nio.file.Files.readAllBytes(file));
        } catch (IOException e) {
            throw new DefinitionException(file, 0, null, null, "cannot read: " + e.getMessage());
        }
    }

    /** Parses the bytes read from {@code file}, as {@link #read} does. */
    static DefinitionToml parse(Path file, byte[] bytes) {
        TomlParseResult toml;
        try {
            toml = Toml.parse(new java.io.ByteArrayInputStream(bytes));
        } catch (IOException e) {
            throw new DefinitionException(file, 0, null, null, "cannot read: " + e.getMessage());
        }
        if (toml.hasErrors()) {
            TomlParseError first = toml.errors().get(0);
            String more = toml.errors().size() > 1 ? " (and " + (toml.errors().size() - 1) + " more errors)" : "";
            throw new DefinitionException(
                    file, first.position().line(), null, null, "malformed TOML: " + message(first) + more);
        }
        return new DefinitionToml(file, toml);
    }

    public Path file() {
        return file;
    }

    /** The file's top-level table. */
    public TomlTable root() {
        return root;
    }

    /** An error in group.toml: every parser error names the file, and the line, process and key it can. */
    public DefinitionException fail(int line, String process, String key, String problem) {
        return new DefinitionException(file, line, process, key, problem);
    }

    /** The 1-based line {@code key} of {@code t} was written on, or 0. */
    public static int line(TomlTable t, String key) {
        TomlPosition p = t.inputPositionOf(List.of(key));
        return p == null ? 0 : p.line();
    }

    public void rejectUnknownKeys(TomlTable t, Set<String> known, String process, String prefix) {
        for (String key : t.keySet()) {
            if (!known.contains(key)) {
                throw fail(
                        line(t, key),
                        process,
                        prefix + key,
                        "unknown key" + Names.didYouMean(key, known) + " (valid keys: " + new TreeSet<>(known) + ")");
            }
        }
    }

    /** An array of strings (numbers are taken as their text); empty when the key is not written. */
    public List<String> strings(TomlTable t, String key, String process) {
        return strings(t, key, process, key);
    }

    public List<String> strings(TomlTable t, String key, String process, String shownKey) {
        Object value = t.get(List.of(key));
        if (value == null) {
            return List.of();
        }
        int line = line(t, key);
        if (!(value instanceof TomlArray array)) {
            throw fail(line, process, shownKey, "must be an array of strings, e.g. [\"a\", \"b\"]");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            Object item = array.get(i);
            if (item instanceof String s) {
                TomlPosition pos = array.inputPositionOf(i);
                out.add(noNul(s, pos == null ? line : pos.line(), process, shownKey + "[" + i + "]"));
            } else if (item instanceof Long n) {
                out.add(n.toString());
            } else {
                TomlPosition pos = array.inputPositionOf(i);
                throw fail(pos == null ? line : pos.line(), process, shownKey + "[" + i + "]", "must be a string");
            }
        }
        return out;
    }

    public String optionalString(TomlTable t, String key, String process, String fallback) {
        Object value = t.get(List.of(key));
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof String s)) {
            throw fail(line(t, key), process, key, "must be a string");
        }
        return noNul(s, line(t, key), process, key);
    }

    /** A NUL cannot be passed in an argument or an environment value: the OS would cut the string there. */
    public String noNul(String value, int line, String process, String key) {
        int at = value.indexOf('\0');
        if (at >= 0) {
            throw fail(
                    line,
                    process,
                    key,
                    "contains a NUL character (\\u0000) at position " + (at + 1)
                            + "; a program's arguments and environment cannot hold one");
        }
        return value;
    }

    /** {@code port} names one of the process's {@code ports}: for listen and the tcp and http checks. */
    public void requirePort(String port, List<String> ports, String process, int line, String key) {
        if (!ports.contains(port)) {
            throw fail(
                    line,
                    process,
                    key,
                    "'" + port + "' is not one of this process's ports " + ports + Names.didYouMean(port, ports));
        }
    }

    private static String message(TomlParseError e) {
        // tomlj appends " (line N, column M)"; the line is already in our prefix.
        return e.getMessage().replaceFirst("\\s*\\(line \\d+, column \\d+\\)$", "") + " (column "
                + e.position().column() + ")";
    }
}
