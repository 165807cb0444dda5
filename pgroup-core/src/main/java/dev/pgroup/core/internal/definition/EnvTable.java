package dev.pgroup.core.internal.definition;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.tomlj.TomlTable;

/** Reads an {@code env} table, the group's or a process's, into variables and their values. */
final class EnvTable {
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private EnvTable() {}

    /** @param process the process whose table it is, null for the group's */
    static Map<String, String> parse(DefinitionToml toml, TomlTable t, String process) {
        Object value = t.get(List.of("env"));
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof TomlTable table)) {
            throw toml.fail(
                    DefinitionToml.line(t, "env"), process, "env", "must be a table, e.g. env = { LANG = \"C\" }");
        }
        Map<String, String> env = new LinkedHashMap<>();
        for (String key : table.keySet()) {
            Object v = table.get(List.of(key));
            int line = DefinitionToml.line(table, key);
            if (!ENV_NAME.matcher(key).matches()) {
                throw toml.fail(line, process, "env." + key, "not a valid environment variable name");
            }
            if (v instanceof String s) {
                env.put(key, toml.noNul(s, line, process, "env." + key));
            } else if (v instanceof Long || v instanceof Boolean || v instanceof Double) {
                env.put(key, v.toString());
            } else {
                throw toml.fail(line, process, "env." + key, "must be a string");
            }
        }
        return env;
    }
}
