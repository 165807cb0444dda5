package dev.pgroup.core.internal.definition;

import java.util.regex.Pattern;
import org.tomlj.TomlTable;

/**
 * A process's {@code user = "postgres"}: the account it runs as when pgroup runs as root. Only the
 * form is checked here; whether the account exists, and whether pgroup may switch to it, is the
 * operating system's to say, at create.
 */
public final class RunAsUser {
    /** POSIX portable user names, and what useradd accepts beyond them. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9._-]{0,31}\\$?");

    /** What {@link #isValid} demands, for messages. */
    public static final String RULE = "is not a user name (letters, digits, '.', '_' and '-', at most 32)";

    private RunAsUser() {}

    /** Whether {@code user} has the form of a user name; {@code GroupSpec} checks it at once. */
    public static boolean isValid(String user) {
        return user != null && NAME.matcher(user).matches();
    }

    /** The {@code user} of process table {@code t}, or null when not written. */
    static String parse(DefinitionToml toml, TomlTable t, String process) {
        String user = toml.optionalString(t, "user", process, null);
        if (user != null && !isValid(user)) {
            throw toml.fail(DefinitionToml.line(t, "user"), process, "user", "'" + user + "' " + RULE);
        }
        return user;
    }
}
