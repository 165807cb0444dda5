package dev.pgroup.core;

import dev.pgroup.core.internal.definition.RunAsUser;
import java.util.function.Supplier;

/**
 * The checks a {@link ProcessSpec} makes at once, when a value is set, rather than at create:
 * each message starts with where the value was set, {@code GroupSpec "cache": process "redis"}.
 */
final class SpecChecks {
    private SpecChecks() {}

    /** {@code userName}, when it is a user name. */
    static String user(String userName, String where) {
        if (!RunAsUser.isValid(userName)) {
            throw new IllegalArgumentException(where + ": user '" + userName + "' " + RunAsUser.RULE);
        }
        return userName;
    }

    /** A template or file the {@code check} accepted, its refusal prefixed with {@code where}. */
    static SpecSource source(String where, Supplier<SpecSource> check) {
        try {
            return check.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }
}
