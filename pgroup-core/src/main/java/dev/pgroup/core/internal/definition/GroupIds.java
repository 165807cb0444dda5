package dev.pgroup.core.internal.definition;

import java.net.InetAddress;
import java.security.SecureRandom;
import java.util.Locale;

/**
 * Group ids: {@code <name>-<host>-<random>}, e.g. {@code cache-ci7-k3f9qz}. The name makes them
 * readable in {@code ps} and in the base dir, the host tells groups of several CI nodes apart in
 * uploaded artifacts, and 30 random bits make a clash rare; the caller still creates the
 * directory atomically and retries on a clash.
 */
public final class GroupIds {
    private static final char[] ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String HOST = shortHost();

    private GroupIds() {}

    public static String next(String groupName) {
        StringBuilder id = new StringBuilder(groupName).append('-');
        if (!HOST.isEmpty()) {
            id.append(HOST).append('-');
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

    public static String host() {
        return HOST;
    }

    private static String shortHost() {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (Exception e) {
                host = "";
            }
        }
        String s = host.toLowerCase(Locale.ROOT);
        int dot = s.indexOf('.');
        if (dot > 0) {
            s = s.substring(0, dot);
        }
        s = s.replaceAll("[^a-z0-9]", "");
        return s.length() > 12 ? s.substring(0, 12) : s;
    }
}
