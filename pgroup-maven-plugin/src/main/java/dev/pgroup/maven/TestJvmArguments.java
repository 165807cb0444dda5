package dev.pgroup.maven;

import java.util.Properties;

/**
 * Hands values to this module's test JVM as system properties, through the project's {@code argLine}
 * property, which maven-failsafe-plugin reads for its {@code <argLine>} by default.
 *
 * <p>Why not session user properties: every module of a {@code mvn -T} reactor shares them, and
 * failsafe hands them to every module's test JVM, so module a's tests got module b's group. The
 * project's properties belong to one module, and JaCoCo's {@code prepare-agent} hands its agent
 * to the tests the same way. A user who sets {@code <argLine>} in failsafe's configuration keeps
 * these with {@code @{argLine}}; without them, {@code PGroup.current()} still finds the group under
 * the module's {@code target/pgroup}.
 */
final class TestJvmArguments {
    static final String ARG_LINE = "argLine";

    private TestJvmArguments() {}

    /** Appends {@code -Dkey=value} to the project's argLine, after what is there (e.g. JaCoCo's agent). */
    static void add(Properties projectProperties, String key, String value) {
        String current = projectProperties.getProperty(ARG_LINE, "").strip();
        String arg = quote("-D" + key + "=" + value);
        projectProperties.setProperty(ARG_LINE, current.isEmpty() ? arg : current + " " + arg);
    }

    /** Takes out what {@link #add} put in for {@code key}; the rest of the argLine stays as it was. */
    static void remove(Properties projectProperties, String key, String value) {
        String current = projectProperties.getProperty(ARG_LINE);
        String arg = quote("-D" + key + "=" + value);
        // The last occurrence: an equal entry added earlier by another group stays.
        int at = current == null ? -1 : current.lastIndexOf(arg);
        if (at < 0) {
            return;
        }
        String rest = (current.substring(0, at).strip() + " "
                        + current.substring(at + arg.length()).strip())
                .strip();
        if (rest.isEmpty()) {
            projectProperties.remove(ARG_LINE);
        } else {
            projectProperties.setProperty(ARG_LINE, rest);
        }
    }

    /**
     * Quotes an argument the way surefire's command line parser reads it back: in double quotes when
     * it holds whitespace, in single quotes when it also holds a double quote.
     */
    static String quote(String arg) {
        if (arg.chars().noneMatch(c -> Character.isWhitespace(c) || c == '"' || c == '\'')) {
            return arg;
        }
        return arg.indexOf('"') < 0 ? '"' + arg + '"' : "'" + arg + "'";
    }
}
