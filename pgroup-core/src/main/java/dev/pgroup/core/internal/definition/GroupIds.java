package dev.pgroup.core.internal.definition;

import java.security.SecureRandom;
import java.util.Locale;

/**
 * Group ids: {@code <name>-<host>-<random>}, e.g. {@code cache-ci7-k3f9qz}. The name makes them
 * readable in {@code ps} and in the base dir, the host tells groups of several CI nodes apart in
 * uploaded artifacts, and 30 random bits make a clash rare; the caller still creates the
 * directory atomically and retries on a clash. The host name comes from the caller (the OS layer's,
 * which never looks it up in DNS).
 */
public final class GroupIds {
    private static final char[] ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private GroupIds() {}

    /**
     * A new id for a group named {@code groupName} on the host {@code shortHost} ({@link
     * #shortHost}; empty: the id has no host part).
     */
    public static String next(String groupName, String shortHost) {
        StringBuilder id = new StringBuilder(groupName).append('-');
        if (!shortHost.isEmpty()) {
            id.append(shortHost).append('-');
        }
        // One draw for the six letters, 5 bits each (32 letters): SecureRandom is synchronized, and
        // hundreds of creates a second took turns on it six times each.
        long bits = RANDOM.nextLong();
        for (int i = 0; i < 6; i++) {
            id.append(ALPHABET[(int) (bits & 31)]);
            bits >>>= 5;
        }
        return id.toString();
    }

    /** A host name as ids carry it: its first label, lower case, letters and digits, at most 12. */
    public static String shortHost(String host) {
        String s = host.toLowerCase(Locale.ROOT);
        int dot = s.indexOf('.');
        if (dot > 0) {
            s = s.substring(0, dot);
        }
        s = s.replaceAll("[^a-z0-9]", "");
        return s.length() > 12 ? s.substring(0, 12) : s;
    }
}
