package dev.pgroup.core.internal.definition;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** TOML 1.0 literals for the {@code group.toml} a {@code GroupSpec} renders: any string, escaped. */
public final class TomlText {
    private TomlText() {}

    /** A basic string: quotes, backslashes and every control character escaped. */
    public static String string(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\r' -> out.append("\\r");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    // TOML forbids raw control characters (and DEL) in basic strings.
                    if (c < 0x20 || c == 0x7f) {
                        out.append(String.format("\\u%04X", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    /** An array of basic strings. */
    public static String array(List<String> values) {
        return values.stream().map(TomlText::string).collect(Collectors.joining(", ", "[", "]"));
    }

    /** An inline table of strings. Keys quoted too: an invalid variable name reaches the parser, which names it. */
    public static String inlineTable(Map<String, String> entries) {
        return entries.entrySet().stream()
                .map(e -> string(e.getKey()) + " = " + string(e.getValue()))
                .collect(Collectors.joining(", ", "{ ", " }"));
    }
}
