package dev.pgroup.core.internal.definition;

import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Replaces {@code {{name}}} placeholders. {@code \{{} is a literal {@code {{}, as in Handlebars.
 * An unknown name is an error, never an empty string: a silently empty port is a day lost.
 */
public final class Placeholders {
    private final Map<String, String> values;
    private final Map<String, String> environment;
    private final Map<String, String> unavailable;

    /**
     * @param values the known placeholders, e.g. {@code port.main -> 20001}
     * @param environment what {@code {{env.VAR}}} reads
     */
    public Placeholders(Map<String, String> values, Map<String, String> environment) {
        this(values, environment, Map.of());
    }

    /**
     * @param unavailable placeholders that exist but have no value here, with the reason, e.g.
     *     {@code project.artifact} before the project's build made one
     */
    public Placeholders(Map<String, String> values, Map<String, String> environment, Map<String, String> unavailable) {
        this.values = Map.copyOf(values);
        this.environment = Map.copyOf(environment);
        this.unavailable = Map.copyOf(unavailable);
    }

    /** Thrown for a placeholder that cannot be rendered; the caller adds file and line. */
    public static final class UnknownPlaceholder extends Exception {
        private static final long serialVersionUID = 1L;
        private final String placeholder;
        private final int column;

        UnknownPlaceholder(String placeholder, int column, String message) {
            super(message);
            this.placeholder = placeholder;
            this.column = column;
        }

        /** The placeholder as written, e.g. {@code {{port.mian}}}. */
        public String placeholder() {
            return placeholder;
        }

        /** 1-based column in the rendered text where it starts. */
        public int column() {
            return column;
        }
    }

    /** Renders one piece of text (one line of a template, or one TOML string). */
    public String render(String text) throws UnknownPlaceholder {
        if (text.indexOf("{{") < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        int i = 0;
        while (i < text.length()) {
            if (text.startsWith("\\{{", i)) {
                out.append("{{");
                i += 3;
                continue;
            }
            if (!text.startsWith("{{", i)) {
                out.append(text.charAt(i++));
                continue;
            }
            int end = text.indexOf("}}", i + 2);
            if (end < 0) {
                throw new UnknownPlaceholder(text.substring(i), i + 1, "unclosed '{{' (write \\{{ for a literal {{)");
            }
            String name = text.substring(i + 2, end).trim();
            out.append(lookup(name, text.substring(i, end + 2), i + 1));
            i = end + 2;
        }
        return out.toString();
    }

    private String lookup(String name, String written, int column) throws UnknownPlaceholder {
        if (name.startsWith("env.")) {
            String var = name.substring(4);
            String value = environment.get(var);
            if (value == null) {
                throw new UnknownPlaceholder(
                        written, column, written + ": environment variable " + var + " is not set");
            }
            return value;
        }
        String value = values.get(name);
        if (value != null) {
            return value;
        }
        if (unavailable.containsKey(name)) {
            throw new UnknownPlaceholder(written, column, written + " has no value: " + unavailable.get(name));
        }
        TreeSet<String> known = new TreeSet<>(values.keySet());
        String hint = Names.nearest(name, known)
                .map(n -> "; did you mean {{" + n + "}}?")
                .orElse("; known placeholders: "
                        + known.stream().map(k -> "{{" + k + "}}").toList() + " and {{env.VAR}}");
        throw new UnknownPlaceholder(written, column, "unknown placeholder " + written + hint);
    }

    /** The value of a placeholder, for callers that need one directly. */
    public Optional<String> value(String name) {
        return Optional.ofNullable(values.get(name));
    }
}
